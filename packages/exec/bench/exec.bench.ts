// Benchmark for @agent/exec: overhead against a bare spawn, capture throughput and memory for
// 1 GiB of output, the time to kill a 50-process tree, and commands through the spawn server
// against direct starts, from a small heap and from a big one. Each number is compared with a
// baseline measured in the same run. Run with `pnpm --filter @agent/exec bench`.
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { runCommand, SpawnServer } from '../src/index.js'
import { tagged } from '../test/processes.js'

const cwd = process.cwd()
const GiB = 1024 ** 3

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** A bare spawn that discards output; `detached` puts it in its own session as runCommand does. */
function bareSpawn(argv: string[], detached = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, detached, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', () => {})
    child.stderr.on('data', () => {})
    child.once('error', reject)
    child.once('close', () => resolve())
  })
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await fn()
  return performance.now() - started
}

/** Runs `fn` while sampling RSS; returns its duration and the peak RSS above the start. */
async function withPeakRss(fn: () => Promise<unknown>): Promise<{ ms: number; growth: number }> {
  global.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 5)
  const ms = await time(fn)
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  return { ms, growth: peak - before }
}

async function overhead(rounds: number) {
  const bare: number[] = []
  const ours: number[] = []
  // Warm up both paths, then interleave them so machine load affects both alike.
  for (let i = 0; i < 10; i++) {
    await bareSpawn(['true'])
    await runCommand({ argv: ['true'], cwd })
  }
  for (let i = 0; i < rounds; i++) {
    bare.push(await time(() => bareSpawn(['true'])))
    ours.push(await time(() => runCommand({ argv: ['true'], cwd })))
  }
  return { bare: median(bare), ours: median(ours) }
}

async function throughput(reps: number) {
  const argv = ['head', '-c', String(GiB), '/dev/zero']
  const bare: { ms: number; growth: number }[] = []
  const bareSession: { ms: number; growth: number }[] = []
  const ours: { ms: number; growth: number }[] = []
  // Alternate so that load changes during the run hit all alike; report medians.
  for (let i = 0; i < reps; i++) {
    bare.push(await withPeakRss(() => bareSpawn(argv)))
    bareSession.push(await withPeakRss(() => bareSpawn(argv, true)))
    ours.push(
      await withPeakRss(async () => {
        const result = await runCommand({ argv, cwd, timeoutMs: 600_000 })
        if (result.stdoutBytes !== GiB)
          throw new Error(`captured ${result.stdoutBytes} bytes, expected ${GiB}`)
      }),
    )
  }
  const summarize = (runs: { ms: number; growth: number }[]) => ({
    ms: median(runs.map((r) => r.ms)),
    growth: Math.max(...runs.map((r) => r.growth)),
  })
  return { bare: summarize(bare), bareSession: summarize(bareSession), ours: summarize(ours) }
}

async function killTree(reps: number, ignoringTerm: number, graceMs: number) {
  const times: number[] = []
  let survivors = 0
  let treeSize = 0
  for (let i = 0; i < reps; i++) {
    const tag = tagged()
    const controller = new AbortController()
    let abortedAt = 0
    // 1 bash + 49 sleeps; some of them ignore SIGTERM and need the SIGKILL after the grace.
    const script = `
      for i in $(seq 1 ${49 - ignoringTerm}); do sleep 100 & done
      for i in $(seq 1 ${ignoringTerm}); do (trap '' TERM; exec sleep 100) & done
      sleep 0.3; echo ready; wait`
    const run = runCommand({
      argv: ['bash', '-c', script],
      cwd,
      env: tag.env,
      signal: controller.signal,
      killGraceMs: graceMs,
      onOutput: (chunk) => {
        if (chunk.data.includes('ready')) {
          treeSize = tag.survivors().length
          abortedAt = performance.now()
          controller.abort()
        }
      },
    })
    await run
    times.push(performance.now() - abortedAt)
    survivors += tag.survivors().length
    tag.killSurvivors()
  }
  return { median: median(times), max: Math.max(...times), survivors, treeSize }
}

/**
 * `echo` run to completion, directly and through a spawn server, interleaved; then again with
 * `extraHeapMiB` more memory held by this process (a fork copies the page tables of all of it).
 */
