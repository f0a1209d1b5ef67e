// Benchmarks of the built `agent` binary, each measured as a ratio against a baseline taken in
// the same run (these machines are slow and noisy): start-up vs `node -e 0`, time to the first
// model request, peak RSS of a short session, and the per-step overhead of a 50-step `echo`
// session vs a floor script doing the same HTTP round trips and spawns itself.
// The first-request time is shown beside its floors (bench/sdk-floor.ts): the official SDK alone,
// and the SDK plus @agent/core, each bundled like the CLI.
//   pnpm --filter @agent/cli bench        (needs `pnpm build` first)
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { build } from 'tsup'

const bin = new URL('../dist/agent.cjs', import.meta.url).pathname
const RUNS = Number(process.env.BENCH_RUNS ?? 11)
const STEPS = 50

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, args, { stdio: 'ignore', ...options })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}`)),
    )
  })
}

// Each run gets a fresh home, but the launcher's code cache (see src/launch) lives in one
// directory for the whole benchmark, as it does in a user's ~/.cache: the runs measure the
// starts after the first. The cold start (no cache yet) is measured on its own below.
const codeCache = mkdtempSync(join(tmpdir(), 'agent-bench-code-cache-'))

function scratchRepo(cacheDir = codeCache): { repo: string; env: NodeJS.ProcessEnv } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-bench-')))
  spawnSync('git', ['init', '-q', root])
  return {
    repo: root,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      AGENT_HOME: join(root, '.agent'),
      AGENT_CODE_CACHE_DIR: cacheDir,
      OPENAI_API_KEY: 'x',
    },
  }
}

const echoTurns = (): MockTurn[] => [
  ...Array.from({ length: STEPS }, (_, i) => ({
    toolCalls: [{ name: 'shell', arguments: { command: ['echo', `step ${i}`] } }],
  })),
  { text: 'done' },
]

// 1. Start-up: `agent --version` vs `node -e 0`, interleaved.
const nodeTimes: number[] = []
const versionTimes: number[] = []
for (let i = 0; i < RUNS; i++) {
  nodeTimes.push(await run(['-e', '0']))
  versionTimes.push(await run([bin, '--version']))
}
const nodeMs = median(nodeTimes)
const versionMs = median(versionTimes)

// 2. Process start → first model request, against a local server that answers one line. The
// first run of each repetition has a cold code cache; the others use the cache it wrote.
/** Time from spawning `node ...args` to the first request reaching a local server. */
async function timeToRequest(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
  const server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'hi' }] })
  const start = performance.now()
  const child = spawn(process.execPath, args, {
    ...(cwd ? { cwd } : {}),
    env: { ...env, OPENAI_BASE_URL: server.baseUrl },
    stdio: 'ignore',
  })
  const seen = (await server.waitForRequests(1)) - start
  await new Promise((r) => child.on('exit', r))
  await server.close()
  return seen
}
function firstRequestOf(cacheDir: string): Promise<number> {
  const { repo, env } = scratchRepo(cacheDir)
  return timeToRequest([bin, 'exec', '--ephemeral', '-s', 'danger-full-access', 'hi'], env, repo)
}
const firstRequest: number[] = []
const firstRequestCold: number[] = []
for (let i = 0; i < Math.max(5, Math.floor(RUNS / 2)); i++) {
  firstRequestCold.push(await firstRequestOf(mkdtempSync(join(tmpdir(), 'agent-bench-cold-'))))
  firstRequest.push(await firstRequestOf(codeCache))
}
const firstRequestMs = median(firstRequest)
const firstRequestColdMs = median(firstRequestCold)

// 2b. The floors under that number, bundled like the CLI: the SDK alone, then with @agent/core.
const floorDir = mkdtempSync(join(tmpdir(), 'agent-bench-floor-'))
await build({
  entry: { 'sdk-floor': new URL('./sdk-floor.ts', import.meta.url).pathname },
  outDir: floorDir,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  minify: true,
  splitting: false,
  noExternal: [/.*/],
  esbuildOptions(options) {
    options.conditions = ['@agent/source', 'import', 'node']
  },
  config: false,
  silent: true,
})
const floorScript = join(floorDir, 'sdk-floor.js')
const sdkOnly: number[] = []
const sdkCore: number[] = []
for (let i = 0; i < Math.max(5, Math.floor(RUNS / 2)); i++) {
  sdkOnly.push(await timeToRequest([floorScript], { PATH: process.env.PATH }))
  sdkCore.push(await timeToRequest([floorScript], { PATH: process.env.PATH, BENCH_WITH_CORE: '1' }))
}
const sdkOnlyMs = median(sdkOnly)
const sdkCoreMs = median(sdkCore)

// 3. Peak RSS of a short exec session (three commands, sandboxed), from the process itself.
const { repo: rssRepo, env: rssEnv } = scratchRepo()
const rssFile = join(rssRepo, 'rss.txt')
const preload = join(rssRepo, 'rss.mjs')
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs'\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))\n`,
)
const rssServer = await startMockProviderServer({
  wire: 'responses',
  turns: [...echoTurns().slice(0, 3), { text: 'done' }],
})
await run(['--import', preload, bin, 'exec', '--full-auto', 'three steps'], {
  cwd: rssRepo,
  env: { ...rssEnv, OPENAI_BASE_URL: rssServer.baseUrl },
})
await rssServer.close()
const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024

