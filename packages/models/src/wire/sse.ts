// Server-sent events straight from a streamed response body, for the OpenAI wires. Same framing
// and the same outcomes as the OpenAI SDK's own stream (`Stream.fromSSEResponse`), without its
// per-chunk byte copying and stacked generators, which cost more than the rest of a small step.

/** One dispatched SSE message: its `event:` name (null when none) and its `data:` lines joined. */
export interface SseMessage {
  event: string | null
  data: string
}

const COLON = 58
const SPACE = 32

/**
 * Decodes an SSE byte stream (lines end in LF, CRLF or CR; a blank line dispatches; `:` starts a
 * comment; only `event` and `data` matter here). A message the stream ends in the middle of,
 * without its blank line, is dropped, as the SDKs do. Stopping early cancels the body.
 */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let event: string | null = null
  let data: string[] = []
  let finished = false
  try {
    while (!finished) {
      const chunk = await reader.read()
      if (chunk.done) {
        buffer += decoder.decode()
        finished = true
      } else {
        buffer += decoder.decode(chunk.value, { stream: true })
      }
      const ready: SseMessage[] = []
      let start = 0
      // Position of the next CR at or after `start`, or -1; most servers send none at all.
      let cr = buffer.indexOf('\r')
      for (;;) {
        if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start)
        const lf = buffer.indexOf('\n', start)
        let end: number
        let next: number
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          // A CR last in the buffer may be the first half of a CRLF split across chunks.
          if (cr === buffer.length - 1 && !finished) break
          end = cr
          next = buffer.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
        } else if (lf !== -1) {
          end = lf
          next = lf + 1
        } else {
          break
        }
        const line = buffer.slice(start, end)
        start = next
        if (line === '') {
          if (event !== null || data.length > 0) ready.push({ event, data: data.join('\n') })
          event = null
          data = []
          continue
        }
        if (line.charCodeAt(0) === COLON) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        let value = colon === -1 ? '' : line.slice(colon + 1)
        if (value.charCodeAt(0) === SPACE) value = value.slice(1)
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      buffer = start === 0 ? buffer : buffer.slice(start)
      for (const message of ready) yield message
    }
  } finally {
    // The consumer stopped early (or reading failed): stop the download too.
    if (!finished) reader.cancel().catch(() => {})
  }
}

/** The SDK's error class for errors a server reports inside the stream. */
export type ApiErrorClass = new (
  status: number | undefined,
  error: object | undefined,
  message: string | undefined,
  headers: Headers | undefined,
) => Error

/** True for the error a fetch body throws once its request was aborted. */
function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError'
}

/**
 * The JSON payloads of an OpenAI-style event stream (Responses and Chat Completions), with the
 * OpenAI SDK's rules: `[DONE]` ends it, a payload carrying `error` is thrown as the SDK's
 * `APIError`, an unparsable payload throws, and an abort just ends the stream.
 */
export async function* openAiEventPayloads(
  response: Response,
  ApiError: ApiErrorClass,
): AsyncGenerator<unknown> {
  if (!response.body) throw new Error('the model server answered a streaming request without a body')
  let done = false
  try {
    for await (const message of sseMessages(response.body)) {
      if (done) continue
      if (message.data.startsWith('[DONE]')) {
        done = true
        continue
      }
      const payload = JSON.parse(message.data) as { error?: object; message?: string } | null
      if (message.event === null || !message.event.startsWith('thread.')) {
        if (payload?.error) throw new ApiError(undefined, payload.error, undefined, response.headers)
        yield payload
      } else {
        // Assistants-style named events, kept with their name as the SDK does.
        if (message.event === 'error')
          throw new ApiError(undefined, payload?.error, payload?.message, undefined)
        yield { event: message.event, data: payload }
      }
    }
  } catch (error) {
    if (isAbortError(error)) return
    throw error
  }
}
