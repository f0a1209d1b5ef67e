// Benchmarks of the agent loop (not timed tests): per-step overhead with an in-process scripted
// model and a no-op tool, RSS after a 1,000-turn session, and resume time of that rollout.
// Each is printed next to a floor measured in the same run. `pnpm --filter @agent/core bench`.
import { mkdtempSync, readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ModelRequest } from '@agent/protocol'
import { z } from 'zod'
import { type Agent, createAgent, defineTool, JsonlSessionStore } from '../src/index.js'
import { FakePolicy, FakeSandbox, reply, ScriptedModel, ScriptedRunner } from '../src/testing/index.js'

const STEPS = Number(process.env.BENCH_STEPS ?? 1000)
const TURNS = Number(process.env.BENCH_TURNS ?? 1000)

const noop = defineTool<{ n: number }>({
  name: 'noop',
  description: 'Does nothing',
  parameters: z.object({ n: z.number() }),
  readOnly: true,
  handle: async (args) => ({ output: `ok ${args.n}` }),
})

async function drain(agent: Agent): Promise<void> {
  for (;;) {
    const e = await agent.nextEvent()
    if (e.msg.type === 'turn_complete' || e.msg.type === 'turn_aborted') return
  }
}

function agentWith(model: ScriptedModel, home: string, extra: Record<string, unknown> = {}) {
  return createAgent({
    model,
    runner: new ScriptedRunner(() => ({ stdout: '' })),
    sandbox: new FakeSandbox(),
    policy: new FakePolicy('allow'),
    tools: [noop],
    store: new JsonlSessionStore({ home }),
    cwd: home,
    modelName: 'bench',
    approvalPolicy: 'never',
    projectDoc: { enabled: false },
    ...extra,
  })
}

/** Per-step cost: one turn of STEPS tool-calling responses. */
async function perStep(): Promise<{ agentMs: number; floorMs: number }> {
  const script = () => [
    ...Array.from({ length: STEPS }, (_, i) => [reply.toolCall('noop', { n: i }), reply.usage(100, 10)]),
    [reply.text('done')],
  ]
  // Floor: the same scripted responses consumed directly, with the history growing the same way.
  const floorModel = new ScriptedModel(script(), { recordRequests: false })
  const input: ModelRequest['input'] = []
  const t0 = performance.now()
  for (let i = 0; i <= STEPS; i++) {
    for await (const e of floorModel.stream({ model: 'bench', instructions: '', input, tools: [] })) {
      if (e.type === 'output_item') input.push(e.item)
      if (e.type === 'tool_call')
        input.push({ type: 'function_call_output', call_id: e.call_id, output: 'ok' })
    }
  }
  const floorMs = (performance.now() - t0) / (STEPS + 1)

  const home = mkdtempSync(join(tmpdir(), 'core-bench-'))
  const agent = await agentWith(new ScriptedModel(script(), { recordRequests: false }), home)
  await agent.nextEvent()
  const t1 = performance.now()
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
  await drain(agent)
  const agentMs = (performance.now() - t1) / (STEPS + 1)
  await agent.shutdown()
  return { agentMs, floorMs }
}

/** A TURNS-turn session (each turn: one tool call, one answer); RSS afterwards; the rollout path. */
async function longSession(): Promise<{
  rssBefore: number
  rssAfter: number
  path: string
  home: string
  id: string
}> {
  gc()
  const rssBefore = process.memoryUsage().rss
  const home = mkdtempSync(join(tmpdir(), 'core-bench-'))
  const responses = Array.from({ length: TURNS }, (_, i) => [
    [reply.toolCall('noop', { n: i }), reply.usage(1000 + i, 10)],
    [reply.text(`answer ${i}: ${'lorem ipsum '.repeat(8)}`), reply.usage(1010 + i, 20)],
  ]).flat()
  const agent = await agentWith(new ScriptedModel(responses, { recordRequests: false }), home)
  await agent.nextEvent()
  for (let i = 0; i < TURNS; i++) {
    await agent.submit({
      type: 'user_input',
      items: [{ type: 'text', text: `question ${i}: ${'please '.repeat(8)}` }],
    })
    await drain(agent)
  }
  gc()
  const rssAfter = process.memoryUsage().rss
  const path = agent.rolloutPath as string
  const id = agent.sessionId
  await agent.shutdown()
  return { rssBefore, rssAfter, path, home, id }
}

/** Median of five resumes (the machine is noisy), against the median of five bare reads. */
async function resume(
  home: string,
  id: string,
  path: string,
): Promise<{ resumeMs: number; floorMs: number; lines: number }> {
  const floors: number[] = []
  const resumes: number[] = []
  let lines = 0
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)).length
    floors.push(performance.now() - t0)
    const t1 = performance.now()
    const agent = await agentWith(new ScriptedModel([]), home, { session: { type: 'resume', sessionId: id } })
    const configured = await agent.nextEvent()
    resumes.push(performance.now() - t1)
    if (configured.msg.type !== 'session_configured') throw new Error(`unexpected ${configured.msg.type}`)
    await agent.shutdown()
  }
  return { resumeMs: median(resumes), floorMs: median(floors), lines }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function gc() {
  ;(globalThis as { gc?: () => void }).gc?.()
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')

const step = await perStep()
const session = await longSession()
const resumed = await resume(session.home, session.id, session.path)

const rows = [
  ['metric', 'measured', 'floor (same run)', 'ratio', 'target'],
  [
    'loop overhead per step',
    `${step.agentMs.toFixed(3)} ms`,
    `${step.floorMs.toFixed(3)} ms (model events only)`,
    `${(step.agentMs / step.floorMs).toFixed(1)}×`,
    '≤ 2 ms/step',
  ],
  [
    `RSS after ${TURNS}-turn session`,
    `${mb(session.rssAfter)} MB`,
    `${mb(session.rssBefore)} MB (before)`,
    `+${mb(session.rssAfter - session.rssBefore)} MB`,
    '≤ 150 MB',
  ],
  [
    `resume ${TURNS}-turn rollout (${resumed.lines} lines, median of 5)`,
    `${resumed.resumeMs.toFixed(1)} ms`,
    `${resumed.floorMs.toFixed(1)} ms (read + JSON.parse)`,
    `${(resumed.resumeMs / resumed.floorMs).toFixed(1)}×`,
    '≤ 300 ms',
  ],
]
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
console.log(
  `@agent/core bench — node ${process.version}, load average ${load}, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed'}`,
)
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join(' | '))
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
}