// 4. Per-step overhead of a 50-step echo session vs the floor (same round trips and spawns).
async function floor(): Promise<number> {
  const server = await startMockProviderServer({ wire: 'responses', turns: echoTurns() })
  const first = performance.now()
  let last = first
  for (let i = 0; i <= STEPS; i++) {
    if (i === STEPS) last = performance.now()
    const response = await fetch(`${server.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: [], stream: true }),
    })
    await response.text()
    if (i < STEPS) {
      await new Promise((resolve, reject) => {
        const child = spawn('echo', [`step ${i}`], { stdio: ['ignore', 'pipe', 'pipe'] })
        child.stdout.resume()
        child.on('error', reject)
        child.on('close', resolve)
      })
    }
  }
  // The same span as the agent's: from sending the first request to sending the last.
  await server.close()
  return (last - first) / STEPS
}

async function agentSteps(sandbox: string): Promise<number> {
  const { repo, env } = scratchRepo()
  const server = await startMockProviderServer({ wire: 'responses', turns: echoTurns() })
  // From the first model request to the last: start-up and shutdown are not step overhead.
  const child = spawn(process.execPath, [bin, 'exec', '--ephemeral', '-s', sandbox, 'echo 50 times'], {
    cwd: repo,
    env: { ...env, OPENAI_BASE_URL: server.baseUrl },
    stdio: 'ignore',
  })
  const exited = new Promise((r) => child.on('exit', r))
  const first = await server.waitForRequests(1)
  const ms = (await server.waitForRequests(STEPS + 1)) - first
  const code = await exited
  if (code !== 0) throw new Error(`the ${sandbox} session exited ${code}`)
  await server.close()
  return ms / STEPS
}

const floorMs = median([await floor(), await floor(), await floor()])
const dangerMs = median([
  await agentSteps('danger-full-access'),
  await agentSteps('danger-full-access'),
  await agentSteps('danger-full-access'),
])
const sandboxMs = median([
  await agentSteps('workspace-write'),
  await agentSteps('workspace-write'),
  await agentSteps('workspace-write'),
])

/** A row measured against a baseline of the same run: the value, the ratio, the target. */
const ratioRow = (
  label: string,
  ms: number,
  baseMs: number,
  target: string,
  options: { digits?: number; showBase?: boolean } = {},
): [string, string, string, string] => {
  const value = `${ms.toFixed(options.digits ?? 0)} ms`
  const base = options.showBase ? ` vs ${baseMs.toFixed(options.digits ?? 0)} ms` : ''
  return [label, value + base, `${(ms / baseMs).toFixed(2)}x`, target]
}

const rows: [string, string, string, string][] = [
  ratioRow('agent --version vs node -e 0', versionMs, nodeMs, '<= 1.25x', { showBase: true }),
  ratioRow('start -> first model request vs node -e 0', firstRequestMs, nodeMs, '<= 2x'),
  ratioRow('  same, first run (cold code cache)', firstRequestColdMs, nodeMs, '-'),
  ratioRow('  floor: openai SDK alone, start -> request', sdkOnlyMs, nodeMs, '-'),
  ratioRow('  floor: SDK + @agent/core (zod, schemas)', sdkCoreMs, nodeMs, '-'),
  ['peak RSS, 3-step sandboxed exec', `${peakRssMb.toFixed(0)} MB`, '-', '<= 100 MB'],
  ratioRow('per step, danger-full-access vs floor', dangerMs, floorMs, '<= 1.5x', {
    digits: 1,
    showBase: true,
  }),
  ratioRow('per step, workspace-write (bwrap) vs floor', sandboxMs, floorMs, '<= 3x', {
    digits: 1,
    showBase: true,
  }),
]
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0), 10))
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')
console.log(line(['measure', 'value', 'ratio', 'target']))
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
for (const r of rows) console.log(line(r))
console.log(
  `\n${RUNS} start-up runs (medians); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
)
