// The queue pair: op validation, interrupts (during a stream, during a real long process),
// queued input, model errors and retries as events, shutdown.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Agent, defineTool } from '../src/index.js'
import { collectUntil, reply } from '../src/testing/index.js'
import { conversation, find, isTurnEnd, makeAgent, types } from './helpers.js'

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

const input = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] })

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('queue pair', () => {
  it('starts with session_configured and tags events with the submission id', async () => {
    const made = await makeAgent([[reply.text('hello')]])
    agent = made.agent
    const first = await agent.nextEvent()
    expect(first.msg).toMatchObject({
      type: 'session_configured',
      session_id: agent.sessionId,
      model: 'test-model',
    })
    const id = await agent.submit(input('hi'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(events.every((e) => e.id === id)).toBe(true)
    expect(types(events)).toEqual([
      'turn_started',
      'user_message',
      'agent_message_delta',
      'agent_message',
      'turn_complete',
    ])
  })

  it('answers a malformed op with an error naming the field, then keeps working', async () => {
    const made = await makeAgent([[reply.text('still here')]])
    agent = made.agent
    await agent.nextEvent()
    const bad = await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 3 }] })
    const err = await agent.nextEvent()
    expect(err.id).toBe(bad)
    expect(err.msg).toMatchObject({ type: 'error', kind: 'invalid_op' })
    expect(err.msg.type === 'error' && err.msg.message).toContain('op.items.0.text')
    const unknown = await agent.submit({ type: 'dance' })
    const err2 = await agent.nextEvent()
    expect(err2).toMatchObject({ id: unknown, msg: { type: 'error', kind: 'invalid_op' } })
    await agent.submit(input('ok?'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('still here')
  })

  it('queues user input that arrives during a turn and runs it next, in order', async () => {
    const made = await makeAgent([
      [reply.delay(200), reply.text('first')],
      [reply.text('second')],
      [reply.text('third')],
    ])
    agent = made.agent
    const a = await agent.submit(input('one'))
    const b = await agent.submit(input('two'))
    const c = await agent.submit(input('three'))
    const events = await collectUntil(agent, (e) => e.id === c && isTurnEnd(e))
    const completes = events.filter((e) => e.msg.type === 'turn_complete')
    expect(completes.map((e) => [e.id, e.msg.type === 'turn_complete' && e.msg.last_agent_message])).toEqual([
      [a, 'first'],
      [b, 'second'],
      [c, 'third'],
    ])
    // The second request saw the whole first exchange: one turn at a time.
    expect(conversation(made.model.requests[1]?.input)).toEqual([
      'user: one',
      'assistant: first',
      'user: two',
    ])
  })

  it('interrupt during a stream aborts the turn; the next turn works', async () => {
    const made = await makeAgent([[reply.text('partial'), reply.hang()], [reply.text('after')]])
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, (e) => e.msg.type === 'agent_message')
    await agent.submit({ type: 'interrupt' })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('interrupted')
    await agent.submit(input('again'))
    const next = await collectUntil(agent, isTurnEnd)
    expect(find(next, 'turn_complete')[0]?.last_agent_message).toBe('after')
    // The partial message stayed in the history.
    expect(conversation(made.model.requests[1]?.input)).toEqual([
      'user: go',
      'assistant: partial',
      'user: again',
    ])
  })

  it('interrupt during a long real process kills it promptly and closes the call for the model', async () => {
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['sh', '-c', 'echo $$; exec sleep 60'] }, 'long')],
        [reply.text('after')],
      ],
      {},
    )
    agent = made.agent
    await agent.submit(input('sleep'))
    let pid = 0
    await collectUntil(agent, (e) => {
      if (e.msg.type === 'exec_command_output_delta') pid = Number.parseInt(e.msg.chunk, 10)
      return pid > 0
    })
    expect(alive(pid)).toBe(true)
    const started = performance.now()
    await agent.submit({ type: 'interrupt' })
    const events = await collectUntil(agent, isTurnEnd)
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('interrupted')
    const end = find(events, 'exec_command_end')[0]
    expect(end?.exit_code).not.toBe(0)
    // The kill has been sent; the kernel may take a moment (longer on a loaded machine) to reap it.
    const deadline = Date.now() + 10_000
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(alive(pid)).toBe(false)
    await agent.submit(input('next'))
    await collectUntil(agent, isTurnEnd)
    const history = made.model.requests[1]?.input ?? []
    const out = history.find((i) => i.type === 'function_call_output' && i.call_id === 'long')
    expect(out).toBeDefined()
  })

  it('a tool that ignores the abort signal cannot hold up an interrupt', async () => {
    const stubborn = defineTool<{ x: number }>({
      name: 'stubborn',
      description: 'Never finishes',
      parameters: z.object({ x: z.number() }),
      readOnly: true,
      handle: () => new Promise(() => undefined),
    })
    const made = await makeAgent([[reply.toolCall('stubborn', { x: 1 }, 'st')], [reply.text('next')]], {
      tools: [stubborn],
    })
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, (e) => e.msg.type === 'agent_reasoning' || e.msg.type === 'turn_started')
    await new Promise((r) => setTimeout(r, 100))
    await agent.submit({ type: 'interrupt' })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_aborted')).toHaveLength(1)
    await agent.submit(input('again'))
    await collectUntil(agent, isTurnEnd)
    const out = made.model.requests[1]?.input.find(
      (i) => i.type === 'function_call_output' && i.call_id === 'st',
    )
    expect(out).toMatchObject({
      is_error: true,
      output: 'stubborn was interrupted by the user (it did not stop within 2000 ms)',
    })
  })

  it('interrupt while an approval is pending resolves it as abort', async () => {
    const made = await makeAgent(
      [[reply.toolCall('shell', { command: ['touch', 'x'] })], [reply.text('next')]],
      {
        approvalPolicy: 'untrusted',
        policy: { evaluate: () => ({ decision: 'prompt', reason: 'writes' }) },
      },
    )
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, (e) => e.msg.type === 'exec_approval_request')
    await agent.submit({ type: 'interrupt' })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_aborted')).toHaveLength(1)
    expect(made.runner.requests).toHaveLength(0)
  })

  it('a model error surfaces as an error event and an aborted turn; retries as stream_error', async () => {
    const made = await makeAgent([
      [
        { type: 'retry', message: 'rate limited, retrying in 0 ms' },
        reply.error('upstream exploded', 'server'),
      ],
    ])
    agent = made.agent
    await agent.submit(input('go'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'stream_error')[0]).toMatchObject({
      message: 'rate limited, retrying in 0 ms',
      retrying: true,
      attempt: 1,
    })
    expect(find(events, 'error')[0]).toMatchObject({ kind: 'model_server', message: 'upstream exploded' })
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('error')
  })

  it('calls streamed before a model error get a result, so the next request is valid', async () => {
    const made = await makeAgent([
      [reply.toolCall('echo', { text: 'x' }, 'early'), reply.error('connection reset')],
      [reply.text('recovered')],
    ])
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit(input('again'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('recovered')
    const out = made.model.requests[1]?.input.find(
      (i) => i.type === 'function_call_output' && i.call_id === 'early',
    )
    expect(out).toMatchObject({
      is_error: true,
      output: 'not run: the model request failed before the call could run',
    })
  })

  it('a model stream that throws or ends early is an error, not a crash', async () => {
    const model = {
      provider: 'broken',
      calls: 0,
      async *stream() {
        this.calls++
        yield { type: 'created' as const }
        if (this.calls === 1) throw new Error('socket hang up')
      },
    }
    const made = await makeAgent([], { model })
    agent = made.agent
    await agent.submit(input('go'))
    const first = await collectUntil(agent, isTurnEnd)
    expect(find(first, 'error')[0]?.message).toBe('model stream failed: socket hang up')
    await agent.submit(input('again'))
    const second = await collectUntil(agent, isTurnEnd)
    expect(find(second, 'error')[0]?.message).toBe('the model stream ended before the response completed')
  })

  it('override_turn_context changes later turns and tells the model the new environment', async () => {
    const made = await makeAgent([[reply.text('a')], [reply.text('b')]])
    agent = made.agent
    await agent.submit(input('one'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit({ type: 'override_turn_context', approval_policy: 'untrusted', model: 'other-model' })
    await agent.submit(input('two'))
    await collectUntil(agent, isTurnEnd)
    expect(made.model.requests[1]?.model).toBe('other-model')
    const text = JSON.stringify(made.model.requests[1]?.input)
    expect(text).toContain('<approval_policy>never</approval_policy>')
    expect(text).toContain('<approval_policy>untrusted</approval_policy>')
  })

  it('shutdown ends the event stream after shutdown_complete and aborts a running turn', async () => {
    const made = await makeAgent([[reply.hang()]])
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, (e) => e.msg.type === 'turn_started')
    const done = agent.shutdown()
    const rest: string[] = []
    for await (const e of agent.events()) rest.push(e.msg.type)
    await done
    expect(rest).toContain('turn_aborted')
    expect(rest.at(-1)).toBe('shutdown_complete')
    await expect(agent.nextEvent()).rejects.toThrow('shut down')
    agent = undefined
  })

  it('sends local images as data URLs and reports unreadable ones', async () => {
    const made = await makeAgent([[reply.text('nice')]])
    agent = made.agent
    const png = Buffer.from('89504e470d0a1a0a', 'hex')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(`${made.cwd}/pic.png`, png)
    await agent.submit({
      type: 'user_input',
      items: [
        { type: 'text', text: 'look' },
        { type: 'local_image', path: 'pic.png' },
        { type: 'local_image', path: 'missing.png' },
      ],
    })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'warning')[0]?.message).toContain('missing.png')
    const user = made.model.requests[0]?.input.at(-1)
    expect(user?.type === 'message' && user.content[1]).toEqual({
      type: 'input_image',
      image_url: `data:image/png;base64,${png.toString('base64')}`,
    })
    expect(readFileSync(`${made.cwd}/pic.png`).length).toBe(8)
  })
})
