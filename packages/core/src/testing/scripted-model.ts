// A ModelClient that plays back scripted responses as protocol ModelEvents and records every
// request, for tests of the agent and of embedders' own tools.
import type { ModelClient, ModelEvent, ModelRequest, ResponseItem, TokenUsage } from '@agent/protocol'

/** One step of a scripted response. */
export type ScriptStep =
  | { type: 'text'; text: string; deltas?: number }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; name: string; arguments: unknown; callId?: string }
  | { type: 'usage'; usage: Partial<TokenUsage> & { input_tokens: number; output_tokens: number } }
  | { type: 'retry'; message: string; delayMs?: number }
  | { type: 'error'; kind?: Extract<ModelEvent, { type: 'error' }>['kind']; message: string }
  /** Waits before the next step (honours abort). */
  | { type: 'delay'; ms: number }
  /** Never finishes unless aborted: for interrupt tests. */
  | { type: 'hang' }

export type ScriptedResponse = ScriptStep[] | ((request: ModelRequest) => ScriptStep[])

export const reply = {
  text: (text: string): ScriptStep => ({ type: 'text', text }),
  reasoning: (text: string): ScriptStep => ({ type: 'reasoning', text }),
  toolCall: (name: string, args: unknown, callId?: string): ScriptStep => ({
    type: 'tool_call',
    name,
    arguments: args,
    ...(callId ? { callId } : {}),
  }),
  usage: (input: number, output: number): ScriptStep => ({
    type: 'usage',
    usage: { input_tokens: input, output_tokens: output },
  }),
  error: (message: string, kind: Extract<ModelEvent, { type: 'error' }>['kind'] = 'server'): ScriptStep => ({
    type: 'error',
    kind,
    message,
  }),
  delay: (ms: number): ScriptStep => ({ type: 'delay', ms }),
  hang: (): ScriptStep => ({ type: 'hang' }),
}

export class ScriptedModel implements ModelClient {
  readonly provider: string
  readonly requests: ModelRequest[] = []
  private readonly script: ScriptedResponse[]
  private calls = 0

  /** `responses` are played in order, one per request; `fallback` answers once they run out. */
  constructor(
    responses: ScriptedResponse[],
    private readonly options: {
      provider?: string
      fallback?: ScriptedResponse
      recordRequests?: boolean
    } = {},
  ) {
    this.script = [...responses]
    this.provider = options.provider ?? 'scripted'
  }

  /** Appends more responses (e.g. from inside a test while a session runs). */
  push(...responses: ScriptedResponse[]): void {
    this.script.push(...responses)
  }

  get remaining(): number {
    return this.script.length
  }

  async *stream(request: ModelRequest, options: { signal?: AbortSignal } = {}): AsyncIterable<ModelEvent> {
    if (this.options.recordRequests !== false) this.requests.push(structuredClone(request))
    const n = ++this.calls
    const next = this.script.shift() ?? this.options.fallback
    if (!next) {
      yield {
        type: 'error',
        kind: 'invalid_request',
        message: `scripted model: no response scripted for request ${n}`,
        retryable: false,
      }
      return
    }
    const steps = typeof next === 'function' ? next(request) : next
    yield { type: 'created', response_id: `resp_${n}` }
    let calls = 0
    let sawCall = false
    for (const step of steps) {
      switch (step.type) {
        case 'text': {
          const id = `msg_${n}_${calls++}`
          const parts = Math.max(1, step.deltas ?? 1)
          const size = Math.ceil(step.text.length / parts)
          for (let i = 0; i < step.text.length; i += size) {
            yield { type: 'text_delta', delta: step.text.slice(i, i + size), item_id: id }
          }
          const item: ResponseItem = {
            type: 'message',
            id,
            role: 'assistant',
            content: [{ type: 'output_text', text: step.text }],
          }
          yield { type: 'output_item', item }
          break
        }
        case 'reasoning':
          yield { type: 'reasoning_delta', delta: step.text, kind: 'summary' }
          yield {
            type: 'output_item',
            item: { type: 'reasoning', summary: [{ type: 'summary_text', text: step.text }] },
          }
          break
        case 'tool_call': {
          const callId = step.callId ?? `call_${n}_${calls++}`
          const args = typeof step.arguments === 'string' ? step.arguments : JSON.stringify(step.arguments)
          yield {
            type: 'output_item',
            item: { type: 'function_call', call_id: callId, name: step.name, arguments: args },
          }
          yield { type: 'tool_call', call_id: callId, name: step.name, arguments: args }
          sawCall = true
          break
        }
        case 'usage': {
          const u = step.usage
          yield {
            type: 'usage',
            usage: {
              input_tokens: u.input_tokens,
              output_tokens: u.output_tokens,
              cached_input_tokens: u.cached_input_tokens ?? 0,
              reasoning_output_tokens: u.reasoning_output_tokens ?? 0,
              total_tokens: u.total_tokens ?? u.input_tokens + u.output_tokens,
            },
          }
          break
        }
        case 'retry':
          yield { type: 'retry', attempt: 1, delay_ms: step.delayMs ?? 0, message: step.message }
          break
        case 'error':
          yield { type: 'error', kind: step.kind ?? 'server', message: step.message, retryable: false }
          return
        case 'delay':
          await sleep(step.ms, options.signal)
          break
        case 'hang':
          await sleep(Number.POSITIVE_INFINITY, options.signal)
          break
      }
      if (options.signal?.aborted) return
    }
    yield { type: 'completed', stop_reason: sawCall ? 'tool_calls' : 'end_turn', response_id: `resp_${n}` }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined
    function done() {
      if (timer) clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
