// Normalises Chat Completions stream chunks into `ModelEvent`s. Tool calls arrive as fragments
// keyed by index (possibly interleaved); they are complete only when the choice finishes.
import type { ModelEvent, StopReason } from '@agent/protocol'
import { ModelFailure } from '../errors.js'
import { makeUsage, newCallId, num, validateToolArguments } from './shared.js'

type Json = Record<string, unknown>

interface PendingCall {
  id: string | undefined
  name: string
  arguments: string
}

function stopReasonOf(finish: string, hasToolCalls: boolean): StopReason {
  switch (finish) {
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls'
    case 'length':
      return 'max_tokens'
    case 'content_filter':
      return 'content_filter'
    case 'stop':
      return hasToolCalls ? 'tool_calls' : 'end_turn'
    default:
      return hasToolCalls ? 'tool_calls' : 'other'
  }
}

function* finishedItems(
  reasoning: string,
  text: string,
  calls: Map<number, PendingCall>,
): Generator<ModelEvent> {
  if (reasoning !== '') {
    yield {
      type: 'output_item',
      item: { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: reasoning }] },
    }
  }
  if (text !== '') {
    yield {
      type: 'output_item',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] },
    }
  }
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call)
  // Validate every call before emitting any, so a malformed one can still be retried cleanly.
  const finished = ordered.map((call) => {
    if (call.name === '') {
      throw new ModelFailure({
        kind: 'bad_response',
        message: 'the server sent a tool call without a name',
        retryable: true,
      })
    }
    return {
      call_id: call.id ?? newCallId(),
      name: call.name,
      arguments: validateToolArguments(call.name, call.arguments),
    }
  })
  for (const call of finished) {
    yield { type: 'output_item', item: { type: 'function_call', ...call } }
    yield { type: 'tool_call', ...call }
  }
}

export async function* normaliseChatChunks(chunks: AsyncIterable<unknown>): AsyncGenerator<ModelEvent> {
  let created = false
  let text = ''
  let reasoning = ''
  let refusal = false
  let finish: string | undefined
  let usage: ModelEvent | undefined
  let responseId: string | undefined
  const calls = new Map<number, PendingCall>()
  let toolCallCount = 0
  for await (const raw of chunks) {
    const chunk = raw as Json
    if (!created && typeof chunk.id === 'string' && chunk.id !== '') {
      created = true
      responseId = chunk.id
      yield { type: 'created', response_id: chunk.id }
    }
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : []
    // Only the first choice is requested (n = 1).
    const choice = choices.find((c) => num(c.index) === 0)
    const delta = (choice?.delta ?? {}) as Json
    const reasoningDelta = delta.reasoning_content ?? delta.reasoning
    if (typeof reasoningDelta === 'string' && reasoningDelta !== '') {
      reasoning += reasoningDelta
      yield { type: 'reasoning_delta', delta: reasoningDelta, kind: 'content' }
    }
    for (const field of ['content', 'refusal'] as const) {
      const value = delta[field]
      if (typeof value === 'string' && value !== '') {
        if (field === 'refusal') refusal = true
        text += value
        yield { type: 'text_delta', delta: value }
      }
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const fragment of delta.tool_calls as Json[]) {
        const fn = (fragment.function ?? {}) as Json
        let index = typeof fragment.index === 'number' ? fragment.index : undefined
        if (index === undefined) {
          // Some servers omit the index; match by id or treat it as the next call.
          const byId = [...calls.entries()].find(
            ([, call]) => fragment.id !== undefined && call.id === fragment.id,
          )
          index = byId ? byId[0] : calls.size
        }
        const call = calls.get(index) ?? { id: undefined, name: '', arguments: '' }
        if (typeof fragment.id === 'string' && fragment.id !== '' && call.id === undefined)
          call.id = fragment.id
        if (typeof fn.name === 'string' && fn.name !== '' && call.name === '') call.name = fn.name
        if (typeof fn.arguments === 'string') call.arguments += fn.arguments
        calls.set(index, call)
      }
    }
    if (typeof choice?.finish_reason === 'string' && finish === undefined) {
      finish = choice.finish_reason
      // The choice is complete: its items go out now, before the trailing usage chunk.
      toolCallCount = calls.size
      yield* finishedItems(reasoning, text, calls)
    }
    const u = chunk.usage as Json | null | undefined
    if (u) {
      usage = {
        type: 'usage',
        usage: makeUsage({
          input: num(u.prompt_tokens),
          cached: num((u.prompt_tokens_details as Json | undefined)?.cached_tokens),
          output: num(u.completion_tokens),
          reasoning: num((u.completion_tokens_details as Json | undefined)?.reasoning_tokens),
          total: num(u.total_tokens) || undefined,
        }),
      }
    }
  }
  if (finish === undefined) {
    throw new ModelFailure({
      kind: 'network',
      message: 'the stream ended before the model finished (no finish_reason)',
      retryable: true,
    })
  }
  if (usage) yield usage
  const stopReason = refusal && toolCallCount === 0 ? 'refusal' : stopReasonOf(finish, toolCallCount > 0)
  yield responseId === undefined
    ? { type: 'completed', stop_reason: stopReason }
    : { type: 'completed', stop_reason: stopReason, response_id: responseId }
}
