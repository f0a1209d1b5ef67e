// One model request: stream it, turn its events into agent events, hand finished items to the
// history verbatim, collect the tool calls, and report token usage. Every effect goes through the
// step's sink, so the sampling can run as one journaled step.
import {
  type ModelErrorKind,
  type ModelEvent,
  type ModelRequest,
  type ResponseItem,
  type StopReason,
  type TokenUsage,
  webSearchQuery,
} from '@agent/protocol'
import { baseInstructions } from './instructions.js'
import { errorText } from './items.js'
import type { SessionContext, TurnSettings } from './session-context.js'
import type { StepSink } from './steps.js'

export interface SampleResult {
  calls: { call_id: string; name: string; arguments: string }[]
  /** The text of the last assistant message of this response, if it had one. */
  lastMessage?: string
  error?: { kind: ModelErrorKind | 'stream_ended' | 'hook_blocked'; message: string }
  /** Why the response ended, as the model said. */
  stopReason?: StopReason
}

export function buildRequest(session: SessionContext, settings: TurnSettings): ModelRequest {
  const request: ModelRequest = {
    model: settings.model,
    instructions: baseInstructions(session.options),
    input: session.history,
    tools: session.router.specs(),
    parallel_tool_calls: true,
    prompt_cache_key: session.id,
  }
  if (session.options.hostedTools?.length) request.hosted_tools = session.options.hostedTools
  if (settings.effort) request.reasoning_effort = settings.effort
  if (settings.outputSchema) request.output_schema = settings.outputSchema
  return request
}

export async function sampleModel(
  session: SessionContext,
  settings: TurnSettings,
  signal: AbortSignal,
  sink: StepSink,
  /** Called once, at the first event of the stream: the model is answering. */
  onAnswering?: () => void,
): Promise<SampleResult> {
  const result: SampleResult = { calls: [] }
  const emit = sink.emit
  let finished = false
  for await (const event of abortable(
    () => session.options.model.stream(buildRequest(session, settings), { signal }),
    signal,
  )) {
    if (onAnswering) {
      onAnswering()
      onAnswering = undefined
    }
    switch (event.type) {
      case 'text_delta':
        emit({ type: 'agent_message_delta', delta: event.delta })
        break
      case 'reasoning_delta':
        emit({ type: 'agent_reasoning_delta', delta: event.delta })
        break
      case 'output_item':
        sink.record([event.item])
        announceItem(event.item, emit, result)
        break
      case 'web_search_begin':
        emit(
          event.query === undefined
            ? { type: 'web_search_begin', call_id: event.call_id }
            : { type: 'web_search_begin', call_id: event.call_id, query: event.query },
        )
        break
      case 'warning':
        emit({ type: 'warning', message: event.message })
        break
      case 'tool_call':
        result.calls.push({ call_id: event.call_id, name: event.name, arguments: event.arguments })
        break
      case 'usage':
        sink.usage(event.usage)
        break
      case 'retry':
        emit({
          type: 'stream_error',
          message: event.message,
          retrying: true,
          attempt: event.attempt,
          delay_ms: event.delay_ms,
        })
        break
      case 'error':
        if (!signal.aborted) result.error = { kind: event.kind, message: event.message }
        finished = true
        break
      case 'completed':
        result.stopReason = event.stop_reason
        finished = true
        break
      case 'created':
        break
    }
    if (finished) break
  }
  if (!finished && !signal.aborted && !result.error) {
    result.error = { kind: 'stream_ended', message: 'the model stream ended before the response completed' }
  }
  return result
}

/** Adds one response's usage to the session's totals and tells the client. */
export function applyUsage(session: SessionContext, subId: string, usage: TokenUsage): void {
  accountUsage(session, usage)
  session.emit(subId, {
    type: 'token_count',
    info: {
      total_token_usage: session.totalUsage as TokenUsage,
      last_token_usage: usage,
      ...(session.options.contextWindow ? { model_context_window: session.options.contextWindow } : {}),
    },
  })
}

function announceItem(item: ResponseItem, emit: StepSink['emit'], result: SampleResult) {
  if (item.type === 'message' && item.role === 'assistant') {
    const text = item.content
      .map((c) => (c.type === 'output_text' || c.type === 'input_text' ? c.text : ''))
      .join('')
    result.lastMessage = text
    emit({ type: 'agent_message', message: text })
  } else if (item.type === 'web_search_call') {
    // The provider ran it within this response: its end is announced with the item, in order.
    emit({
      type: 'web_search_end',
      call_id: item.id,
      query: webSearchQuery(item),
      status: item.status,
      ...(item.action ? { action: item.action } : {}),
    })
  } else if (item.type === 'reasoning') {
    // A summary where the provider gives one; otherwise the raw reasoning (open models over Chat
    // Completions stream only that).
    const summary = item.summary.map((s) => s.text).join('\n\n')
    const text = summary || (item.content ?? []).map((part) => part.text).join('')
    if (text) emit({ type: 'agent_reasoning', text })
  }
}

export function accountUsage(session: SessionContext, usage: TokenUsage): void {
  session.lastUsage = usage
  const t = session.totalUsage
  session.totalUsage = t
    ? {
        input_tokens: t.input_tokens + usage.input_tokens,
        cached_input_tokens: t.cached_input_tokens + usage.cached_input_tokens,
        output_tokens: t.output_tokens + usage.output_tokens,
        reasoning_output_tokens: t.reasoning_output_tokens + usage.reasoning_output_tokens,
        total_tokens: t.total_tokens + usage.total_tokens,
      }
    : { ...usage }
}

/**
 * Iterates a model stream but stops as soon as `signal` aborts, even when the client is stuck
 * waiting on the network and ignores the signal; the iterator is then told to return.
 */
export async function* abortable(
  open: () => AsyncIterable<ModelEvent>,
  signal: AbortSignal,
): AsyncGenerator<ModelEvent> {
  let iterator: AsyncIterator<ModelEvent>
  try {
    iterator = open()[Symbol.asyncIterator]()
  } catch (error) {
    yield {
      type: 'error',
      kind: 'other',
      message: `model stream failed: ${errorText(error)}`,
      retryable: false,
    }
    return
  }
  let onAbort: (() => void) | undefined
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted')
    if (signal.aborted) resolve('aborted')
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    for (;;) {
      let next: IteratorResult<ModelEvent> | 'aborted'
      try {
        next = await Promise.race([iterator.next(), aborted])
      } catch (error) {
        if (signal.aborted) return
        yield {
          type: 'error',
          kind: 'other',
          message: `model stream failed: ${errorText(error)}`,
          retryable: false,
        }
        return
      }
      if (next === 'aborted' || next.done) return
      yield next.value
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
    // Not awaited: a client stuck on I/O must not hold up the interrupt.
    iterator.return?.()?.catch(() => undefined)
  }
}
