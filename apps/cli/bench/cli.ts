// Benchmark of the built `agent` binary against a floor measured in the same run: a minimal Node
// client doing the same task against the same kind of local server (bench/floor-client.mjs:
// built-in fetch, no SDK). Every process of a comparison — the floor, `node -e 0`, the SDK
// reference, the agent — gets the same environment (printed at the top: nothing of the caller's
// environment leaks in, e.g. NODE_EXTRA_CA_CERTS, which costs every Node start 50-90 ms here) and
// a fresh HOME, as a first run after installing would (no code cache, no config). The warm
// column is a second run with the HOME of the first.
//   pnpm --filter @agent/cli bench        (needs `pnpm build` first)
// BENCH_RUNS (default 7) sets the repetitions of the start-up measures; BENCH_STEP_RUNS (3) those
// of the 50- and 200-step sessions; BENCH_QUICK=1 skips the 200-step session.
import { spawn, spawnSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { build } from 'tsup'

// BENCH_BIN: another build of the binary (e.g. a copy of dist/ from before a change), to compare.
const bin = process.env.BENCH_BIN ?? new URL('../dist/agent.cjs', import.meta.url).pathname
const floorClient = new URL('./floor-client.mjs', import.meta.url).pathname
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const STEP_RUNS = Number(process.env.BENCH_STEP_RUNS ?? 3)
const QUICK = process.env.BENCH_QUICK === '1'

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'agent-bench-')))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))

// Every child writes its peak RSS (getrusage's maxrss) to <rssDir>/<pid> as it exits: a one-line
// CommonJS preload in NODE_OPTIONS, so the same in every process of every comparison.
const rssDir = join(scratch, 'rss')
mkdirSync(rssDir)
const rssPreload = join(scratch, 'rss.cjs')
writeFileSync(
  rssPreload,
  `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssDir)} + '/' + process.pid, String(process.resourceUsage().maxRSS)))\n`,
)

/** The whole environment of every process; HOME and OPENAI_BASE_URL are set per run. */
const BASE_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  OPENAI_API_KEY: 'bench',
  NODE_OPTIONS: `--require ${rssPreload}`,
}

