// The mock provider server at the HTTP level, with plain fetch: byte-exact SSE framing, recorded
// requests, errors with Retry-After, raw turns and the end of the script.
import { afterEach, describe, expect, test } from 'vitest'
import { encodeTurn, type MockProviderServer, startMockProviderServer } from './mock-server.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('startMockProviderServer', () => {
  test('serves each wire in its own SSE framing', () => {
    const context = { index: 0, requestBody: { model: 'm', stream_options: { include_usage: true } } }
    const chat = encodeTurn('chat', { text: 'hi' }, context)
    expect(chat[0]).toMatch(/^data: \{"id":"chatcmpl-mock0","object":"chat.completion.chunk",.*\}\n\n$/)
    expect(chat.at(-1)).toBe('data: [DONE]\n\n')
    const responses = encodeTurn('responses', { text: 'hi' }, context)
    expect(responses[0]).toMatch(
      /^event: response\.created\ndata: \{"type":"response\.created",.*"sequence_number":0\}\n\n$/,
    )
    expect(responses.at(-1)).toMatch(/^event: response\.completed\n/)
    const anthropic = encodeTurn('anthropic', { text: 'hi' }, context)
    expect(anthropic[0]).toMatch(/^event: message_start\ndata: /)
    expect(anthropic.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n')
  })

  test('records requests and answers with the next turn on 127.0.0.1', async () => {
    server = await startMockProviderServer({ wire: 'chat', turns: [{ text: 'hello' }] })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.baseUrl).toBe(`${server.url}/v1`)
    expect(server.providerConfig()).toEqual({ base_url: server.baseUrl, wire_api: 'chat' })
    const response = await post(`${server.baseUrl}/chat/completions`, { model: 'x', messages: [] })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const body = await response.text()
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true)
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/chat/completions',
        body: { model: 'x', messages: [] },
      }),
    ])
    expect(server.pending).toBe(0)
    const exhausted = await post(`${server.baseUrl}/chat/completions`, {})
    expect(exhausted.status).toBe(400)
    expect(await exhausted.json()).toMatchObject({
      error: { message: expect.stringContaining('no scripted turn left for request #2') },
    })
  })

  test('waitForRequests resolves when the nth request arrives, with its arrival time', async () => {
    server = await startMockProviderServer({ wire: 'chat', turns: [{ text: 'a' }, { text: 'b' }] })
    const before = performance.now()
    const second = server.waitForRequests(2)
    await (await post(`${server.baseUrl}/chat/completions`, { model: 'x', messages: [] })).text()
    const firstAt = await server.waitForRequests(1)
    expect(firstAt).toBeGreaterThanOrEqual(before)
    await (await post(`${server.baseUrl}/chat/completions`, { model: 'x', messages: [] })).text()
    const secondAt = await second
    expect(secondAt).toBeGreaterThanOrEqual(firstAt)
    // Already reached: the recorded time comes back at once.
    expect(await server.waitForRequests(2)).toBe(secondAt)
    await expect(server.waitForRequests(3, { timeoutMs: 20 })).rejects.toThrow(
      /2 of 3 requests arrived within 20 ms/,
    )
    await expect(server.waitForRequests(0)).rejects.toThrow(/positive integer/)
  })

  test('waitForResponses resolves when the nth response has been sent in full', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'a', delayMs: 5 }] })
    const sent = server.waitForResponses(1)
    const response = await post(`${server.baseUrl}/responses`, { model: 'x', input: [] })
    const arrived = await server.waitForRequests(1)
    await response.text()
    const sentAt = await sent
    // Streamed with a delay between events: the end comes after the request's arrival.
    expect(sentAt).toBeGreaterThan(arrived)
    expect(await server.waitForResponses(1)).toBe(sentAt)
    await expect(server.waitForResponses(2, { timeoutMs: 20 })).rejects.toThrow(
      /1 of 2 responses were sent within 20 ms/,
    )
    await expect(server.waitForResponses(0)).rejects.toThrow(/waitForResponses: count must be a positive/)
  })

  test('errors carry Retry-After and the wire error body', async () => {
    server = await startMockProviderServer({
      wire: 'anthropic',
      turns: [{ type: 'error', status: 429, retryAfter: 7, message: 'wait' }],
    })
    expect(server.baseUrl).toBe(server.url)
    const response = await post(`${server.url}/v1/messages`, {})
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'wait' },
    })
  })

  test('raw turns are served byte for byte, and push adds turns', async () => {
    server = await startMockProviderServer({ wire: 'responses' })
    server.push({
      type: 'raw',
      events: ['data: one\n\n', ': comment\n\n'],
      contentType: 'text/event-stream; charset=utf-8',
    })
    const response = await post(`${server.baseUrl}/responses`, {})
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await response.text()).toBe('data: one\n\n: comment\n\n')
  })

  test('a cut turn breaks the body mid-stream', async () => {
    server = await startMockProviderServer({
      wire: 'chat',
      turns: [{ text: 'abcdefgh', chunkSize: 1, cutAfterEvents: 3 }],
    })
    const response = await post(`${server.baseUrl}/chat/completions`, {})
    await expect(response.text()).rejects.toThrow()
  })

  test('a turn cut inside an event sends the events before it and half of its bytes', async () => {
    const turn = { text: 'abcdefgh', chunkSize: 1 }
    const events = encodeTurn('chat', turn, { index: 0, requestBody: {} })
    server = await startMockProviderServer({ wire: 'chat', turns: [{ ...turn, cutInsideEvent: 2 }] })
    const response = await post(`${server.baseUrl}/chat/completions`, {})
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    let received = ''
    const decoder = new TextDecoder()
    // Whether the client reports the cut as an error or as an early end depends on timing; what
    // matters is the bytes that arrived before it.
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        received += decoder.decode(value, { stream: true })
      }
    } catch {}
    const third = events[2] as string
    expect(received).toBe(`${events[0]}${events[1]}${third.slice(0, Math.floor(third.length / 2))}`)
  })

  test('a held turn answers only once its promise settles', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    server = await startMockProviderServer({
      wire: 'chat',
      turns: [{ type: 'error', status: 503, holdUntil: gate }],
    })
    let answered = false
    const pending = post(`${server.baseUrl}/chat/completions`, {}).then((response) => {
      answered = true
      return response.status
    })
    await server.waitForRequests(1)
    expect(answered).toBe(false)
    release()
    expect(await pending).toBe(503)
  })
})
