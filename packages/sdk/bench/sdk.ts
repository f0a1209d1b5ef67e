// A 10-step thread (9 commands, then the answer) three ways, against the mock Responses server:
//  - sdk:   createClient().startThread().run() in this process (composition included in "whole");
//  - exec:  the same through `agent exec --json` (the built binary, a new Node process);
//  - floor: the CLI benchmark's floor (apps/cli/bench/floor-client.mjs, run here as a function):
//           fetch, the SSE events read, each shell call run with child_process, the history sent
//           back; nothing else. One floor for every benchmark of the repository.
// The thread's commands are `echo`s, which the policy knows to be read-only, so the turn takes
// no workspace snapshot and has no diff (the mock answers at once: nothing is taken while it
// thinks). "sdk-w" and "floor-w" run the same thread with commands that write a file
// (`sh -c 'echo … > step.txt'`): the sdk then snapshots the workspace before the first one and
// diffs it at the end, which the floor does not do; their ratio is to "floor-w".
// "per step" is the time between the 1st and the 10th request's arrival at the server, / 9:
// a step is one response streamed, one command run, the next request sent. Every process gets
// the same environment (printed); commands run unconfined (danger-full-access) in every variant,
// since the floor has no sandbox. "main CPU / step" (Linux) is the CPU time this process's main
// thread used in the same interval, / 9 (from /proc/self/task/<pid>/schedstat): on a shared
// machine it moves much less with the load than the wall time does. The exec variant runs in
// another process, so it has none.
// Run: pnpm --filter @agent/sdk bench  (BENCH_RUNS=n, default 5)
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { startMockProviderServer } from '@agent/models/testing'
import { runFloor } from '../../../apps/cli/bench/floor-client.mjs'
import { createClient } from '../src/index.js'
import { STEPS, scratchWorkspace, script } from './thread.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const bin = new URL('../../../apps/cli/dist/agent.cjs', import.meta.url).pathname

const { cwd, env } = await scratchWorkspace()

interface Sample {
  whole: number
  perStep: number
  /** Each step's time (request k to request k+1), k = 1..STEPS-1. */
  steps: number[]
  /** CPU time of this process's main thread between the 1st and 10th request, / 9 (ms). */
  mainCpuPerStep: number
}

/** CPU time this process's main thread has used (ms), or NaN where /proc has no schedstat. */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
  } catch {
    return Number.NaN
  }
}

async function timed(variant: (baseUrl: string) => Promise<void>, writes = false): Promise<Sample> {
  const server = await startMockProviderServer({
    wire: 'responses',
    turns: script(writes ? 'write' : 'read'),
  })
  try {
    const start = performance.now()
    const arrivals = Array.from({ length: STEPS }, (_, i) =>
      server.waitForRequests(i + 1, { timeoutMs: 120_000 }),
    )
    const first = arrivals[0]!
    const last = arrivals[STEPS - 1]!
    const cpuAtFirst = first.then(mainThreadCpuMs)
    const cpuAtLast = last.then(mainThreadCpuMs)
    await variant(server.baseUrl)
    const whole = performance.now() - start
    const at = await Promise.all(arrivals)
    return {
      whole,
      steps: at.slice(1).map((time, i) => time - (at[i] ?? time)),
      perStep: ((await last) - (await first)) / (STEPS - 1),
      mainCpuPerStep: ((await cpuAtLast) - (await cpuAtFirst)) / (STEPS - 1),
    }
  } finally {
    await server.close()
  }
}

async function sdk(baseUrl: string): Promise<void> {
  const client = createClient({ provider: 'openai', model: 'bench', baseUrl, env })
  const thread = client.startThread({ workingDirectory: cwd, sandboxMode: 'danger-full-access' })
  const turn = await thread.run('run the steps')
  await thread.close()
  if (turn.finalResponse !== 'All steps done.')
    throw new Error(`sdk: unexpected answer ${turn.finalResponse}`)
}

async function exec(baseUrl: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [bin, 'exec', '--json', '--ephemeral', '-s', 'danger-full-access', '-m', 'bench', 'run the steps'],
    { cwd, env: { ...env, OPENAI_BASE_URL: baseUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0 || !out.includes('All steps done.')) throw new Error(`agent exec exited ${code}`)
}

async function floor(baseUrl: string): Promise<void> {
  const text = await runFloor({ baseUrl, apiKey: env.OPENAI_API_KEY, prompt: 'run the steps', cwd, env })
  if (text !== 'All steps done.') throw new Error(`floor: unexpected answer ${text}`)
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

/** Each variant: how it runs, whether its commands write, and the floor its ratios are to. */
const variants = {
  floor: { run: floor, writes: false, floor: 'floor' },
  sdk: { run: sdk, writes: false, floor: 'floor' },
  exec: { run: exec, writes: false, floor: 'floor' },
  'floor-w': { run: floor, writes: true, floor: 'floor-w' },
  'sdk-w': { run: sdk, writes: true, floor: 'floor-w' },
} as const
const results: Record<string, Sample[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
const loadAtStart = readLoad()
await timed(sdk) // warm-up: the first composition in this process loads every module once
for (let i = 0; i < RUNS; i++) {
  for (const [name, variant] of Object.entries(variants))
    results[name]?.push(await timed(variant.run, variant.writes))
}

const medianOf = (name: string, value: (s: Sample) => number) => median((results[name] ?? []).map(value))
const execWhole = medianOf('exec', (s) => s.whole)
console.log(
  `node ${process.version}, ${RUNS} runs each (median), ${STEPS} steps, environment of every process:`,
)
for (const [key, value] of Object.entries(env)) console.log(`  ${key}=${value}`)
console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${readLoad()} at the end`)
console.log('')
console.log(
  '| variant | whole run (ms) | per step (ms) | per step / floor | whole / exec | main CPU / step (ms) | main CPU / floor |',
)
console.log(
  '| ------- | -------------: | ------------: | ---------------: | -----------: | -------------------: | ---------------: |',
)
for (const [name, samples] of Object.entries(results)) {
  const floorName = variants[name as keyof typeof variants].floor
  const floorStep = medianOf(floorName, (s) => s.perStep)
  const floorCpu = medianOf(floorName, (s) => s.mainCpuPerStep)
  const whole = median(samples.map((s) => s.whole))
  const step = median(samples.map((s) => s.perStep))
  const cpu = name === 'exec' ? Number.NaN : median(samples.map((s) => s.mainCpuPerStep))
  const cpuCells = Number.isNaN(cpu)
    ? `${'-'.padStart(20)} | ${'-'.padStart(16)}`
    : `${cpu.toFixed(1).padStart(20)} | ${(cpu / floorCpu).toFixed(2).padStart(16)}`
  console.log(
    `| ${name.padEnd(7)} | ${whole.toFixed(0).padStart(14)} | ${step.toFixed(1).padStart(13)} | ${(step / floorStep).toFixed(2).padStart(16)} | ${(whole / execWhole).toFixed(2).padStart(12)} | ${cpuCells} |`,
  )
}

console.log('')
console.log('each step (ms, median of the runs); sdk-w takes its snapshot before the first command')
for (const [name, samples] of Object.entries(results)) {
  const byStep = Array.from({ length: STEPS - 1 }, (_, k) =>
    median(samples.map((s) => s.steps[k] ?? Number.NaN)),
  )
  console.log(`  ${name.padEnd(7)} ${byStep.map((ms) => ms.toFixed(1).padStart(5)).join(' ')}`)
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}