let homes = 0
/** A fresh HOME and, beside it, a git repository to work in. */
function freshHome(): { home: string; repo: string } {
  const root = join(scratch, `run-${++homes}`)
  const home = join(root, 'home')
  const repo = join(root, 'repo')
  mkdirSync(home, { recursive: true })
  mkdirSync(repo, { recursive: true })
  spawnSync('git', ['init', '-q', '-b', 'main', repo])
  return { home, repo }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

interface Run {
  /** ms from spawning to the n-th request's arrival at the server. */
  requests: number[]
  /** ms from spawning to the end of the n-th response. */
  responses: number[]
  /** ms from spawning to the process's exit. */
  wall: number
  rssMb: number
}

/**
 * Runs `node <script> ...args` (the agent: `agent ...args`) in `place` against a fresh mock server
 * scripted with `turns`; resolves when the process has exited, with the server's timeline.
 */
async function timedRun(
  script: string,
  args: string[],
  turns: MockTurn[],
  place: { home: string; repo: string },
) {
  const server = await startMockProviderServer({ wire: 'responses', turns })
  const env = { ...BASE_ENV, HOME: place.home, OPENAI_BASE_URL: server.baseUrl }
  const start = performance.now()
  const child = spawn(...command(script, args), {
    cwd: place.repo,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (c) => resolve(c))
  })
  const wall = performance.now() - start
  const expected = turns.length
  if (code !== 0 || server.pending !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} exited ${code} after ${server.requests.length} of ${expected} requests:\n${stderr}`,
    )
  }
  const requests: number[] = []
  const responses: number[] = []
  for (let i = 1; i <= expected; i++) {
    requests.push((await server.waitForRequests(i)) - start)
    responses.push((await server.waitForResponses(i)) - start)
  }
  await server.close()
  const rssMb = Number(readFileSync(join(rssDir, String(child.pid)), 'utf8')) / 1024
  return { requests, responses, wall, rssMb } satisfies Run
}

const shellTurns = (steps: number): MockTurn[] => [
  ...Array.from({ length: steps }, (_, i) => ({
    toolCalls: [{ name: 'shell', arguments: { command: ['echo', `step ${i}`] } }],
  })),
  { text: 'done' },
]
const agentArgs = (sandbox: string, prompt: string) => ['exec', '--ephemeral', '-s', sandbox, prompt]

const env = { ...BASE_ENV, HOME: '<a fresh directory per run>', OPENAI_BASE_URL: '<the run’s local server>' }
console.log(
  `node ${process.version}, ${cpus().length} cores, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
// After each workspace-write command the sandbox looks for new git directories one level down in
// /tmp (a planted hook there runs later, outside the sandbox): one lookup per entry of /tmp.
console.log(
  `/tmp holds ${readdirSync('/tmp').length} entries (the workspace-write rows look at each once a step)`,
)
console.log('environment of every process (floor, references and agent alike; nothing else):')
for (const [key, value] of Object.entries(env)) console.log(`  ${key}=${value}`)
console.log('')

// 1. References: `node -e 0` and `agent --version`.
// The agent runs as users run it: `agent` is the program (a shell line that starts Node with the
// launcher's V8 flags, see tsup.config.ts), not `node agent.cjs`.
function command(script: string, args: string[]): [string, string[]] {
  return script === bin ? [bin, args] : [process.execPath, [script, ...args]]
}

async function plainStart(args: string[]): Promise<number> {
  const { home, repo } = freshHome()
  const start = performance.now()
  const child = spawn(...command(args[0]!, args.slice(1)), {
    cwd: repo,
    env: { ...BASE_ENV, HOME: home },
    stdio: 'ignore',
  })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}`)
  return performance.now() - start
}
const nodeE0: number[] = []
const version: number[] = []
for (let i = 0; i < RUNS; i++) {
  nodeE0.push(await plainStart(['-e', '0']))
  version.push(await plainStart([bin, '--version']))
}

// 2. One-step task: start → first request, end of first response → second request (the tool
// result), and wall time, for the floor, the agent in a fresh HOME and again in the same HOME.
const oneStep = { floor: [] as Run[], cold: [] as Run[], warm: [] as Run[] }
for (let i = 0; i < RUNS; i++) {
  oneStep.floor.push(await timedRun(floorClient, ['run echo once'], shellTurns(1), freshHome()))
  const place = freshHome()
  oneStep.cold.push(
    await timedRun(bin, agentArgs('danger-full-access', 'run echo once'), shellTurns(1), place),
  )
  oneStep.warm.push(
    await timedRun(bin, agentArgs('danger-full-access', 'run echo once'), shellTurns(1), place),
  )
}

// 3. References under the first request, bundled like the CLI (bench/sdk-floor.ts): the `openai`
// SDK alone streaming one response, and the same after loading @agent/core.
const sdkDir = join(scratch, 'sdk-floor')
await build({
  entry: { 'sdk-floor': new URL('./sdk-floor.ts', import.meta.url).pathname },
  outDir: sdkDir,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  minify: true,
  splitting: false,
  noExternal: [/.*/],
  esbuildOptions(options) {
    options.conditions = ['@agent/source', 'import', 'node']
  },
  outExtension: () => ({ js: '.mjs' }),
  config: false,
  silent: true,
})
const sdkScript = join(sdkDir, 'sdk-floor.mjs')
const sdkCoreScript = join(sdkDir, 'sdk-core-floor.cjs')
// The same bundle with BENCH_WITH_CORE=1 would change the environment: a two-line wrapper sets it.
writeFileSync(sdkCoreScript, `process.env.BENCH_WITH_CORE = '1'\nimport(${JSON.stringify(sdkScript)})\n`)
const sdkOnly: number[] = []
const sdkCore: number[] = []
for (let i = 0; i < RUNS; i++) {
  sdkOnly.push((await timedRun(sdkScript, [], [{ text: 'hi' }], freshHome())).requests[0]!)
  sdkCore.push((await timedRun(sdkCoreScript, [], [{ text: 'hi' }], freshHome())).requests[0]!)
}

// 4. Sessions of 50 (and 200) `echo` steps: per-step time from the first request to the last
// (start-up and shutdown are not step overhead), and peak RSS.
const perStep = (run: Run) => (run.requests.at(-1)! - run.requests[0]!) / (run.requests.length - 1)
async function session(steps: number) {
  const result = { floor: [] as Run[], danger: [] as Run[], sandboxed: [] as Run[] }
  for (let i = 0; i < STEP_RUNS; i++) {
    const prompt = `run echo ${steps} times`
    result.floor.push(await timedRun(floorClient, [prompt], shellTurns(steps), freshHome()))
    result.danger.push(
      await timedRun(bin, agentArgs('danger-full-access', prompt), shellTurns(steps), freshHome()),
    )
    if (steps <= 50) {
      result.sandboxed.push(
        await timedRun(bin, agentArgs('workspace-write', prompt), shellTurns(steps), freshHome()),
      )
    }
  }
  return result
}
const s50 = await session(50)
const s200 = QUICK ? undefined : await session(200)

// The table.
type Row = [string, string, string, string, string, string, string]
const ms = (x: number, digits = 0) => `${x.toFixed(digits)} ms`
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}x`
const check = (value: number, limit: number) => (value <= limit ? 'met' : 'NOT met')
const rows: Row[] = []
const ratioRow = (
  label: string,
  floor: number,
  cold: number,
  warm: number | undefined,
  limit: number | undefined,
  digits = 0,
) => {
  rows.push([
    label,
    ms(floor, digits),
    ms(cold, digits),
    ratio(cold, floor),
    warm === undefined ? '-' : `${ms(warm, digits)}, ${ratio(warm, floor)}`,
    limit === undefined ? '-' : `<= ${limit}x`,
    limit === undefined ? '-' : check(cold / floor, limit),
  ])
}
const med = (runs: Run[], f: (r: Run) => number) => median(runs.map(f))
const firstRequest = (r: Run) => r.requests[0]!
const firstToolResult = (r: Run) => r.requests[1]! - r.responses[0]!
const wall = (r: Run) => r.wall
const rss = (r: Run) => r.rssMb

const nodeMs = median(nodeE0)
rows.push([
  'agent --version (floor: node -e 0)',
  ms(nodeMs),
  ms(median(version)),
  ratio(median(version), nodeMs),
  '-',
  '-',
  '-',
])
ratioRow(
  'start -> first model request',
  med(oneStep.floor, firstRequest),
  med(oneStep.cold, firstRequest),
  med(oneStep.warm, firstRequest),
  2,
)
rows.push([
  '  reference: node -e 0 (exit)',
  ms(med(oneStep.floor, firstRequest)),
  ms(nodeMs),
  ratio(nodeMs, med(oneStep.floor, firstRequest)),
  '-',
  '-',
  '-',
])
rows.push([
  '  reference: openai SDK alone',
  ms(med(oneStep.floor, firstRequest)),
  ms(median(sdkOnly)),
  ratio(median(sdkOnly), med(oneStep.floor, firstRequest)),
  '-',
  '-',
  '-',
])
rows.push([
  '  reference: SDK + @agent/core',
  ms(med(oneStep.floor, firstRequest)),
  ms(median(sdkCore)),
  ratio(median(sdkCore), med(oneStep.floor, firstRequest)),
  '-',
  '-',
  '-',
])
ratioRow(
  'first tool result after 1st response',
  med(oneStep.floor, firstToolResult),
  med(oneStep.cold, firstToolResult),
  med(oneStep.warm, firstToolResult),
  2,
  1,
)
ratioRow(
  'whole 1-step task (wall)',
  med(oneStep.floor, wall),
  med(oneStep.cold, wall),
  med(oneStep.warm, wall),
  3,
)
ratioRow(
  'per step, 50 steps, danger-full-access',
  med(s50.floor, perStep),
  med(s50.danger, perStep),
  undefined,
  1.5,
  1,
)
ratioRow(
  'per step, 50 steps, workspace-write',
  med(s50.floor, perStep),
  med(s50.sandboxed, perStep),
  undefined,
  2.5,
  1,
)
if (s200)
  ratioRow(
    'per step, 200 steps, danger-full-access',
    med(s200.floor, perStep),
    med(s200.danger, perStep),
    undefined,
    1.5,
    1,
  )
const rssRow = (label: string, floor: Run[], agent: Run[], limitMb: number) => {
  const value = Math.max(...agent.map(rss))
  rows.push([
    label,
    `${med(floor, rss).toFixed(0)} MB`,
    `${value.toFixed(0)} MB`,
    ratio(value, med(floor, rss)),
    '-',
    `<= ${limitMb} MB`,
    check(value, limitMb),
  ])
}
rssRow('peak RSS, 50 steps, danger-full-access', s50.floor, s50.danger, 80)
rssRow('peak RSS, 50 steps, workspace-write', s50.floor, s50.sandboxed, 80)
if (s200) rssRow('peak RSS, 200 steps, danger-full-access', s200.floor, s200.danger, 100)

const header: Row = ['measure', 'floor', 'agent (fresh HOME)', 'ratio', 'warm (same HOME)', 'target', '']
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)))
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')
console.log(line(header))
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
for (const r of rows) console.log(line(r))
console.log(
  `\nmedians of ${RUNS} runs (start-up, 1-step task) and ${STEP_RUNS} (sessions; peak RSS is the largest);` +
    ` the agent runs \`exec --ephemeral\`; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)
