// Concurrency against a real restate-server: two prompts to one session never interleave, and 20
// sessions spread over two worker processes behind one address (a round-robin TCP proxy) finish.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DurableSessionClient, registerWorker } from '../src/index.js'
import { freePort, type RestateServer, startRestateServer } from '../src/testing/index.js'
import {
  readLines,
  startRoundRobinProxy,
  startWorkerProcess,
  type WorkerProcess,
  waitFor,
} from './helpers.js'

let server: RestateServer
let workers: WorkerProcess[] = []
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>>
let client: DurableSessionClient
const dirs: string[] = []

const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-ws-'))
  dirs.push(dir)
  return dir
}

// Starting restate-server and two workers takes several seconds on this small, shared machine.
beforeAll(async () => {
  // Few streams per HTTP/2 connection, so Restate opens several connections and the proxy spreads them.
  server = await startRestateServer({
    env: { RESTATE_WORKER__INVOKER__HTTP2_STREAMS_PER_CONNECTION_LIMIT: '2' },
  })
  const ports = [await freePort(), await freePort()]
  workers = await Promise.all(ports.map((port) => startWorkerProcess({ port })))
  const proxyPort = await freePort()
  proxy = await startRoundRobinProxy(proxyPort, ports)
  await registerWorker(server.adminUrl, `http://127.0.0.1:${proxyPort}`)
  client = new DurableSessionClient(server.ingressUrl, { pollIntervalMs: 100 })
}, 120_000)

afterAll(async () => {
  await proxy?.close()
  await Promise.all(workers.map((w) => w.kill()))
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function submit(sessionId: string, prompt: string, cwd?: string) {
  const tag = randomUUID()
  const { invocationId } = await client.submit(
    sessionId,
    { prompt, tag, ...(cwd ? { create: { cwd } } : {}) },
    tag,
  )
  return { tag, invocationId }
}

// Real processes (restate-server, two workers, 20 sessions) on a small shared machine.
describe('concurrency on a real restate-server', { timeout: 120_000 }, () => {
  it('two prompts to one session never interleave', async () => {
    const cwd = workspace()
    const sessionId = randomUUID()
    writeFileSync(join(cwd, 'hold-1-1'), '')
    const first = await submit(sessionId, 'steps:2', cwd)
    await waitFor(
      () => readLines(join(cwd, 'effects.log')),
      (l) => l.length === 1,
      'the first turn to start',
    )
    const second = await submit(sessionId, 'steps:2')
    const page = await client.events(sessionId)
    expect(page.current?.tag).toBe(first.tag)
    unlinkSync(join(cwd, 'hold-1-1'))
    await client.attach(first.invocationId)
    await client.attach(second.invocationId)
    const tags = (await client.events(sessionId)).events.map((e) => e.tag)
    const firstCount = tags.filter((t) => t === first.tag).length
    // All of the first turn's events, then all of the second's.
    expect(tags).toEqual([
      ...Array(firstCount).fill(first.tag),
      ...Array(tags.length - firstCount).fill(second.tag),
    ])
    expect(readLines(join(cwd, 'effects.log')).map((l) => l.split(' ')[1])).toEqual([
      'turn/1/step/1',
      'turn/1/step/2',
      'turn/2/step/1',
      'turn/2/step/2',
    ])
  })

  it('20 concurrent sessions over two workers behind one address all complete', async () => {
    const sessions = Array.from({ length: 20 }, () => ({ id: randomUUID(), cwd: workspace() }))
    const started = await Promise.all(sessions.map((s) => submit(s.id, 'steps:3', s.cwd)))
    const results = await Promise.all(started.map((s) => client.attach(s.invocationId)))
    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('completed'))
    const pids = new Set<string>()
    for (const s of sessions) {
      const lines = readLines(join(s.cwd, 'effects.log'))
      expect(lines.map((l) => l.split(' ')[1])).toEqual(['turn/1/step/1', 'turn/1/step/2', 'turn/1/step/3'])
      for (const line of lines) pids.add(line.split(' ')[2] as string)
    }
    // Both workers did some of the work.
    expect([...pids].sort()).toEqual(workers.map((w) => String(w.proc.pid)).sort())
    expect(proxy.counts.every((n) => n > 0)).toBe(true)
  })
})
