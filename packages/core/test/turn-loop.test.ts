import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Agent } from '../src/index.js'
import { collectUntil, reply } from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent, types } from './helpers.js'

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

describe('turn loop', () => {
  it('runs a multi-step tool loop with real commands and completes the turn', async () => {
    const made = await makeAgent([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo hello > out.txt'] }), reply.usage(100, 10)],
      [reply.toolCall('shell', { command: ['cat', 'out.txt'] }), reply.usage(150, 10)],
      [reply.text('The file says hello.'), reply.usage(200, 5)],
    ])
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'write and read a file' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(types(events)).toContain('turn_complete')
    expect(readFileSync(join(made.cwd, 'out.txt'), 'utf8')).toBe('hello\n')
    const ends = find(events, 'exec_command_end')
    expect(ends.map((e) => e.exit_code)).toEqual([0, 0])
    expect(ends[1]?.stdout).toBe('hello\n')
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('The file says hello.')
    // The third request carries both tool results, in order, after their calls.
    const input = made.model.requests[2]?.input ?? []
    const outputs = input.filter((i) => i.type === 'function_call_output')
    expect(outputs).toHaveLength(2)
    expect(String(outputs[1]?.type === 'function_call_output' && outputs[1].output)).toContain('hello')
    const tokens = find(events, 'token_count').at(-1)
    expect(tokens?.info?.total_token_usage.total_tokens).toBe(110 + 160 + 205)
  })
  it('stops after maxModelRequestsPerTurn requests and completes with the last message so far', async () => {
    const made = await makeAgent(
      [
        [reply.text('Step one.'), reply.toolCall('shell', { command: ['sh', '-c', 'echo 1 >> log.txt'] })],
        [reply.text('Step two.'), reply.toolCall('shell', { command: ['sh', '-c', 'echo 2 >> log.txt'] })],
        [reply.text('Step three.'), reply.toolCall('shell', { command: ['sh', '-c', 'echo 3 >> log.txt'] })],
        [reply.text('Done.')],
      ],
      { maxModelRequestsPerTurn: 2 },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'keep going' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(made.model.requests).toHaveLength(2)
    // The second response's call still ran; nothing after it did.
    expect(readFileSync(join(made.cwd, 'log.txt'), 'utf8')).toBe('1\n2\n')
    const error = find(events, 'error')[0]
    expect(error?.kind).toBe('max_turns')
    expect(error?.message).toContain('2 model requests')
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('Step two.')
  })

  it('sends a user_input output_schema with every request of that turn, and only that turn', async () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] }
    const made = await makeAgent([
      [reply.toolCall('shell', { command: ['true'] })],
      [reply.text('{"n":1}')],
      [reply.text('plain')],
    ])
    agent = made.agent
    await agent.submit({
      type: 'user_input',
      items: [{ type: 'text', text: 'count' }],
      output_schema: schema,
    })
    const first = await collectUntil(agent, isTurnEnd)
    expect(find(first, 'turn_complete')[0]?.last_agent_message).toBe('{"n":1}')
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'again' }] })
    await collectUntil(agent, isTurnEnd)
    expect(made.model.requests.map((r) => r.output_schema)).toEqual([schema, schema, undefined])
  })
})
