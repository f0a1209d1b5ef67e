// Failure handling against a real local server: HTTP errors with and without Retry-After,
// connections cut mid-stream, stalled streams, malformed tool arguments, and aborts.
import type { ModelEvent } from '@agent/protocol'
import { afterEach, describe, expect, test } from 'vitest'
import {
  encodeTurn,
  type MockProviderServer,
  type MockResponseTurn,
  startMockProviderServer,
} from '../src/testing/index.js'
import { clientFor, collect, request, textOf, types } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const WIRES = ['responses', 'chat', 'anthropic'] as const

/** The number of SSE events the wire uses for a turn, and the index of the first event matching `marker`. */
function eventsOf(wire: (typeof WIRES)[number], turn: MockResponseTurn, marker?: RegExp) {
  const events = encodeTurn(wire, turn, {
    index: 0,
    requestBody: { stream_options: { include_usage: true } },
  })
  return { count: events.length, at: marker ? events.findIndex((e) => marker.test(e)) : -1 }
}

function retries(events: ModelEvent[]) {
  return events.filter((e): e is Extract<ModelEvent, { type: 'retry' }> => e.type === 'retry')
}

describe.each(WIRES)('%s client faults', (wire) => {
  test('429 with Retry-After waits as asked, then succeeds', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [
        { type: 'error', status: 429, retryAfter: 1, message: 'slow down' },
        { text: 'after the wait' },
      ],
    })
    const started = Date.now()
    const events = await collect(clientFor(server).stream(request()))
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    const [retry] = retries(events)
    expect(retry).toMatchObject({ type: 'retry', attempt: 1, delay_ms: 1000 })
    expect(retry?.message).toContain('429')
    expect(textOf(events)).toBe('after the wait')
    expect(events.at(-1)).toMatchObject({ type: 'completed' })
    expect(server.requests).toHaveLength(2)
  })

  test('500 then success: one retry event, then the answer', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ type: 'error', status: 500 }, { text: 'recovered' }],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(retries(events)).toHaveLength(1)
    expect(types(events).slice(0, 2)).toEqual(['retry', 'created'])
    expect(textOf(events)).toBe('recovered')
  })

  test('a Retry-After longer than the retry limit is reported, not waited for', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ type: 'error', status: 429, retryAfter: 3600 }],
    })
    const events = await collect(clientFor(server, { retry_max_delay_ms: 2_000 }).stream(request()))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'error', kind: 'rate_limit', retryable: true, status: 429 })
    expect((events[0] as { message: string }).message).toContain('asked to wait 3600 s')
  })

  test('gives up after the configured number of retries', async () => {
    const turns = Array.from({ length: 3 }, () => ({ type: 'error' as const, status: 503 }))
    server = await startMockProviderServer({ wire, turns })
    const events = await collect(clientFor(server, { request_max_retries: 2 }).stream(request()))
    expect(retries(events).map((r) => r.attempt)).toEqual([1, 2])
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'server', status: 503 })
    expect((events.at(-1) as { message: string }).message).toContain('gave up after 2 retries')
    expect(server.requests).toHaveLength(3)
  })

  test('401 is an auth error, not retried', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ type: 'error', status: 401, message: 'bad key' }],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', kind: 'auth', retryable: false, status: 401 }),
    ])
    expect(server.requests).toHaveLength(1)
  })

  test('400 about the context window is a context_length error', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [
        { type: 'error', status: 400, message: "This model's maximum context length is 128000 tokens" },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(events).toEqual([expect.objectContaining({ type: 'error', kind: 'context_length', status: 400 })])
  })

  test('a connection cut before any tool call is retried; finished items are not duplicated', async () => {
    server = await startMockProviderServer({
      wire,
      // The first attempt streams its whole message, then the connection drops before the end.
      turns: [
        {
          reasoning: 'hmm',
          text: 'partial answer',
          cutAfterEvents: eventsOf(wire, { reasoning: 'hmm', text: 'partial answer' }).count - 1,
        },
        { reasoning: 'hmm', text: 'full answer' },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    const retry = retries(events)
    expect(retry).toHaveLength(1)
    expect(retry[0]?.message).toMatch(/connection|stream ended/)
    const items = events.filter((e) => e.type === 'output_item')
    expect(items.map((e) => (e.type === 'output_item' ? e.item.type : ''))).toEqual(['reasoning', 'message'])
    expect(items[1]).toMatchObject({ item: { content: [{ text: 'full answer' }] } })
    expect(types(events).filter((t) => t === 'usage')).toHaveLength(1)
    expect(events.at(-1)).toMatchObject({ type: 'completed' })
  })

  test('a connection cut after a tool call was emitted ends with an error, no replay', async () => {
    const calls: MockResponseTurn = {
      toolCalls: [
        { name: 'read_file', arguments: { path: 'a' } },
        { name: 'read_file', arguments: { path: 'b' } },
      ],
    }
    // Cut right after the first call is complete (Chat Completions completes calls only at the end).
    const firstDone = eventsOf(wire, calls, /output_item\.done|content_block_stop/).at
    const cutAfterEvents = wire === 'chat' ? eventsOf(wire, calls).count - 1 : firstDone + 1
    server = await startMockProviderServer({
      wire,
      turns: [{ ...calls, cutAfterEvents }, { text: 'must not be requested' }],
    })
    const events = await collect(clientFor(server).stream(request()))
    const emitted = events.filter((e) => e.type === 'tool_call')
    expect(emitted.length).toBe(wire === 'chat' ? 2 : 1)
    expect(retries(events)).toHaveLength(0)
    const last = events.at(-1)
    expect(last).toMatchObject({ type: 'error', kind: 'network', retryable: false })
    expect((last as { message: string }).message).toContain('not retried')
    expect(server.requests).toHaveLength(1)
  })

  test('a stalled stream hits the idle timeout and is retried', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ text: 'never finishes', stallAfterEvents: 3 }, { text: 'second try' }],
    })
    const events = await collect(clientFor(server, { stream_idle_timeout_ms: 1_000 }).stream(request()))
    expect(retries(events)[0]?.message).toContain('sent nothing for 1000 ms')
    expect(events.at(-1)).toMatchObject({ type: 'completed' })
    expect(events.filter((e) => e.type === 'output_item')).toEqual([
      expect.objectContaining({
        item: expect.objectContaining({ content: [{ type: 'output_text', text: 'second try' }] }),
      }),
    ])
  })

  test('a server that never answers at all hits the idle timeout too', async () => {
    server = await startMockProviderServer({ wire, turns: [{ text: 'x', stallAfterEvents: 0 }] })
    const events = await collect(
      clientFor(server, {
        stream_idle_timeout_ms: 200,
        stream_max_retries: 0,
        request_max_retries: 0,
      }).stream(request()),
    )
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', kind: 'idle_timeout', retryable: true }),
    ])
  })

  test('malformed JSON in tool arguments is a bad_response; sampling again fixes it', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: '{"path": "a.txt"' }] },
        { toolCalls: [{ name: 'read_file', arguments: '{"path": "a.txt"}' }] },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(retries(events)[0]?.message).toContain('not valid JSON')
    const calls = events.filter((e) => e.type === 'tool_call')
    expect(calls).toEqual([expect.objectContaining({ name: 'read_file', arguments: '{"path": "a.txt"}' })])
  })

  test('malformed tool arguments that persist end with a bad_response error', async () => {
    const bad = { toolCalls: [{ name: 'read_file', arguments: 'not json at all' }] }
    server = await startMockProviderServer({ wire, turns: [bad, bad] })
    const events = await collect(clientFor(server, { stream_max_retries: 1 }).stream(request()))
    expect(events.filter((e) => e.type === 'tool_call')).toHaveLength(0)
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'bad_response' })
  })

  test('abort mid-stream ends with an aborted error and closes the connection', async () => {
    server = await startMockProviderServer({
      wire,
      turns: [{ text: 'a long answer that streams slowly', chunkSize: 1, delayMs: 20 }],
    })
    const controller = new AbortController()
    const events: ModelEvent[] = []
    for await (const event of clientFor(server).stream(request(), { signal: controller.signal })) {
      events.push(event)
      if (event.type === 'text_delta' && events.length > 3) controller.abort()
    }
    expect(events.at(-1)).toEqual({
      type: 'error',
      kind: 'aborted',
      message: 'the request was aborted',
      retryable: false,
    })
    expect(events.some((e) => e.type === 'completed')).toBe(false)
  })

  test('abort during a retry delay stops at once', async () => {
    server = await startMockProviderServer({ wire, turns: [{ type: 'error', status: 429, retryAfter: 30 }] })
    const controller = new AbortController()
    const events: ModelEvent[] = []
    const started = Date.now()
    for await (const event of clientFor(server, { retry_max_delay_ms: 60_000 }).stream(request(), {
      signal: controller.signal,
    })) {
      events.push(event)
      if (event.type === 'retry') controller.abort()
    }
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(types(events)).toEqual(['retry', 'error'])
    expect(events[1]).toMatchObject({ kind: 'aborted' })
  })
})

