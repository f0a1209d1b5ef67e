// Per-step overhead of a session driven over ACP (`agent acp`, the official SDK's client on the
// other end, every update delivered) vs the same session run by `agent exec --json` (each JSONL
// line parsed, as the Codex SDK does), in the same run, interleaved, every process given the same
// environment. A step is one model request and one `echo` command; the time is from the first
// model request to the last, so start-up and shutdown are not counted. Both record the session
// (an ACP session must be loadable later, so `agent exec` runs without `--ephemeral` too): the
// same work on the same footing. The agent's CPU time per step (its process and, for `agent
// acp`, the spawn server that starts its commands) is shown beside the wall time: on a 2-core
// machine the client's work competes with the agent's for the cores.
//   pnpm --filter @agent/cli bench:acp        (needs `pnpm build` first)
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable, Writable } from 'node:stream'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { client, ndJsonStream } from '@agentclientprotocol/sdk'

// BENCH_BIN: another build of the binary (e.g. a copy of dist/ from before a change), to compare.
const bin = process.env.BENCH_BIN ?? new URL('../dist/agent.cjs', import.meta.url).pathname
const RUNS = Number(process.env.BENCH_RUNS ?? 9)
const STEPS = Number(process.env.BENCH_STEPS ?? 30)
const SANDBOX = 'danger-full-access'
// Extra node flags for both children, to profile them alike: BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

const turns = (): MockTurn[] => [
  ...Array.from({ length: STEPS }, (_, i) => ({
    text: `step ${i}`,
    toolCalls: [{ name: 'shell', arguments: { command: ['echo', `step ${i}`] } }],
  })),
  { text: 'done' },
]

function scratch(): { repo: string; env: NodeJS.ProcessEnv } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-bench-acp-')))
  spawnSync('git', ['init', '-q', root])
  return {
    repo: root,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      AGENT_HOME: join(root, '.agent'),
      OPENAI_API_KEY: 'x',
      // The same sandbox for both: full-access is exec's `-s` and ACP's `full-access` mode.
      ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
    },
  }
}

interface Step {
  /** Wall time per step (ms): first model request to the last, / steps. */
  wall: number
  /**
   * CPU time (user + system, ms) in the same interval, / steps, of the agent process and of its
   * spawn server (`agent acp` starts its commands from one; `agent exec` forks them itself).
   * The commands' own CPU is left out on both sides.
   */
  cpu: number
}

/** CPU time `pid` and its Node children (the spawn server) have used so far (ms); NaN off Linux. */
function cpuMs(pid: number | undefined): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').split(' ').filter(Boolean)
    let total = ownCpuMs(String(pid))
    for (const child of children) {
      if (readFileSync(`/proc/${child}/comm`, 'latin1').trim() === 'node') total += ownCpuMs(child)
    }
    return total
  } catch {
    return Number.NaN
  }
}

function ownCpuMs(pid: string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
  } catch {
    return 0 // it exited meanwhile (a command)
  }
}

async function perStep(server: MockProviderServer, pid: number | undefined): Promise<Step> {
  const first = await server.waitForRequests(1)
  const cpuAtFirst = cpuMs(pid)
  const last = await server.waitForRequests(STEPS + 1)
  return { wall: (last - first) / STEPS, cpu: (cpuMs(pid) - cpuAtFirst) / STEPS }
}

