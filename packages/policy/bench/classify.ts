// Benchmark: classifications per second on a realistic mix after init, and cold init time, each
// against a baseline measured in the same run (bare tree-sitter parsing / loading), as a ratio.
import { execFileSync } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { createCommandPolicy, loadBashParser, parsePermissionSettings, parseRules } from '../src/index.js'
import { MIX, MIX_ARGV } from './mix.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2)
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5)

interface Rate {
  /** Per second of wall-clock time: what a caller sees on this (shared, loaded) machine. */
  wall: number
  /** Per second of this process's CPU time: one core's throughput, less affected by other load. */
  cpu: number
}

function rate(label: string, fn: (i: number) => void): Rate {
  for (let i = 0; i < 2000; i++) fn(i) // warm up the JIT
  let count = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const until = start + SECONDS * 1000
  while (performance.now() < until) {
    for (let i = 0; i < 200; i++) fn(count + i)
    count += 200
  }
  const wallSeconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuStart)
  const result = { wall: count / wallSeconds, cpu: count / ((cpu.user + cpu.system) / 1e6) }
  process.stderr.write(`  ${label}: ${Math.round(result.wall)}/s wall, ${Math.round(result.cpu)}/s of CPU\n`)
  return result
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Median over fresh processes of [wall ms, CPU ms] for the first init (and first decision). */
function coldInit(mode: 'policy' | 'baseline'): [number, number] {
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < COLD_RUNS; i++) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'cold-init.ts'), mode],
      {
        encoding: 'utf8',
      },
    )
    const [w, c] = out.trim().split(' ').map(Number)
    wall.push(w as number)
    cpu.push(c as number)
  }
  return [median(wall), median(cpu)]
}

const rules = await parseRules(
  `prefix_rule(pattern=["git", "push"], decision="prompt")
prefix_rule(pattern=[["npm", "pnpm"], ["test", "run"]], decision="allow")
prefix_rule(pattern=["docker"], decision="forbidden", justification="no containers here")`,
  'bench.rules',
)
const settings = parsePermissionSettings(
  { permissions: { allow: ['Bash(cargo test:*)', 'Bash(go test *)'], deny: ['Bash(curl:*)'] } },
  { source: 'bench-settings.json' },
)
const policy = await createCommandPolicy({ rules, settings })
const parser = await loadBashParser()
const ctx = {
  approvalPolicy: 'on-request' as const,
  sandboxPolicy: { type: 'workspace-write' as const, writable_roots: [], network_access: false },
}

process.stderr.write(`measuring ${SECONDS}s per row, ${COLD_RUNS} cold starts per init row\n`)
const parseOnly = rate('tree-sitter parse only (baseline)', (i) =>
  parser.parse(MIX[i % MIX.length] as string).delete(),
)
const scripts = rate('evaluateScript(mix)', (i) => policy.evaluateScript(MIX[i % MIX.length] as string, ctx))
const argvs = rate('evaluate(["bash","-lc",mix])', (i) =>
  policy.evaluate(MIX_ARGV[i % MIX_ARGV.length] as string[], ctx),
)
const coldBaseline = coldInit('baseline')
const coldPolicy = coldInit('policy')

const rows: [string, string, string, string][] = [
  [
    `classifications/s, evaluateScript (mix of ${MIX.length}), per CPU-second`,
    fmt(scripts.cpu),
    `${fmt(parseOnly.cpu)} parses/s`,
    ratio(scripts.cpu / parseOnly.cpu),
  ],
  [
    'classifications/s, evaluateScript, wall clock',
    fmt(scripts.wall),
    `${fmt(parseOnly.wall)} parses/s`,
    ratio(scripts.wall / parseOnly.wall),
  ],
  [
    'classifications/s, evaluate(["bash","-lc",…]), per CPU-second',
    fmt(argvs.cpu),
    `${fmt(parseOnly.cpu)} parses/s`,
    ratio(argvs.cpu / parseOnly.cpu),
  ],
  [
    'cold init, fresh process to first decision, CPU ms',
    coldPolicy[1].toFixed(1),
    `${coldBaseline[1].toFixed(1)} ms bare load + parse`,
    ratio(coldPolicy[1] / coldBaseline[1]),
  ],
  [
    'cold init, fresh process to first decision, wall ms',
    coldPolicy[0].toFixed(1),
    `${coldBaseline[0].toFixed(1)} ms bare load + parse`,
    ratio(coldPolicy[0] / coldBaseline[0]),
  ],
]
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
console.log(
  `\n@agent/policy benchmark — node ${process.version}, ${availableParallelism()} cores, load average ${load}\n`,
)
console.log('| measurement | result | baseline (same run) | ratio |')
console.log('| --- | ---: | ---: | ---: |')
for (const row of rows) console.log(`| ${row.join(' | ')} |`)
console.log('\ntargets: >= 20,000 classifications/s on one core after init; cold init <= 50 ms')

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}
function ratio(r: number): string {
  return `${r.toFixed(2)}x`
}
