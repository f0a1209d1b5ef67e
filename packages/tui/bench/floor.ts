// The benchmark's floor: the same token stream printed straight to the terminal, no UI.
import { writeFileSync } from 'node:fs'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const tokens = flag('--tokens', 20_000)
const rate = flag('--rate', 500)
const report = args[args.indexOf('--report') + 1] as string
const WORDS =
  'the agent reads the code then it applies a small patch and runs the tests again to see that they pass'.split(
    ' ',
  )
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let written = 0
let textBytes = 0
const perTick = Math.max(1, Math.round(rate / 100))
const cpu0 = process.cpuUsage()
const start = performance.now()
let sent = 0
while (sent < tokens) {
  let chunk = ''
  for (let i = 0; i < perTick && sent < tokens; i++, sent++) {
    const word = WORDS[sent % WORDS.length] as string
    chunk += sent % 14 === 13 ? `${word}\n` : `${word} `
  }
  textBytes += Buffer.byteLength(chunk)
  written += Buffer.byteLength(chunk)
  process.stdout.write(chunk)
  await sleep(Math.max(0, start + (sent / rate) * 1000 - performance.now()))
}
const wallMs = performance.now() - start
await sleep(300)
const cpu = process.cpuUsage(cpu0)
writeFileSync(
  report,
  JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    maxRssKb: process.resourceUsage().maxRSS,
    bytesWritten: written,
    textBytes,
  }),
)
