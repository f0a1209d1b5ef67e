// The agent over real model clients (@agent/models) talking to local HTTP servers that speak
// the providers' exact streaming formats: history items survive the round trip on every wire.
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { Agent } from '../src/index.js'
import { collectUntil } from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent } from './helpers.js'
import { mockModelClient } from './mock-provider.js'

let agent: Agent | undefined
let server: MockProviderServer | undefined
afterEach(async () => {
  await agent?.shutdown()
  await server?.close()
  agent = undefined
  server = undefined
})

describe.each(['responses', 'chat', 'anthropic'] as const)('over the %s wire', (wire) => {
  it('runs a tool loop; the tool result and the whole history go back to the server', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [
        {
          reasoning: 'need to look',
          toolCalls: [{ name: 'shell', arguments: { command: ['echo', 'from-the-shell'] }, id: 'call_a' }],
        },
        { text: 'The shell said from-the-shell.', usage: { input: 120, output: 9 } },
      ],
    })
    const made = await makeAgent([], { model: mockModelClient(server), modelName: 'mock-model' })
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'run echo' }] })
    const events = await collectUntil(agent, isTurnEnd, { timeoutMs: 30_000 })
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('The shell said from-the-shell.')
    expect(find(events, 'exec_command_end')[0]?.stdout).toBe('from-the-shell\n')
    expect(find(events, 'agent_message_delta').length).toBeGreaterThan(1)
    expect(server.requests).toHaveLength(2)
    const second = JSON.stringify(server.requests[1]?.body)
    expect(second).toContain('from-the-shell')
    expect(second).toContain('call_a')
    expect(second).toContain('run echo')
    expect(second).toContain('environment_context')
  })

  it('interrupts a stalled stream promptly', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ text: 'a long answer that stalls', chunkSize: 2, stallAfterEvents: 3 }],
    })
    const made = await makeAgent([], { model: mockModelClient(server), modelName: 'mock-model' })
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'talk' }] })
    await collectUntil(agent, (e) => e.msg.type === 'turn_started')
    await new Promise((r) => setTimeout(r, 300))
    const started = performance.now()
    await agent.submit({ type: 'interrupt' })
    const events = await collectUntil(agent, isTurnEnd, { timeoutMs: 30_000 })
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('interrupted')
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('a provider error ends the turn with a model error event', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ type: 'error', status: 401, message: 'bad key' }],
    })
    const made = await makeAgent([], { model: mockModelClient(server), modelName: 'mock-model' })
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] })
    const events = await collectUntil(agent, isTurnEnd, { timeoutMs: 30_000 })
    expect(find(events, 'error')[0]?.kind).toBe('model_auth')
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('error')
  })
})