test('a refused connection is a retryable network error', async () => {
  const probe = await startMockProviderServer({ wire: 'chat' })
  await probe.close()
  const events = await collect(clientFor(probe, { request_max_retries: 1 }).stream(request()))
  expect(types(events)).toEqual(['retry', 'error'])
  expect(events[1]).toMatchObject({ kind: 'network', retryable: true })
  expect((events[1] as { message: string }).message).toContain('ECONNREFUSED')
})

describe('errors inside a 200 stream', () => {
  test('Chat: an error chunk mid-stream is classified and retried', async () => {
    server = await startMockProviderServer({
      wire: 'chat',
      turns: [
        {
          type: 'raw',
          events: [
            'data: {"error":{"message":"The server is overloaded","type":"server_error","code":"server_error"}}\n\n',
          ],
        },
        { text: 'fine now' },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(retries(events)[0]?.message).toContain('overloaded')
    expect(textOf(events)).toBe('fine now')
  })

  test('Anthropic: an overloaded_error event is retried; an invalid_request_error is not', async () => {
    const start =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"m","usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
    server = await startMockProviderServer({
      wire: 'anthropic',
      turns: [
        {
          type: 'raw',
          events: [
            start,
            'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
          ],
        },
        { text: 'ok' },
        {
          type: 'raw',
          events: [
            start,
            'event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"bad"}}\n\n',
          ],
        },
      ],
    })
    const client = clientFor(server)
    const first = await collect(client.stream(request()))
    expect(retries(first)).toHaveLength(1)
    expect(first.at(-1)).toMatchObject({ type: 'completed' })
    const second = await collect(client.stream(request()))
    expect(second.at(-1)).toMatchObject({ type: 'error', kind: 'invalid_request', retryable: false })
  })

  test('Responses: response.failed with a server error is retried', async () => {
    const failed = {
      type: 'response.failed',
      sequence_number: 1,
      response: {
        id: 'resp_f',
        status: 'failed',
        error: { code: 'server_error', message: 'The model crashed' },
      },
    }
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          type: 'raw',
          events: [
            'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_f","status":"in_progress"}}\n\n',
            `event: response.failed\ndata: ${JSON.stringify(failed)}\n\n`,
          ],
        },
        { text: 'second time lucky' },
      ],
    })
    const events = await collect(clientFor(server).stream(request()))
    expect(retries(events)[0]?.message).toContain('The model crashed')
    expect(textOf(events)).toBe('second time lucky')
  })
})