async function execSteps(): Promise<Step> {
  const { repo, env } = scratch()
  const server = await startMockProviderServer({ wire: 'responses', turns: turns() })
  const child = spawn(process.execPath, [...NODE_ARGS, bin, 'exec', '--json', '-s', SANDBOX, 'steps'], {
    cwd: repo,
    env: { ...env, OPENAI_BASE_URL: server.baseUrl },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  // Each JSONL line read and parsed, as a client of exec does (@openai/codex-sdk: readline and
  // JSON.parse), the counterpart of the ACP SDK reading each session/update.
  let events = 0
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (JSON.parse(line)) events++
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const step = await perStep(server, child.pid)
  if ((await exited) !== 0 || events < STEPS * 2) throw new Error(`agent exec failed (${events} events)`)
  await server.close()
  rmSync(repo, { recursive: true, force: true })
  return step
}

async function acpSteps(): Promise<Step> {
  const { repo, env } = scratch()
  const server = await startMockProviderServer({ wire: 'responses', turns: turns() })
  const child = spawn(process.execPath, [...NODE_ARGS, bin, 'acp', '-c', `sandbox_mode="${SANDBOX}"`], {
    cwd: repo,
    env: { ...env, OPENAI_BASE_URL: server.baseUrl },
    stdio: ['pipe', 'pipe', 'ignore'],
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  let updates = 0
  const app = client({ name: 'bench' }).onNotification('session/update', () => {
    updates++
  })
  const connection = app.connect(
    ndJsonStream(
      Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
      Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
    ),
  )
  await connection.agent.request('initialize', { protocolVersion: 1 })
  const { sessionId } = await connection.agent.request('session/new', { cwd: repo, mcpServers: [] })
  const prompt = connection.agent.request('session/prompt', {
    sessionId,
    prompt: [{ type: 'text', text: 'steps' }],
  })
  const step = await perStep(server, child.pid)
  const { stopReason } = await prompt
  if (stopReason !== 'end_turn' || updates < STEPS * 2)
    throw new Error(`acp: ${stopReason}, ${updates} updates`)
  child.stdin.end()
  await exited
  await server.close()
  rmSync(repo, { recursive: true, force: true })
  return step
}

const execRuns: Step[] = []
const acpRuns: Step[] = []
await execSteps() // warm the file cache and the launcher's code cache for both
for (let i = 0; i < RUNS; i++) {
  execRuns.push(await execSteps())
  acpRuns.push(await acpSteps())
}
const execMs = median(execRuns.map((r) => r.wall))
const acpMs = median(acpRuns.map((r) => r.wall))
// Each ACP run against the exec run just before it: load that drifts during the bench moves
// both of a pair alike, so the median of the pairs' ratios is steadier than a ratio of medians.
const pairedRatio = median(acpRuns.map((r, i) => r.wall / (execRuns[i]?.wall ?? Number.NaN)))
const execCpu = median(execRuns.map((r) => r.cpu))
const acpCpu = median(acpRuns.map((r) => r.cpu))

console.log(`agent: per-step overhead, ACP vs exec (${STEPS} steps, median of ${RUNS} interleaved runs)`)
console.log(
  `environment: node ${process.version}, ${cpus().length} cores, sandbox ${SANDBOX}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')},`,
)
console.log(
  `  env PATH HOME AGENT_HOME OPENAI_API_KEY OPENAI_BASE_URL${process.env.NODE_EXTRA_CA_CERTS ? ' NODE_EXTRA_CA_CERTS' : ''} (same for both);`,
)
console.log('')
console.log(
  '| measure                     | ms/step | ratio | paired ratio | agent CPU ms/step | CPU ratio | target |',
)
console.log(
  '|-----------------------------|--------:|------:|-------------:|------------------:|----------:|-------:|',
)
console.log(
  `| agent exec --json           | ${execMs.toFixed(2).padStart(7)} |  1.00 |         1.00 | ${execCpu.toFixed(1).padStart(17)} |      1.00 |        |`,
)
console.log(
  `| agent acp (SDK client)      | ${acpMs.toFixed(2).padStart(7)} | ${(acpMs / execMs).toFixed(2).padStart(5)} | ${pairedRatio.toFixed(2).padStart(12)} | ${acpCpu.toFixed(1).padStart(17)} | ${(acpCpu / execCpu).toFixed(2).padStart(9)} | ≤ 1.10 |`,
)
console.log('')
console.log(`runs (exec): ${execRuns.map((r) => r.wall.toFixed(1)).join(' ')}`)
console.log(`runs (acp):  ${acpRuns.map((r) => r.wall.toFixed(1)).join(' ')}`)