async function served(rounds: number, extraHeapMiB: number) {
  const server = new SpawnServer()
  if (!(await server.started())) throw new Error('the spawn server did not start')
  const measure = async () => {
    const direct: number[] = []
    const through: number[] = []
    for (let i = 0; i < rounds; i++) {
      direct.push(await time(() => runCommand({ argv: ['echo', 'x'], cwd })))
      through.push(await time(() => runCommand({ argv: ['echo', 'x'], cwd, spawnServer: server })))
    }
    return { direct: median(direct), served: median(through), rss: process.memoryUsage().rss }
  }
  const small = await measure()
  // Live objects, as an embedder's heap would be, not one big buffer.
  const held: unknown[] = []
  for (let i = 0; i < extraHeapMiB * 8_000; i++) held.push({ i, text: `entry ${i} ${'x'.repeat(64)}` })
  const big = await measure()
  server.close()
  return { small, big, held: held.length }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits)
const mb = (bytes: number) => bytes / (1024 * 1024)

async function main() {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
  console.log(`@agent/exec benchmark — node ${process.version}, load average ${load}\n`)

  const o = await overhead(200)
  const t = await throughput(5)
  const k = await killTree(5, 0, 1000)
  const kStubborn = await killTree(3, 10, 100)
  const sv = await served(40, 100)

  const oursMBs = GiB / (1024 * 1024) / (t.ours.ms / 1000)
  const bareMBs = GiB / (1024 * 1024) / (t.bare.ms / 1000)
  const sessionMBs = GiB / (1024 * 1024) / (t.bareSession.ms / 1000)
  const rows: string[][] = [
    ['measure', 'ours', 'baseline', 'ratio', 'target', 'met'],
    [
      "runCommand(['true']) median",
      `${fmt(o.ours, 2)} ms`,
      `${fmt(o.bare, 2)} ms bare spawn`,
      `${fmt(o.ours / o.bare, 2)}x`,
      '<= 1.5x',
      o.ours / o.bare <= 1.5 ? 'yes' : 'no',
    ],
    [
      '1 GiB through capture (median of 5)',
      `${fmt(oursMBs, 0)} MiB/s`,
      `${fmt(bareMBs, 0)} MiB/s bare read`,
      `${fmt(oursMBs / bareMBs, 2)}x`,
      '>= 500 MB/s',
      oursMBs * 1.048576 >= 500 ? 'yes' : 'no',
    ],
    [
      'same, baseline in its own session',
      `${fmt(oursMBs, 0)} MiB/s`,
      `${fmt(sessionMBs, 0)} MiB/s bare setsid`,
      `${fmt(oursMBs / sessionMBs, 2)}x`,
      '-',
      '-',
    ],
    [
      '1 GiB peak RSS growth (max of 5)',
      `${fmt(mb(t.ours.growth))} MiB`,
      `${fmt(mb(t.bare.growth))} MiB bare read`,
      '-',
      '<= 64 MiB',
      mb(t.ours.growth) <= 64 ? 'yes' : 'no',
    ],
    [
      `kill ${k.treeSize}-process tree (median/max of 5)`,
      `${fmt(k.median)} / ${fmt(k.max)} ms`,
      '-',
      '-',
      '<= 200 ms',
      k.median <= 200 ? 'yes' : 'no',
    ],
    ['survivors', String(k.survivors), '-', '-', '0', k.survivors === 0 ? 'yes' : 'no'],
    [
      `kill ${kStubborn.treeSize}-process tree, 10 ignore SIGTERM, grace 100 ms`,
      `${fmt(kStubborn.median)} / ${fmt(kStubborn.max)} ms`,
      '-',
      '-',
      'grace + ~100 ms',
      '-',
    ],
    ['survivors', String(kStubborn.survivors), '-', '-', '0', kStubborn.survivors === 0 ? 'yes' : 'no'],
    [
      `echo via spawn server, this process at ${fmt(mb(sv.small.rss), 0)} MiB RSS (median)`,
      `${fmt(sv.small.served, 2)} ms`,
      `${fmt(sv.small.direct, 2)} ms direct`,
      `${fmt(sv.small.served / sv.small.direct, 2)}x`,
      '-',
      '-',
    ],
    [
      `same, this process at ${fmt(mb(sv.big.rss), 0)} MiB RSS`,
      `${fmt(sv.big.served, 2)} ms`,
      `${fmt(sv.big.direct, 2)} ms direct`,
      `${fmt(sv.big.served / sv.big.direct, 2)}x`,
      '-',
      '-',
    ],
  ]
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ')} |`
  console.log(line(rows[0]!))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows.slice(1)) console.log(line(row))
}

await main()
