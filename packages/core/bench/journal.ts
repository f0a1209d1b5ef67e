// Does the step journal cost anything when it is not used? One turn of STEPS tool-calling model
// responses (scripted model, a no-op read-only tool, no store), timed for:
//   - baseline: core's source before the journal existed (BENCH_BASE_REV, default the merge-base
//     with main), extracted from git into a temp dir and run in this same process;
//   - default: today's core, no journal (the in-process default);
//   - direct journal: a journal that runs each step directly (the buffering path, no storage);
//   - memory journal: the testing kit's MemoryJournal (every step's result stored as JSON).
// Variants alternate, ROUNDS times each; the median per step is printed with its ratio to the
// baseline. `pnpm --filter @agent/core bench:journal`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type * as Core from '../src/index.js'
import { createAgent, defineTool, directJournal } from '../src/index.js'
import {
  FakePolicy,
  FakeSandbox,
  MemoryJournal,
  reply,
  ScriptedModel,
  ScriptedRunner,
} from '../src/testing/index.js'

const STEPS = Number(process.env.BENCH_STEPS ?? 500)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const here = dirname(fileURLToPath(import.meta.url))
const packageDir = resolve(here, '..')
const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8' }).trim()
const baseRev =
  process.env.BENCH_BASE_REV ??
  execFileSync('git', ['merge-base', 'HEAD', 'main'], { cwd: repo, encoding: 'utf8' }).trim()

/** Core's source at `rev`, beside a link to this package's node_modules so its imports resolve. */
async function baselineCore(rev: string): Promise<typeof Core> {
  const dir = mkdtempSync(join(tmpdir(), 'core-bench-base-'))
  const archive = execFileSync('git', ['archive', rev, 'packages/core/src', 'packages/core/package.json'], {
    cwd: repo,
  })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  const core = join(dir, 'packages/core')
  symlinkSync(join(packageDir, 'node_modules'), join(core, 'node_modules'))
  return (await import(join(core, 'src/index.ts'))) as typeof Core
}

const noop = defineTool<{ n: number }>({
  name: 'noop',
  description: 'Does nothing',
  parameters: z.object({ n: z.number() }),
  readOnly: true,
  handle: async (args) => ({ output: `ok ${args.n}` }),
})

type Make = typeof createAgent

/** Milliseconds per step of one turn of STEPS tool calls. */
async function perStep(make: Make, extra: Partial<Core.AgentOptions>): Promise<number> {
  const script = [
    ...Array.from({ length: STEPS }, (_, i) => [reply.toolCall('noop', { n: i }), reply.usage(100, 10)]),
    [reply.text('done')],
  ]
  const agent = await make({
    model: new ScriptedModel(script, { recordRequests: false }),
    runner: new ScriptedRunner(() => ({ stdout: '' })),
    sandbox: new FakeSandbox(),
    policy: new FakePolicy('allow'),
    tools: [noop],
    cwd: tmpdir(),
    modelName: 'bench',
    approvalPolicy: 'never',
    projectDoc: { enabled: false },
    ...extra,
  })
  await agent.nextEvent()
  const t0 = performance.now()
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
  for (;;) {
    const e = await agent.nextEvent()
    if (e.msg.type === 'turn_complete' || e.msg.type === 'turn_aborted') break
  }
  const ms = (performance.now() - t0) / (STEPS + 1)
  await agent.shutdown()
  return ms
}

const base = await baselineCore(baseRev)
const variants: { name: string; run: () => Promise<number> }[] = [
  { name: `baseline (${baseRev.slice(0, 7)}, before the journal)`, run: () => perStep(base.createAgent, {}) },
  { name: 'default (no journal)', run: () => perStep(createAgent, {}) },
  { name: 'direct journal (buffered effects)', run: () => perStep(createAgent, { journal: directJournal }) },
  {
    name: 'MemoryJournal (JSON per step)',
    run: () => perStep(createAgent, { journal: new MemoryJournal() }),
  },
]
// One warm-up round (JIT), then ROUNDS alternating rounds.
for (const v of variants) await v.run()
const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const v of variants) samples.get(v.name)?.push(await v.run())
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const baseSamples = samples.get(variants[0]?.name ?? '') ?? []
const baseMs = median(baseSamples)
const baseMin = Math.min(...baseSamples)
const rows = [['variant', 'per step (median)', 'min–max', 'ratio to baseline (median)', '(min)']]
for (const v of variants) {
  const xs = samples.get(v.name) ?? []
  rows.push([
    v.name,
    `${median(xs).toFixed(3)} ms`,
    `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} ms`,
    `${(median(xs) / baseMs).toFixed(2)}×`,
    `${(Math.min(...xs) / baseMin).toFixed(2)}×`,
  ])
}
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
console.log(
  `@agent/core journal bench — node ${process.version}, ${STEPS} steps × ${ROUNDS} rounds, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}, NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset'} (one process: no start cost)`,
)
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join(' | '))
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'))
}
