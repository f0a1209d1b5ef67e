// Benchmark of the terminal UI in a real pseudo-terminal (tmux, 80×24):
//  1. stream 20,000 tokens at 500 tokens/s into the UI: CPU time, peak RSS, bytes written to the
//     terminal, against a floor measured in the same run (the same stream printed as plain text);
//  2. keypress-to-echo latency with a 1,000-message transcript.
// Run: pnpm --filter @agent/tui bench   (options: --tokens N --rate R --keys N)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { TmuxSession } from '../test/tmux.js'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const tokens = flag('--tokens', 20_000)
const rate = flag('--rate', 500)
const keys = flag('--keys', 40)
const dir = mkdtempSync(join(tmpdir(), 'tui-bench-'))
const here = new URL('.', import.meta.url).pathname
// The package's tsconfig (for JSX), whatever directory the UI runs in.
const tsx = `${new URL('../../../node_modules/.bin/tsx', import.meta.url).pathname} --tsconfig ${join(here, '..', 'tsconfig.json')}`
const env = { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm-256color' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitForFile(path: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`no report at ${path}`)
    await sleep(200)
  }
  await sleep(100)
  return JSON.parse(readFileSync(path, 'utf8'))
}

interface StreamReport {
  cpuMs: number
  wallMs: number
  maxRssKb: number
  bytesWritten: number
  textBytes: number
}

async function streamUi(): Promise<StreamReport> {
  const report = join(dir, 'stream.json')
  const session = new TmuxSession(
    `${tsx} ${join(here, 'scripted-ui.tsx')} --tokens ${tokens} --rate ${rate} --report ${report}`,
    { cwd: dir, env },
  )
  try {
    await session.waitFor('Ask the agent', 60_000)
    session.type('bench')
    await sleep(100)
    session.press('Enter')
    return await waitForFile(report, (tokens / rate) * 1000 + 120_000)
  } finally {
    session.kill()
  }
}

async function streamFloor(): Promise<StreamReport> {
  const report = join(dir, 'floor.json')
  const session = new TmuxSession(
    `${tsx} ${join(here, 'floor.ts')} --tokens ${tokens} --rate ${rate} --report ${report}`,
    { cwd: dir, env },
  )
  try {
    return await waitForFile(report, (tokens / rate) * 1000 + 120_000)
  } finally {
    session.kill()
  }
}

async function latency(): Promise<number[]> {
  const report = join(dir, 'latency.json')
  const session = new TmuxSession(
    `${tsx} ${join(here, 'scripted-ui.tsx')} --messages 1000 --latency ${report}`,
    { cwd: dir, env },
  )
  try {
    await session.waitFor('Ask the agent', 120_000)
    await sleep(3000)
    for (let i = 0; i < keys; i++) {
      session.type(String.fromCharCode(97 + (i % 26)))
      await sleep(120)
    }
    session.press('C-c')
    await sleep(100)
    session.press('C-c')
    session.press('C-c')
    const { latencies } = await waitForFile(report, 30_000)
    // The two Ctrl+C presses are not echoes.
    return (latencies as number[]).slice(0, keys)
  } finally {
    session.kill()
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for this benchmark')
console.log(
  `@agent/tui benchmark — ${cpus().length} CPUs, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
console.log(`streaming ${tokens} tokens at ${rate} tokens/s into an 80×24 terminal…`)
const floor = await streamFloor()
const ui = await streamUi()
console.log('measuring keypress-to-echo latency with a 1,000-message transcript…')
const lat = await latency()

const pct = (r: StreamReport) => (100 * r.cpuMs) / r.wallMs
const rows: Array<[string, string, string, string]> = [
  ['metric', 'UI', 'floor (plain print)', 'target'],
  ['CPU, % of one core', pct(ui).toFixed(1), pct(floor).toFixed(1), '≤ 25'],
  ['CPU time, ms', ui.cpuMs.toFixed(0), floor.cpuMs.toFixed(0), ''],
  ['stream wall time, s', (ui.wallMs / 1000).toFixed(1), (floor.wallMs / 1000).toFixed(1), ''],
  ['peak RSS, MB', (ui.maxRssKb / 1024).toFixed(0), (floor.maxRssKb / 1024).toFixed(0), ''],
  [
    'bytes written / text bytes',
    (ui.bytesWritten / ui.textBytes).toFixed(2),
    (floor.bytesWritten / floor.textBytes).toFixed(2),
    '≤ 3',
  ],
  ['keypress → echo, median ms', percentile(lat, 50).toFixed(1), '', ''],
  ['keypress → echo, p95 ms', percentile(lat, 95).toFixed(1), '', '≤ 50'],
]
const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? []
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '))
console.log(
  `UI / floor CPU: ${(ui.cpuMs / floor.cpuMs).toFixed(2)}×; text ${ui.textBytes} bytes; ${lat.length} keypresses`,
)
