// Failures against a real restate-server: the server SIGKILLed and restarted mid-turn, an approval
// answered while no worker is up, an interrupt, and bad input (unknown session, unknown call, a
// worker whose Restate is not there yet).
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Event } from '@agent/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DurableSessionClient, DurableSessionError, RegistrationError, registerWorker } from '../src/index.js'
import { freePort, type RestateServer, startRestateServer } from '../src/testing/index.js'
import { readLines, startWorkerProcess, type WorkerProcess, waitFor } from './helpers.js'

let server: RestateServer
let workerPort: number
let worker: WorkerProcess
let client: DurableSessionClient
const dirs: string[] = []
const reconnects: string[] = []

const workspace = () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-ws-'))
  dirs.push(dir)
  return dir
}

// Starting restate-server and a worker takes several seconds on this small, shared machine.
beforeAll(async () => {
  server = await startRestateServer()
  workerPort = await freePort()
  worker = await startWorkerProcess({ port: workerPort, adminUrl: server.adminUrl })
  client = new DurableSessionClient(server.ingressUrl, {
    pollIntervalMs: 50,
    onReconnecting: (reason) => reconnects.push(reason),
  })
}, 120_000)

afterAll(async () => {
  await worker?.kill()
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function start(sessionId: string, prompt: string, cwd?: string) {
  const tag = randomUUID()
  const seen: Event[] = []
  const done = (async () => {
    const before = await client.events(sessionId)
    const { invocationId } = await client.submit(
      sessionId,
      { prompt, tag, ...(cwd ? { create: { cwd } } : {}) },
      tag,
    )
    return client.follow({
      sessionId,
      tag,
      from: before.next,
      invocationId,
      onEvent: (e) => void seen.push(e),
    })
  })()
  return { tag, seen, done }
}

// Real processes (restate-server restarts, worker processes) on a small shared machine.
describe('failures on a real restate-server', { timeout: 120_000 }, () => {
  it('restate-server SIGKILLed and restarted mid-turn: the turn completes and the client re-attaches', async () => {
    const cwd = workspace()
    const sessionId = randomUUID()
    const effects = join(cwd, 'effects.log')
    writeFileSync(join(cwd, 'hold-1-2'), '')
    const turn = start(sessionId, 'steps:3', cwd)
    await waitFor(
      () => readLines(effects),
      (lines) => lines.length === 2,
      'step 2 to start',
    )
    await server.kill('SIGKILL')
    unlinkSync(join(cwd, 'hold-1-2'))
    await server.restart()
    const result = await turn.done
    expect(result).toEqual({ type: 'completed', lastMessage: 'done 3' })
    expect(reconnects.length).toBeGreaterThan(0)
    const steps = readLines(effects).map((l) => l.split(' ')[1])
    // Step 1 finished before the crash: once. Step 2 was running: at least once.
    expect(steps.filter((s) => s === 'turn/1/step/1')).toHaveLength(1)
    expect(steps.filter((s) => s === 'turn/1/step/3')).toHaveLength(1)
    expect(turn.seen.filter((e) => e.msg.type === 'agent_message')).toHaveLength(3)
  })

  it('an approval pending while every worker is down is answered and the turn completes', async () => {
    const cwd = workspace()
    const sessionId = randomUUID()
    const turn = start(sessionId, 'approve steps:1', cwd)
    const page = await waitFor(
      () => turn.seen,
      (seen) => seen.some((e) => e.msg.type === 'exec_approval_request'),
      'the approval request',
    )
    const request = page.find((e) => e.msg.type === 'exec_approval_request')?.msg as { call_id: string }
    await worker.kill('SIGKILL')
    const answered = await client.approve(
      sessionId,
      request.call_id,
      { decision: 'approved' },
      { waitMs: 500 },
    )
    expect(answered.status).toBe('queued')
    worker = await startWorkerProcess({ port: workerPort })
    expect(await turn.done).toEqual({ type: 'completed', lastMessage: 'done 1' })
    expect(
      turn.seen.some((e) => e.msg.type === 'agent_message' && e.msg.message === 'decision approved'),
    ).toBe(true)
  })

  it('an interrupt aborts the running turn', async () => {
    const cwd = workspace()
    const sessionId = randomUUID()
    writeFileSync(join(cwd, 'hold-1-2'), '')
    const turn = start(sessionId, 'steps:3', cwd)
    await waitFor(
      () => readLines(join(cwd, 'effects.log')),
      (lines) => lines.length === 2,
      'step 2 to start',
    )
    expect((await client.interrupt(sessionId)).interrupted).toBe(turn.tag)
    expect(await turn.done).toEqual({ type: 'aborted', reason: 'interrupted' })
    unlinkSync(join(cwd, 'hold-1-2'))
    // The session takes the next prompt.
    const next = start(sessionId, 'steps:1')
    expect(await next.done).toEqual({ type: 'completed', lastMessage: 'done 1' })
  })

  it('bad input gets clear errors', async () => {
    const unknown = `no-such-${randomUUID()}`
    expect((await client.events(unknown)).exists).toBe(false)
    const tag = randomUUID()
    const { invocationId } = await client.submit(unknown, { prompt: 'steps:1', tag }, tag)
    await expect(client.attach(invocationId)).rejects.toThrow(`no session ${unknown}`)
    await expect(client.interrupt(unknown)).rejects.toThrow(DurableSessionError)

    const cwd = workspace()
    const sessionId = randomUUID()
    expect(await start(sessionId, 'steps:1', cwd).done).toMatchObject({ type: 'completed' })
    await expect(client.approve(sessionId, 'call-that-never-was', { decision: 'approved' })).rejects.toThrow(
      `session ${sessionId} has no pending approval for call call-that-never-was`,
    )
    await expect(client.approve(sessionId, 'x', { decision: 'maybe' as never })).rejects.toThrow('decision')
    const tag2 = randomUUID()
    const wrongDir = await client.submit(
      sessionId,
      { prompt: 'steps:1', tag: tag2, expectCwd: '/elsewhere' },
      tag2,
    )
    await expect(client.attach(wrongDir.invocationId)).rejects.toThrow(`works in ${cwd}, not /elsewhere`)
  })

  it('a worker whose Restate is not up yet keeps trying, then registers', async () => {
    const adminPort = await freePort()
    await expect(
      registerWorker(`http://127.0.0.1:${adminPort}`, 'http://127.0.0.1:1', { timeoutMs: 300 }),
    ).rejects.toThrow(RegistrationError)
    await expect(
      registerWorker(`http://127.0.0.1:${adminPort}`, 'http://127.0.0.1:1', { timeoutMs: 300 }),
    ).rejects.toThrow(`cannot reach the Restate admin API at http://127.0.0.1:${adminPort}`)

    const reasons: string[] = []
    const port = await freePort()
    const late = registerWorker(`http://127.0.0.1:${adminPort}`, `http://127.0.0.1:${port}`, {
      onRetry: (reason) => reasons.push(reason),
    })
    const laterWorker = await startWorkerProcess({ port })
    await waitFor(
      () => reasons.length,
      (n) => n > 0,
      'a retry',
    )
    const second = await startRestateServer({ adminPort })
    try {
      expect((await late).services).toEqual(['AgentSession'])
    } finally {
      await laterWorker.kill()
      await second.stop()
    }
  })
})
