// The SSE decoder against bodies cut at every awkward place, and the OpenAI stream rules on top.
import { APIError } from 'openai'
import { describe, expect, test } from 'vitest'
import { openAiEventPayloads, type SseMessage, sseMessages } from './sse.js'

const encoder = new TextEncoder()

/** A body that delivers `parts` as separate chunks (strings are UTF-8 encoded). */
function body(parts: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(typeof part === 'string' ? encoder.encode(part) : part)
      controller.close()
    },
  })
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

describe('sseMessages', () => {
  test('dispatches on blank lines with LF, CRLF or CR endings, joining data lines', async () => {
    const text =
      'event: a\ndata: 1\n\n' +
      'event: b\r\ndata: x\r\ndata: y\r\n\r\n' +
      'data:no-space\r\r' +
      ': comment\n\n'
    expect(await collect(sseMessages(body([text])))).toEqual<SseMessage[]>([
      { event: 'a', data: '1' },
      { event: 'b', data: 'x\ny' },
      { event: null, data: 'no-space' },
    ])
  })

  test('gives the same messages however the bytes are split, even inside CRLF and UTF-8', async () => {
    const text = 'event: delta\r\ndata: {"text":"héllo → ✓"}\r\n\r\nevent: done\ndata: {}\n\n'
    const bytes = encoder.encode(text)
    const whole = await collect(sseMessages(body([bytes])))
    expect(whole).toEqual([
      { event: 'delta', data: '{"text":"héllo → ✓"}' },
      { event: 'done', data: '{}' },
    ])
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = await collect(sseMessages(body([bytes.subarray(0, cut), bytes.subarray(cut)])))
      expect(split, `split at byte ${cut}`).toEqual(whole)
    }
    const oneByteAtATime = [...bytes].map((b) => Uint8Array.of(b))
    expect(await collect(sseMessages(body(oneByteAtATime)))).toEqual(whole)
  })

  test('drops a message the stream ends in the middle of, and ignores other fields', async () => {
    const messages = await collect(sseMessages(body(['id: 7\nretry: 10\ndata: kept\n\n', 'data: cut off'])))
    expect(messages).toEqual([{ event: null, data: 'kept' }])
  })

  test('stopping early cancels the body', async () => {
    let cancelled = false
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: 1\n\n'))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const message of sseMessages(stream)) {
      expect(message.data).toBe('1')
      break
    }
    expect(cancelled).toBe(true)
  })
})

const response = (text: string) =>
  new Response(body([text]), { headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_1' } })

describe('openAiEventPayloads', () => {
  test('yields parsed payloads up to [DONE] and ignores what follows', async () => {
    const text =
      'data: {"a":1}\n\nevent: response.completed\ndata: {"b":2}\n\ndata: [DONE]\n\ndata: {"c":3}\n\n'
    expect(await collect(openAiEventPayloads(response(text), APIError))).toEqual([{ a: 1 }, { b: 2 }])
  })

  test('a payload with an error is thrown as the SDK APIError', async () => {
    const text = 'data: {"a":1}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n'
    const seen: unknown[] = []
    const failure = await (async () => {
      for await (const payload of openAiEventPayloads(response(text), APIError)) seen.push(payload)
    })().catch((error: unknown) => error)
    expect(seen).toEqual([{ a: 1 }])
    expect(failure).toBeInstanceOf(APIError)
    expect((failure as APIError).error).toEqual({ message: 'overloaded', type: 'server_error' })
    expect((failure as APIError).message).toContain('overloaded')
  })

  test('unparsable JSON throws; an aborted body just ends the stream', async () => {
    await expect(collect(openAiEventPayloads(response('data: {oops\n\n'), APIError))).rejects.toThrow(
      SyntaxError,
    )
    let pulls = 0
    const aborting = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(encoder.encode('data: {"a":1}\n\n'))
        else controller.error(new DOMException('This operation was aborted', 'AbortError'))
      },
    })
    expect(await collect(openAiEventPayloads(new Response(aborting), APIError))).toEqual([{ a: 1 }])
  })
})
