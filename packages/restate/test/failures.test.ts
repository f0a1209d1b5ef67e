// Failures against a real restate-server: the server SIGKILLed and restarted mid-turn, an approval
// answered while no worker is up, an interrupt, and bad input (unknown session, unknown call, a
// worker whose Restate is not there yet).
import { randomUUID } from 'node:crypto'
import { unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DurableSessionError, RegistrationError, registerWorker } from '../src/index.js'
import { freePort, startRestateServer } from '../src/testing/index.js'
import { readLines, startCluster, startWorkerProcess, type TestCluster, waitFor } from './helpers.js'

let cluster: TestCluster

// Starting restate-server and a worker takes several seconds on this small, shared machine.
beforeAll(async () => {
  cluster = await startCluster()
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
})

// Real processes (restate-server restarts, worker processes) on a small shared machine.
describe('failures on a real restate-server', { timeout: 120_000 }, () => {
  it('restate-server SIGKILLed and restarted mid-turn: the turn completes and the client re-attaches', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    const effects = join(cwd, 'effects.log')
    writeFileSync(join(cwd, 'hold-1-2'), '')
    const turn = cluster.start(sessionId, 'steps:3', cwd)
    await waitFor(
      () => readLines(effects),
      (lines) => lines.length === 2,
      'step 2 to start',
    )
    await cluster.server.kill('SIGKILL')
    unlinkSync(join(cwd, 'hold-1-2'))
    await cluster.server.restart()
    const result = await turn.done
    expect(result).toEqual({ type: 'completed', lastMessage: 'done 3' })
    expect(cluster.reconnects.length).toBeGreaterThan(0)
    const steps = readLines(effects).map((l) => l.split(' ')[1])
    // Step 1 finished before the crash: once. Step 2 was running: at least once.
    expect(steps.filter((s) => s === 'turn/1/step/1')).toHaveLength(1)
    expect(steps.filter((s) => s === 'turn/1/step/3')).toHaveLength(1)
    expect(turn.seen.filter((e) => e.msg.type === 'agent_message')).toHaveLength(3)
  })

  it('an approval pending while every worker is down is answered and the turn completes', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    const turn = cluster.start(sessionId, 'approve steps:1', cwd)
    const page = await waitFor(
      () => turn.seen,
      (seen) => seen.some((e) => e.msg.type === 'exec_approval_request'),
      'the approval request',
    )
    const request = page.find((e) => e.msg.type === 'exec_approval_request')?.msg as { call_id: string }
    await cluster.replaceWorker(async () => {
      const answered = await cluster.client.approve(
        sessionId,
        request.call_id,
        { decision: 'approved' },
        { waitMs: 500 },
      )
      expect(answered.status).toBe('queued')
    })
    expect(await turn.done).toEqual({ type: 'completed', lastMessage: 'done 1' })
    expect(
      turn.seen.some((e) => e.msg.type === 'agent_message' && e.msg.message === 'decision approved'),
    ).toBe(true)
  })

  it('an interrupt aborts the running turn', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    writeFileSync(join(cwd, 'hold-1-2'), '')
    const turn = cluster.start(sessionId, 'steps:3', cwd)
    await waitFor(
      () => readLines(join(cwd, 'effects.log')),
      (lines) => lines.length === 2,
      'step 2 to start',
    )
    expect((await cluster.client.interrupt(sessionId)).interrupted).toBe(turn.tag)
    expect(await turn.done).toEqual({ type: 'aborted', reason: 'interrupted' })
    unlinkSync(join(cwd, 'hold-1-2'))
    // The session takes the next prompt.
    const next = cluster.start(sessionId, 'steps:1')
    expect(await next.done).toEqual({ type: 'completed', lastMessage: 'done 1' })
  })

  it('bad input gets clear errors', async () => {
    const unknown = `no-such-${randomUUID()}`
    expect((await cluster.client.events(unknown)).exists).toBe(false)
    const tag = randomUUID()
    const { invocationId } = await cluster.client.submit(unknown, { prompt: 'steps:1', tag }, tag)
    await expect(cluster.client.attach(invocationId)).rejects.toThrow(`no session ${unknown}`)
    await expect(cluster.client.interrupt(unknown)).rejects.toThrow(DurableSessionError)

    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    expect(await cluster.start(sessionId, 'steps:1', cwd).done).toMatchObject({ type: 'completed' })
    await expect(
      cluster.client.approve(sessionId, 'call-that-never-was', { decision: 'approved' }),
    ).rejects.toThrow(`session ${sessionId} has no pending approval for call call-that-never-was`)
    await expect(cluster.client.approve(sessionId, 'x', { decision: 'maybe' as never })).rejects.toThrow(
      'decision',
    )
    const tag2 = randomUUID()
    const wrongDir = await cluster.client.submit(
      sessionId,
      { prompt: 'steps:1', tag: tag2, expectCwd: '/elsewhere' },
      tag2,
    )
    await expect(cluster.client.attach(wrongDir.invocationId)).rejects.toThrow(
      `works in ${cwd}, not /elsewhere`,
    )
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
      expect((await late).services.sort()).toEqual([
        'AgentSession',
        'AgentSessionLive',
        'AgentSessionSteering',
      ])
    } finally {
      await laterWorker.kill()
      await second.stop()
    }
  })
})
