// Per-step overhead of a session driven over ACP (`agent acp`, the official SDK's client on the
// other end, every update delivered) vs the same session run by `agent exec --json`, in the same
// run, interleaved, every process given the same environment. A step is one model request and
// one `echo` command; the time is from the first model request to the last, so start-up and
// shutdown are not counted. Both record the session (an ACP session must be loadable later, so
// `agent exec` runs without `--ephemeral` too): the same work on the same footing.
//   pnpm --filter @agent/cli bench:acp        (needs `pnpm build` first)
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { client, ndJsonStream } from '@agentclientprotocol/sdk'

// BENCH_BIN: another build of the binary (e.g. a copy of dist/ from before a change), to compare.
const bin = process.env.BENCH_BIN ?? new URL('../dist/agent.cjs', import.meta.url).pathname
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const STEPS = Number(process.env.BENCH_STEPS ?? 30)
const SANDBOX = 'danger-full-access'
// Extra node flags for both children, to profile them alike: BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)

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

async function execSteps(): Promise<number> {
  const { repo, env } = scratch()
  const server = await startMockProviderServer({ wire: 'responses', turns: turns() })
  const child = spawn(process.execPath, [...NODE_ARGS, bin, 'exec', '--json', '-s', SANDBOX, 'steps'], {
    cwd: repo,
    env: { ...env, OPENAI_BASE_URL: server.baseUrl },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  child.stdout.resume() // the JSONL is produced and read, as a client of exec would
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const first = await server.waitForRequests(1)
  const ms = (await server.waitForRequests(STEPS + 1)) - first
  if ((await exited) !== 0) throw new Error('agent exec failed')
  await server.close()
  rmSync(repo, { recursive: true, force: true })
  return ms / STEPS
}

async function acpSteps(): Promise<number> {
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
  const first = await server.waitForRequests(1)
  const ms = (await server.waitForRequests(STEPS + 1)) - first
  const { stopReason } = await prompt
  if (stopReason !== 'end_turn' || updates < STEPS * 2)
    throw new Error(`acp: ${stopReason}, ${updates} updates`)
  child.stdin.end()
  await exited
  await server.close()
  rmSync(repo, { recursive: true, force: true })
  return ms / STEPS
}

const execTimes: number[] = []
const acpTimes: number[] = []
await execSteps() // warm the file cache and the launcher's code cache for both
for (let i = 0; i < RUNS; i++) {
  execTimes.push(await execSteps())
  acpTimes.push(await acpSteps())
}
const execMs = median(execTimes)
const acpMs = median(acpTimes)
const ratio = acpMs / execMs

console.log(`agent: per-step overhead, ACP vs exec (${STEPS} steps, median of ${RUNS} interleaved runs)`)
console.log(`environment: node ${process.version}, sandbox ${SANDBOX}, load ${loadavg()[0]?.toFixed(2)},`)
console.log(
  `  env PATH HOME AGENT_HOME OPENAI_API_KEY OPENAI_BASE_URL${process.env.NODE_EXTRA_CA_CERTS ? ' NODE_EXTRA_CA_CERTS' : ''} (same for both)`,
)
console.log('')
console.log('| measure                     | ms/step | ratio | target |')
console.log('|-----------------------------|--------:|------:|-------:|')
console.log(`| agent exec --json           | ${execMs.toFixed(2).padStart(7)} |  1.00 |        |`)
console.log(
  `| agent acp (SDK client)      | ${acpMs.toFixed(2).padStart(7)} | ${ratio.toFixed(2).padStart(5)} | ≤ 1.10 |`,
)
console.log('')
console.log(`runs (exec): ${execTimes.map((t) => t.toFixed(1)).join(' ')}`)
console.log(`runs (acp):  ${acpTimes.map((t) => t.toFixed(1)).join(' ')}`)
