// A `ModelClient` that answers from a script instead of a network: for tests of anything that
// consumes model streams (core's turn loop, the CLI, users' own agents).
import type {
  ModelClient,
  ModelErrorKind,
  ModelEvent,
  ModelRequest,
  StopReason,
  TokenUsage,
} from '@agent/protocol'
import { sleep } from '../sleep.js'

export interface ScriptedToolCall {
  name: string
  arguments?: string | Record<string, unknown>
  id?: string
}

export interface ScriptedResponse {
  /** Reasoning summary text; an array gives the individual deltas. */
  reasoning?: string | string[]
  /** Assistant text; an array gives the individual deltas. */
  text?: string | string[]
  toolCalls?: ScriptedToolCall[]
  usage?: Partial<TokenUsage>
  stopReason?: StopReason
  /** Wait this long before the first event (abortable). */
  delayMs?: number
  /** End with this error instead of `completed` (after any scripted content). */
  error?: { kind: ModelErrorKind; message: string; retryable?: boolean; status?: number }
  /** Emit exactly these events instead of generating them. */
  events?: ModelEvent[]
}

export type ScriptStep = ScriptedResponse | ((request: ModelRequest, index: number) => ScriptedResponse)

function parts(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : value
}

/** The events a scripted response stands for, in the order a real client emits them. */
export function scriptedEvents(response: ScriptedResponse, index: number): ModelEvent[] {
  if (response.events) return response.events
  const responseId = `resp_scripted_${index}`
  const events: ModelEvent[] = [{ type: 'created', response_id: responseId }]
  const reasoning = parts(response.reasoning)
  if (reasoning.length > 0) {
    for (const delta of reasoning) events.push({ type: 'reasoning_delta', delta, kind: 'summary' })
    events.push({
      type: 'output_item',
      item: { type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning.join('') }] },
    })
  }
  const text = parts(response.text)
  if (text.length > 0) {
    for (const delta of text) events.push({ type: 'text_delta', delta })
    events.push({
      type: 'output_item',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: text.join('') }] },
    })
  }
  const calls = response.toolCalls ?? []
  for (const [i, call] of calls.entries()) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {})
    const callId = call.id ?? `call_scripted_${index}_${i}`
    events.push({
      type: 'output_item',
      item: { type: 'function_call', call_id: callId, name: call.name, arguments: args },
    })
    events.push({ type: 'tool_call', call_id: callId, name: call.name, arguments: args })
  }
  if (response.error) {
    events.push({ type: 'error', retryable: false, ...response.error })
    return events
  }
  const produced = text.join('').length + reasoning.join('').length
  const input = response.usage?.input_tokens ?? 10
  const output = response.usage?.output_tokens ?? Math.max(1, Math.ceil(produced / 4))
  events.push({
    type: 'usage',
    usage: {
      input_tokens: input,
      cached_input_tokens: response.usage?.cached_input_tokens ?? 0,
      output_tokens: output,
      reasoning_output_tokens: response.usage?.reasoning_output_tokens ?? 0,
      total_tokens: response.usage?.total_tokens ?? input + output,
    },
  })
  const stopReason = response.stopReason ?? (calls.length > 0 ? 'tool_calls' : 'end_turn')
  events.push({ type: 'completed', stop_reason: stopReason, response_id: responseId })
  return events
}

/** Answers each `stream` call with the next scripted response and records every request. */
export class ScriptedModelClient implements ModelClient {
  readonly provider: string
  /** Every request received, in order (deep copies, so later mutation by the caller is not seen). */
  readonly requests: ModelRequest[] = []
  private readonly steps: ScriptStep[]

  constructor(steps: ScriptStep[], options: { provider?: string } = {}) {
    this.steps = [...steps]
    this.provider = options.provider ?? 'scripted'
  }

  /** Responses not yet consumed. */
  get remaining(): number {
    return this.steps.length
  }

  /** Adds responses to the end of the script. */
  push(...steps: ScriptStep[]): void {
    this.steps.push(...steps)
  }

  async *stream(request: ModelRequest, options: { signal?: AbortSignal } = {}): AsyncGenerator<ModelEvent> {
    const index = this.requests.length
    this.requests.push(structuredClone(request))
    const step = this.steps.shift()
    if (!step) {
      yield {
        type: 'error',
        kind: 'other',
        message: `ScriptedModelClient: no scripted response left for request #${index + 1}`,
        retryable: false,
      }
      return
    }
    const response = typeof step === 'function' ? step(request, index) : step
    const aborted: ModelEvent = {
      type: 'error',
      kind: 'aborted',
      message: 'the request was aborted',
      retryable: false,
    }
    if (response.delayMs && !(await sleep(response.delayMs, options.signal))) {
      yield aborted
      return
    }
    for (const event of scriptedEvents(response, index)) {
      if (options.signal?.aborted) {
        yield aborted
        return
      }
      yield event
    }
  }
}
