// What a scripted turn of the mock provider server looks like, and the helpers the three
// SSE encoders share.

export interface MockToolCall {
  name: string
  /** An object is serialised; a string is sent as is (so malformed JSON can be scripted). */
  arguments: string | Record<string, unknown>
  /** Call id; generated deterministically when absent. */
  id?: string
  /**
   * Responses wire only: send the call as a freeform `custom_tool_call` whose raw input is this
   * text (`arguments` is then ignored). Other wires send the function form `arguments`.
   */
  freeformInput?: string
}

/**
 * A provider-hosted web search the response runs before its text (Responses `web_search_call`,
 * Anthropic `server_tool_use` + `web_search_tool_result`). Chat Completions has none and ignores it.
 */
export interface MockWebSearch {
  query: string
  /** What the search found; the text that follows cites the first (Anthropic citations, Responses annotations). */
  results?: { url: string; title: string }[]
  /** The search fails: Anthropic's `web_search_tool_result_error` code, a `failed` item on Responses. */
  errorCode?: string
}

/** Pacing and faults that apply to any streamed turn. */
export interface MockStreamOptions {
  /** Wait this long before each SSE event. */
  delayMs?: number
  /** Drop the connection (TCP reset) after this many SSE events. */
  cutAfterEvents?: number
  /** Stop sending after this many SSE events but keep the connection open. */
  stallAfterEvents?: number
  /** Send the events before this one and half of its bytes, then drop the connection (a cut mid-event). */
  cutInsideEvent?: number
  /** Answer only once this settles (a test changes the world in between, e.g. frees disk space). */
  holdUntil?: Promise<unknown>
}

/** A successful model response, encoded in the wire's real SSE format. */
export interface MockResponseTurn extends MockStreamOptions {
  type?: 'response'
  reasoning?: string
  /** A hosted web search, streamed before the text. */
  webSearch?: MockWebSearch
  text?: string
  toolCalls?: MockToolCall[]
  usage?: { input?: number; cached?: number; output?: number; reasoning?: number }
  /**
   * `max_tokens` produces the wire's "truncated" ending; `pause_turn` (Anthropic only) a long
   * server-tool turn paused. Default: from the content.
   */
  stopReason?: 'end_turn' | 'tool_calls' | 'max_tokens' | 'pause_turn'
  /** Characters per text/reasoning/argument delta (default 4): many small deltas, like real streams. */
  chunkSize?: number
  /** Chat Completions only: send the tool calls' fragments round-robin instead of one after another. */
  interleaveToolCalls?: boolean
  model?: string
}

/** An HTTP error answer, in the wire's error body format. */
export interface MockErrorTurn {
  type: 'error'
  status: number
  /** `Retry-After` header value (seconds or an HTTP date). */
  retryAfter?: number | string
  message?: string
  /** Replaces the generated JSON body. */
  body?: unknown
  headers?: Record<string, string>
  /** Answer only once this settles. */
  holdUntil?: Promise<unknown>
}

/** Pre-encoded SSE events served byte for byte (each string is one complete event). */
export interface MockRawTurn extends MockStreamOptions {
  type: 'raw'
  events: string[]
  status?: number
  contentType?: string
}

export type MockTurn = MockResponseTurn | MockErrorTurn | MockRawTurn

/** Formats one server-sent event exactly as the providers do. */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data)
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`
}

export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = []
  const step = Math.max(1, size)
  for (let i = 0; i < text.length; i += step) chunks.push(text.slice(i, i + step))
  return chunks
}

export function argumentsText(call: MockToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)
}

/** Token counts for a turn: scripted values, or rough estimates from the text lengths. */
export function turnUsage(turn: MockResponseTurn) {
  const produced =
    (turn.text?.length ?? 0) +
    (turn.reasoning?.length ?? 0) +
    (turn.toolCalls ?? []).reduce((n, call) => n + argumentsText(call).length, 0)
  const reasoning = turn.usage?.reasoning ?? Math.ceil((turn.reasoning?.length ?? 0) / 4)
  return {
    input: turn.usage?.input ?? 100,
    cached: turn.usage?.cached ?? 0,
    output: turn.usage?.output ?? Math.max(1, Math.ceil(produced / 4)),
    reasoning,
  }
}

export interface EncodeContext {
  /** Which request this answers (0-based), for deterministic ids. */
  index: number
  /** The parsed request body, for options that change the stream (e.g. `include_usage`). */
  requestBody: unknown
}
