import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { startMockProviderServer } from '@agent/models/testing'
import { runFloor } from '../../../apps/cli/bench/floor-client.mjs'
import { createClient } from '../src/index.js'
import { STEPS, scratchWorkspace, script } from './thread.js'

const [variantName = 'sdk', runs = '20', out] = process.argv.slice(2)
const RUNS = Number(runs)

const { cwd, env } = await scratchWorkspace()

async function sdk(baseUrl: string): Promise<void> {
  const client = createClient({ provider: 'openai', model: 'bench', baseUrl, env })
  const thread = client.startThread({ workingDirectory: cwd, sandboxMode: 'danger-full-access' })
  await thread.run('run the steps')
  await thread.close()
}

async function floor(baseUrl: string): Promise<void> {
  await runFloor({ baseUrl, apiKey: env.OPENAI_API_KEY, prompt: 'run the steps', cwd, env })
}

/** Profile timestamps are CLOCK_MONOTONIC µs, like hrtime; the server's are performance.now() ms. */
const clockOffset = Number(process.hrtime.bigint()) / 1e3 - performance.now() * 1e3
const windows: [number, number][] = []

async function timed(variant: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = await startMockProviderServer({ wire: 'responses', turns: script() })
  try {
    const first = server.waitForRequests(1, { timeoutMs: 120_000 })
    const last = server.waitForRequests(STEPS, { timeoutMs: 120_000 })
    await variant(server.baseUrl)
    windows.push([(await first) * 1e3 + clockOffset, (await last) * 1e3 + clockOffset])
  } finally {
    await server.close()
  }
}

await timed(sdk)
await timed(sdk)
if (variantName === 'floor') await timed(floor)
windows.length = 0

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
await session.post('Profiler.start')
for (let i = 0; i < RUNS; i++) await timed(variantName === 'floor' ? floor : sdk)
const { profile } = await session.post('Profiler.stop')
session.disconnect()
if (out) writeFileSync(out, JSON.stringify(profile))

type Frame = { functionName: string; url: string }
const CATEGORIES: [string, (frame: Frame) => boolean][] = [
  ['workspace snapshot (@agent/tools helpers)', (f) => /tools\/src\/(workspace|process)\//.test(f.url)],
  ['command run (@agent/exec)', (f) => /exec\/src\//.test(f.url)],
  ['command run (floor)', (f) => /floor-client/.test(f.url) && f.functionName === 'run'],
  ['policy (@agent/policy)', (f) => /policy\/src\/|shell-quote/.test(f.url)],
  ['openai SDK (request, fetch, SSE)', (f) => /node_modules\/.*openai\//.test(f.url)],
  ['mock server (same process)', (f) => /models\/src\/testing\//.test(f.url)],
  ['floor fetch + parse', (f) => /floor-client/.test(f.url)],
  ['@agent/models', (f) => /models\/src\//.test(f.url)],
  ['@agent/sdk', (f) => /sdk\/src\//.test(f.url)],
  ['@agent/core', (f) => /core\/src\//.test(f.url)],
]
const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
const totals = new Map<string, number>()
const samples = profile.samples ?? []
let time = profile.startTime
for (let i = 0; i < samples.length; i++) {
  time += profile.timeDeltas?.[i] ?? 0
  if (!windows.some(([from, to]) => time >= from && time < to)) continue
  const stack: Frame[] = []
  for (let id: number | undefined = samples[i]; id !== undefined; id = parents.get(id)) {
    const node = nodes.get(id)
    if (node) stack.push(node.callFrame)
  }
  const leaf = stack[0]?.functionName ?? ''
  const category =
    CATEGORIES.find(([, matches]) => stack.some(matches))?.[0] ??
    (['(idle)', '(garbage collector)', '(program)'].includes(leaf)
      ? leaf
      : 'Node internals (undici, streams, timers)')
  totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas?.[i + 1] ?? 0) / 1000)
}
const steps = RUNS * (STEPS - 1)
const all = [...totals.values()].reduce((a, b) => a + b, 0)
console.log(`${variantName}: ${RUNS} runs, main thread ${(all / steps).toFixed(1)} ms a step (profiled)`)
for (const [category, ms] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(`${(ms / steps).toFixed(2).padStart(7)} ms  ${category}`)
