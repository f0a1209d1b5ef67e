// The three clients against a local server speaking each API's SSE format: text, reasoning,
// parallel tool calls with arguments split over many deltas, usage, and what each client sends.
import type { ModelEvent } from '@agent/protocol'
import { afterEach, describe, expect, test } from 'vitest'
import { type MockProviderServer, startMockProviderServer } from '../src/testing/index.js'
import { clientFor, collect, request, textOf, types } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const WIRES = ['responses', 'chat', 'anthropic'] as const

describe.each(WIRES)('%s client', (wire) => {
  test('streams text deltas, then the message item, usage and completion', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [
        { text: 'Hello from the mock server!', chunkSize: 3, usage: { input: 42, output: 7, cached: 12 } },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(events[0]).toMatchObject({ type: 'created' })
    expect(events.filter((e) => e.type === 'text_delta').length).toBe(9)
    expect(textOf(events)).toBe('Hello from the mock server!')
    const tail = events.slice(-3)
    expect(tail[0]).toEqual({
      type: 'output_item',
      item: expect.objectContaining({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello from the mock server!' }],
      }),
    })
    expect(tail[1]).toEqual({
      type: 'usage',
      usage: {
        input_tokens: 42,
        cached_input_tokens: 12,
        output_tokens: 7,
        reasoning_output_tokens: 0,
        total_tokens: 49,
      },
    })
    expect(tail[2]).toMatchObject({ type: 'completed', stop_reason: 'end_turn' })
    expect(types(events).filter((t) => t === 'usage')).toHaveLength(1)
  })

  test('parallel tool calls with arguments split over many deltas', async () => {
    const first = { path: 'src/index.ts', range: { start: 1, end: 200 }, note: 'ünïcødé ✓' }
    const second = { path: 'README.md' }
    server = await startMockProviderServer({
      wire,
      turns: [
        {
          text: 'Let me look.',
          toolCalls: [
            { name: 'read_file', arguments: first, id: 'call_A' },
            { name: 'read_file', arguments: second, id: 'call_B' },
          ],
          chunkSize: 2,
          interleaveToolCalls: true,
        },
      ],
    })
    const events = await collect(clientFor(server).stream(request({ parallel_tool_calls: true })))
    const calls = events.filter(
      (e): e is Extract<ModelEvent, { type: 'tool_call' }> => e.type === 'tool_call',
    )
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([
      ['call_A', 'read_file', first],
      ['call_B', 'read_file', second],
    ])
    // Each tool_call comes right after its function_call item.
    for (const call of calls) {
      const at = events.indexOf(call)
      expect(events[at - 1]).toEqual({
        type: 'output_item',
        item: expect.objectContaining({
          type: 'function_call',
          call_id: call.call_id,
          arguments: call.arguments,
        }),
      })
    }
    // The message finished before the first call, so it comes first.
    const firstItem = events.find((e) => e.type === 'output_item')
    expect(firstItem).toMatchObject({ item: { type: 'message' } })
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'tool_calls' })
  })

  test('reasoning streams as deltas and comes back as an item with its provider state', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ reasoning: 'Consider the options carefully.', text: 'Done.' }],
    })
    const events = await collect(clientFor(server).stream(request({ reasoning_effort: 'high' })))
    const reasoning = events
      .filter((e) => e.type === 'reasoning_delta')
      .map((e) => (e.type === 'reasoning_delta' ? e.delta : ''))
      .join('')
    expect(reasoning).toBe('Consider the options carefully.')
    const item = events.find((e) => e.type === 'output_item' && e.item.type === 'reasoning')
    if (item?.type !== 'output_item' || item.item.type !== 'reasoning') throw new Error('no reasoning item')
    const text = [...item.item.summary, ...(item.item.content ?? [])].map((p) => p.text).join('')
    expect(text).toBe('Consider the options carefully.')
    if (wire === 'responses') expect(item.item.encrypted_content).toBe('gAAAA_mock_encrypted_0')
    if (wire === 'anthropic') expect(item.item.signature).toBe('EqMockSignature0==')
    // The reasoning item precedes the message, as the model produced them.
    const order = events
      .filter((e) => e.type === 'output_item')
      .map((e) => (e.type === 'output_item' ? e.item.type : ''))
    expect(order).toEqual(['reasoning', 'message'])
  })

  test('max tokens ends with stop reason max_tokens', async () => {
    server = await startMockProviderServer({ wire, turns: [{ text: 'truncat', stopReason: 'max_tokens' }] })
    const events = await collect(clientFor(server).stream(request()))
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'max_tokens' })
  })

  test('sends the API key and the configured headers and query parameters', async () => {
    server = await startMockProviderServer({ wire, turns: [{ text: 'ok' }] })
    const client = clientFor(server, {
      http_headers: { 'x-team': 'blue' },
      query_params: { 'api-version': '2025-01-01' },
    })
    await collect(client.stream(request()))
    const sent = server.requests[0]
    expect(sent?.headers['x-team']).toBe('blue')
    expect(sent?.path).toContain('api-version=2025-01-01')
    // The Anthropic SDK sends the key as x-api-key or (1.x) as a bearer token.
    const credential = sent?.headers['x-api-key'] ?? sent?.headers.authorization
    expect(credential === 'sk-test-key' || credential === 'Bearer sk-test-key').toBe(true)
  })

  test('a provider without env_key sends no credentials', async () => {
    server = await startMockProviderServer({ wire, turns: [{ text: 'ok' }] })
    const client = clientFor(server, { env_key: undefined })
    const events = await collect(client.stream(request()))
    expect(events.at(-1)).toMatchObject({ type: 'completed' })
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
    expect(server.requests[0]?.headers['x-api-key']).toBeUndefined()
  })
})

describe.each(WIRES)('%s client, connection reuse', (wire) => {
  test('five requests in a row share one keep-alive connection, also when the caller stops at completed', async () => {
    server = await startMockProviderServer({
      wire,
      turns: Array.from({ length: 5 }, (_, i) => ({ text: `answer ${i}` })),
    })
    const client = clientFor(server)
    for (let i = 0; i < 5; i++) {
      // Stop reading at `completed`, the way the agent's turn loop does.
      for await (const event of client.stream(request())) if (event.type === 'completed') break
      // The agent runs its tools between requests; by then the response's end (sent right after
      // its last event) has been read and the connection is back in the pool.
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(server.requests).toHaveLength(5)
    expect(server.connections).toBe(1)
  })
})
