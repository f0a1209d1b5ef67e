// Benchmarks of the connection manager, printed as tables:
// 1. time per tool call through the manager vs the bare SDK client, same stdio server;
// 2. start-up of 10 stdio servers concurrently (one manager) vs one after another.
// Run: pnpm --filter @agent/mcp bench   (CALLS=2000 ROUNDS=5 SERVERS=10 to change the sizes)
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { createMcpManager, type McpServerConfig } from '../src/index.js'

const CALLS = Number(process.env.CALLS ?? 2000)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const SERVERS = Number(process.env.SERVERS ?? 10)
const server: McpServerConfig = {
  command: process.execPath,
  args: [join(import.meta.dirname, '..', 'test', 'fixtures', 'fault-server.mjs')],
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
const fmt = (ms: number) => `${ms.toFixed(3)} ms`

async function callOverhead() {
  const bare = new Client({ name: 'bench', version: '0' })
  await bare.connect(
    new StdioClientTransport({ ...server, command: server.command as string, stderr: 'ignore' }),
  )
  const manager = createMcpManager({ bench: server })
  await manager.start()
  const bareTimes: number[] = []
  const managerTimes: number[] = []
  const args = { text: 'hello' }
  // Warm up both paths (JIT, lazy imports), then alternate rounds so load drifts hit both alike.
  for (let i = 0; i < 200; i++) {
    await bare.callTool({ name: 'echo', arguments: args })
    await manager.callTool('mcp__bench__echo', args, {})
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < CALLS / ROUNDS; i++) {
      let t = performance.now()
      await bare.callTool({ name: 'echo', arguments: args })
      bareTimes.push(performance.now() - t)
      t = performance.now()
      await manager.callTool('mcp__bench__echo', args, {})
      managerTimes.push(performance.now() - t)
    }
  }
  await bare.close()
  await manager.close()
  const b = median(bareTimes)
  const m = median(managerTimes)
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length
  console.log(
    `\nTool call through the manager vs the bare SDK client (${CALLS} calls each, stdio echo server)\n`,
  )
  console.log('| path | median | mean | ratio (median) |')
  console.log('| --- | --- | --- | --- |')
  console.log(`| bare SDK client | ${fmt(b)} | ${fmt(mean(bareTimes))} | 1.00 |`)
  console.log(`| McpConnectionManager | ${fmt(m)} | ${fmt(mean(managerTimes))} | ${(m / b).toFixed(2)} |`)
  console.log(
    `| added per call | ${fmt(m - b)} | ${fmt(mean(managerTimes) - mean(bareTimes))} | target ≤ 1 ms |`,
  )
}

async function startup() {
  const configs = Object.fromEntries(Array.from({ length: SERVERS }, (_, i) => [`s${i}`, server]))
  let t = performance.now()
  const concurrent = createMcpManager(configs)
  await concurrent.start()
  const concurrentMs = performance.now() - t
  await concurrent.close()
  t = performance.now()
  const serial = []
  for (const [name, config] of Object.entries(configs)) {
    const one = createMcpManager({ [name]: config })
    await one.start()
    serial.push(one)
  }
  const serialMs = performance.now() - t
  await Promise.all(serial.map((m) => m.close()))
  console.log(`\nStart-up of ${SERVERS} stdio servers (spawn, initialize, tools/list)\n`)
  console.log('| mode | wall time | ratio |')
  console.log('| --- | --- | --- |')
  console.log(`| one after another | ${serialMs.toFixed(0)} ms | 1.00 |`)
  console.log(
    `| concurrently (one manager) | ${concurrentMs.toFixed(0)} ms | ${(concurrentMs / serialMs).toFixed(2)} |`,
  )
}

console.log(
  `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
await callOverhead()
await startup()
