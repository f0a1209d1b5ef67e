// Steering: `user_input` with `steer: true` during a turn reaches the model at its next request
// in that same turn; the rollout records it there and resume reads it back; under a journal it is
// a step, so a replay gets it from the journal.
import type { Event } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Agent, defineTool, MemorySessionStore } from '../src/index.js'
import {
  collectUntil,
  MemoryJournal,
  RecordingHookRunner,
  reply,
  ScriptedModel,
} from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent, types } from './helpers.js'

const agents: Agent[] = []
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.shutdown().catch(() => undefined)
})

/** A tool that holds the turn until the test releases it, and says when it started. */
function holdTool() {
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let started!: () => void
  const running = new Promise<void>((resolve) => {
    started = resolve
  })
  const tool = defineTool<{ tag: string }>({
    name: 'hold',
    description: 'Waits until released',
    parameters: z.object({ tag: z.string() }),
    readOnly: false,
    async handle(args) {
      started()
      await released
      return { output: `held ${args.tag}` }
    },
  })
  return { tool, running, release }
}

const steer = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }], steer: true })
const prompt = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] })

function userTexts(input: unknown[]): string[] {
  return input.flatMap((item) => {
    const i = item as { type: string; role?: string; content?: { type: string; text?: string }[] }
    if (i.type !== 'message' || i.role !== 'user') return []
    const text = (i.content ?? []).map((c) => c.text ?? '').join('')
    return text.startsWith('<!--') ? [] : [text]
  })
}

describe('steering a running turn', () => {
  it('reaches the model at its next request in the same turn, after the tool result', async () => {
    const hold = holdTool()
    const model = new ScriptedModel([
      [reply.toolCall('hold', { tag: 'one' }, 'call_h')],
      [reply.text('steered answer')],
    ])
    const store = new MemorySessionStore()
    const { agent } = await makeAgent([], { model, tools: [hold.tool], store })
    agents.push(agent)
    const turnId = await agent.submit(prompt('start the work'))
    await hold.running
    const steerId = await agent.submit(steer('use the other file'))
    hold.release()
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_started')).toHaveLength(1)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('steered answer')
    const steered = events.find((e) => e.msg.type === 'user_message' && e.id === steerId)
    expect(steered?.msg).toEqual({ type: 'user_message', message: 'use the other file' })
    expect(events.filter((e) => e.id === turnId && e.msg.type === 'user_message')).toHaveLength(1)
    // The second request carries the steering input after the tool's result.
    const input = model.requests[1]?.input ?? []
    expect(userTexts(input)).toEqual(['start the work', 'use the other file'])
    const outputAt = input.findIndex((i) => i.type === 'function_call_output')
    const steerAt = input.findIndex((i) => userTexts([i])[0] === 'use the other file')
    expect(steerAt).toBeGreaterThan(outputAt)

    // The rollout has it where it happened; a resumed session sends it in the same place.
    await agent.flush()
    const lines = (await store.load(agent.sessionId)).lines
    const kinds = lines.map((l) =>
      l.type === 'response_item'
        ? l.payload.type === 'message'
          ? `${l.payload.role}:${userTexts([l.payload])[0] ?? ''}`
          : l.payload.type
        : '',
    )
    const order = kinds.filter((k) =>
      ['function_call_output', 'user:use the other file', 'assistant:'].includes(k),
    )
    expect(order).toEqual(['function_call_output', 'user:use the other file', 'assistant:'])
    const resumedModel = new ScriptedModel([[reply.text('resumed')]])
    const resumed = await makeAgent([], {
      model: resumedModel,
      store,
      session: { type: 'resume', sessionId: agent.sessionId },
    })
    agents.push(resumed.agent)
    await resumed.agent.submit(prompt('and now?'))
    await collectUntil(resumed.agent, isTurnEnd)
    expect(userTexts(resumedModel.requests[0]?.input ?? [])).toEqual([
      'start the work',
      'use the other file',
      'and now?',
    ])
  })

  it('starts a turn of its own when no turn runs', async () => {
    const { agent } = await makeAgent([[reply.text('plain')]])
    agents.push(agent)
    const id = await agent.submit(steer('hello'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(events.filter((e) => e.id === id).map((e) => e.msg.type)).toEqual(
      expect.arrayContaining(['turn_started', 'user_message', 'turn_complete']),
    )
  })

  it('input that arrives after the last request becomes the next turn, nothing is lost', async () => {
    let releaseStop!: () => void
    const stopHeld = new Promise<void>((resolve) => {
      releaseStop = resolve
    })
    let stopStarted!: () => void
    const inStop = new Promise<void>((resolve) => {
      stopStarted = resolve
    })
    const hooks = new RecordingHookRunner(async (input) => {
      if (input.hook_event_name === 'Stop' && !input.stop_hook_active) {
        stopStarted()
        await stopHeld
      }
      return {}
    })
    const { agent } = await makeAgent([[reply.text('first')], [reply.text('second')]], { hooks })
    agents.push(agent)
    await agent.submit(prompt('one'))
    await inStop
    const steerId = await agent.submit(steer('late'))
    releaseStop()
    const events: Event[] = await collectUntil(agent, (e) => e.id === steerId && isTurnEnd(e))
    expect(find(events, 'turn_started')).toHaveLength(2)
    expect(events.filter((e) => e.id === steerId).map((e) => e.msg.type)).toContain('user_message')
    expect(find(events, 'turn_complete').map((e) => e.last_agent_message)).toEqual(['first', 'second'])
  })

  it('with a journal, steering is a step: a replay gets the input from the journal', async () => {
    const hold = holdTool()
    const script = () => [[reply.toolCall('hold', { tag: 'one' }, 'call_h')], [reply.text('done')]]
    const journal = new MemoryJournal()
    const { agent, cwd } = await makeAgent(script(), { tools: [hold.tool], journal })
    agents.push(agent)
    await agent.submit(prompt('start'))
    await hold.running
    await agent.submit(steer('steer me'))
    hold.release()
    const original = await collectUntil(agent, isTurnEnd)
    expect(journal.calls.filter((n) => n.includes('/steer/'))).toEqual(['turn/1/steer/1', 'turn/1/steer/2'])

    const replay = journal.fork()
    const model = new ScriptedModel([])
    const again = await makeAgent([], { cwd, model, tools: [hold.tool], journal: replay })
    agents.push(again.agent)
    await again.agent.submit(prompt('start'))
    const replayed = await collectUntil(again.agent, isTurnEnd)
    expect(replayed).toEqual(original)
    expect(types(replayed)).toContain('user_message')
    expect(model.requests).toHaveLength(0)
  })
})
