// The session object against a real restate-server and real worker processes (the scripted agent
// stands in for core): a turn runs and its events can be read; a worker SIGKILLed inside a step
// is replaced and the turn completes with finished steps not run again.
import { randomUUID } from 'node:crypto'
import { unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Event } from '@agent/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerWorker } from '../src/index.js'
import { readLines, startCluster, type TestCluster, waitFor } from './helpers.js'

let cluster: TestCluster

// Starting restate-server and a worker takes several seconds on this small, shared machine.
beforeAll(async () => {
  cluster = await startCluster()
}, 120_000)

afterAll(async () => {
  await cluster?.stop()
})

async function runPrompt(sessionId: string, prompt: string, cwd?: string) {
  const turn = cluster.start(sessionId, prompt, cwd)
  return { result: await turn.done, seen: turn.seen, tag: turn.tag }
}

// Real processes (restate-server, worker processes) on a small shared machine.
describe('durable session on a real restate-server', { timeout: 120_000 }, () => {
  it('runs a turn and keeps its events and history for the next turn', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    const first = await runPrompt(sessionId, 'steps:3', cwd)
    expect(first.result).toEqual({ type: 'completed', lastMessage: 'done 3' })
    expect(first.seen.map((e) => e.msg.type)).toEqual([
      'session_configured',
      'turn_started',
      'user_message',
      'agent_message',
      'agent_message',
      'agent_message',
      'turn_complete',
    ])
    const second = await runPrompt(sessionId, 'steps:1')
    expect(second.result).toEqual({ type: 'completed', lastMessage: 'done 1' })
    // The second turn saw the first one's history (its turn number comes from it).
    expect(readLines(join(cwd, 'effects.log')).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      `${sessionId} turn/1/step/1`,
      `${sessionId} turn/1/step/2`,
      `${sessionId} turn/1/step/3`,
      `${sessionId} turn/2/step/1`,
    ])
    const page = await cluster.client.events(sessionId)
    expect(page.exists).toBe(true)
    expect(page.cwd).toBe(cwd)
    expect(page.current).toBeNull()
    expect(page.events.filter((e) => e.tag === first.tag)).toHaveLength(7)
  })

  it('a worker SIGKILLed inside a step is replaced; finished steps do not run again', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    const effects = join(cwd, 'effects.log')
    writeFileSync(join(cwd, 'hold-1-3'), '')
    const running = runPrompt(sessionId, 'steps:5', cwd)
    await waitFor(
      () => readLines(effects),
      (lines) => lines.length === 3,
      'step 3 to start',
    )
    await cluster.replaceWorker(() => unlinkSync(join(cwd, 'hold-1-3')))
    const { result, seen } = await running
    expect(result).toEqual({ type: 'completed', lastMessage: 'done 5' })
    // Steps 1 and 2 ran once; step 3 was running at the kill (at-least-once), 4 and 5 once.
    expect(readLines(effects).map((l) => l.split(' ')[1])).toEqual([
      'turn/1/step/1',
      'turn/1/step/2',
      'turn/1/step/3',
      'turn/1/step/3',
      'turn/1/step/4',
      'turn/1/step/5',
    ])
    // The replay re-emitted identical events: the log holds each exactly once.
    expect(
      seen.filter((e) => e.msg.type === 'agent_message').map((e) => (e.msg as { message: string }).message),
    ).toEqual(['step 1 -> 10', 'step 2 -> 20', 'step 3 -> 30', 'step 4 -> 40', 'step 5 -> 50'])
  })

  it('steering joins the running turn before its next step; sent after the last one, it runs as the next turn', async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    const effects = join(cwd, 'effects.log')
    writeFileSync(join(cwd, 'hold-1-1'), '')
    writeFileSync(join(cwd, 'hold-1-2'), '')
    const turn = cluster.start(sessionId, 'steps:2', cwd)
    await waitFor(
      () => readLines(effects),
      (lines) => lines.length === 1,
      'step 1 to start',
    )
    expect(await cluster.client.steer(sessionId, { text: 'mid' })).toEqual({ turn: turn.tag, queued: 1 })
    unlinkSync(join(cwd, 'hold-1-1'))
    await waitFor(
      () => readLines(effects),
      (lines) => lines.length === 2,
      'step 2 to start',
    )
    await cluster.client.steer(sessionId, { text: 'late' })
    unlinkSync(join(cwd, 'hold-1-2'))
    expect(await turn.done).toEqual({ type: 'completed', lastMessage: 'done 2' })
    expect(
      turn.seen.map((e) => ('message' in e.msg ? `${e.msg.type}: ${e.msg.message}` : e.msg.type)),
    ).toEqual([
      'session_configured',
      'turn_started',
      'user_message: steps:2',
      'agent_message: step 1 -> 10',
      'user_message: mid',
      'agent_message: step 2 -> 20',
      "background_event: steering input arrived after the turn's last model request; it runs as the next turn: late",
      'turn_complete',
    ])
    // The late input became the session's next turn.
    const next: Event[] = []
    const result = await cluster.client.follow({
      sessionId,
      tag: `${turn.tag}/steer/1`,
      from: 0,
      onEvent: (event) => void next.push(event),
    })
    expect(result).toEqual({ type: 'completed', lastMessage: 'done 1' })
    expect(next.find((e) => e.msg.type === 'user_message')?.msg).toMatchObject({ message: 'late' })
    await expect(cluster.client.steer(sessionId, { text: 'nobody listens' })).rejects.toThrow(
      `session ${sessionId} has no turn running to steer`,
    )
    await expect(cluster.client.steer(`no-such-${sessionId}`, { text: 'x' })).rejects.toThrow('no session')
  })

  it("a following client previews the running step's deltas before its finished items arrive", async () => {
    const cwd = cluster.workspace()
    const sessionId = randomUUID()
    writeFileSync(join(cwd, 'hold-1-1'), '')
    const tag = randomUUID()
    const { invocationId } = await cluster.client.submit(
      sessionId,
      { prompt: 'steps:1', tag, create: { cwd } },
      tag,
    )
    const order: string[] = []
    const following = cluster.client.follow({
      sessionId,
      tag,
      from: 0,
      invocationId,
      onEvent: (event) => void order.push(event.msg.type),
      onDelta: (event) =>
        void order.push(
          event.msg.type === 'agent_message_delta' ? `delta ${event.msg.delta}` : event.msg.type,
        ),
    })
    // The step is held open: its deltas arrive while it runs (joined into one by the worker or not).
    await waitFor(
      () =>
        order
          .filter((o) => o.startsWith('delta '))
          .map((o) => o.slice(6))
          .join(''),
      (text) => text === 'step 1 is streaming',
      "the step's deltas",
    )
    expect(order).not.toContain('agent_message')
    unlinkSync(join(cwd, 'hold-1-1'))
    expect(await following).toEqual({ type: 'completed', lastMessage: 'done 1' })
    // The preview came before the finished message, and nothing streamed twice.
    const firstDelta = order.findIndex((o) => o.startsWith('delta '))
    expect(firstDelta).toBeGreaterThan(order.indexOf('user_message'))
    expect(firstDelta).toBeLessThan(order.indexOf('agent_message'))
    expect(
      order
        .filter((o) => o.startsWith('delta '))
        .map((o) => o.slice(6))
        .join(''),
    ).toBe('step 1 is streaming')
    // The log itself holds no deltas.
    const page = await cluster.client.events(sessionId)
    expect(page.events.some((e) => e.event.msg.type === 'agent_message_delta')).toBe(false)
  })

  it('registering the same worker again is accepted (idempotent)', async () => {
    const first = await registerWorker(cluster.server.adminUrl, cluster.worker.url)
    const again = await registerWorker(cluster.server.adminUrl, cluster.worker.url)
    expect(again.services.sort()).toEqual(['AgentSession', 'AgentSessionLive', 'AgentSessionSteering'])
    expect(again.deploymentId).toBe(first.deploymentId)
  })
})
