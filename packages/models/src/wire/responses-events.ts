// Normalises OpenAI Responses API stream events into `ModelEvent`s.
import type { ModelEvent, ModelRequest, ReasoningItem, StopReason, WebSearchAction } from '@agent/protocol'
import { failureFromCode } from '../errors.js'
import { customCallArguments, makeUsage, num, validateToolArguments } from './shared.js'

type Json = Record<string, unknown>

function usageOf(response: Json | undefined): ModelEvent | undefined {
  const usage = response?.usage as Json | undefined | null
  if (!usage) return undefined
  return {
    type: 'usage',
    usage: makeUsage({
      input: num(usage.input_tokens),
      cached: num((usage.input_tokens_details as Json | undefined)?.cached_tokens),
      output: num(usage.output_tokens),
      reasoning: num((usage.output_tokens_details as Json | undefined)?.reasoning_tokens),
      total: num(usage.total_tokens) || undefined,
    }),
  }
}

function reasoningItem(item: Json): ReasoningItem {
  const summary = Array.isArray(item.summary) ? (item.summary as Json[]) : []
  const content = Array.isArray(item.content) ? (item.content as Json[]) : []
  const result: ReasoningItem = {
    type: 'reasoning',
    summary: summary.map((part) => ({ type: 'summary_text', text: String(part.text ?? '') })),
  }
  if (typeof item.id === 'string') result.id = item.id
  if (content.length > 0) {
    result.content = content.map((part) => ({ type: 'reasoning_text', text: String(part.text ?? '') }))
  }
  if (typeof item.encrypted_content === 'string') result.encrypted_content = item.encrypted_content
  return result
}

/** A `web_search_call`'s action as the protocol keeps it (every field the API sent survives). */
function searchAction(value: unknown): WebSearchAction | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const action = value as Json
  return typeof action.type === 'string' ? (action as WebSearchAction) : undefined
}

/** Turns the SDK's parsed Responses events into normalised events; throws `ModelFailure`. */
export async function* normaliseResponsesEvents(
  events: AsyncIterable<unknown>,
  request: Pick<ModelRequest, 'tools'> = { tools: [] },
): AsyncGenerator<ModelEvent> {
  const argumentsSoFar = new Map<string, string>()
  const inputSoFar = new Map<string, string>()
  let sawToolCall = false
  let sawRefusal = false
  // Set at the final event. The stream is then read to its end (the server closes it at once)
  // if the caller goes on reading, so the SDK sees the end and keeps the connection instead of
  // aborting the request (see `runWithRetries`); what comes after is ignored.
  let finished = false
  for await (const raw of events) {
    if (finished) continue
    const event = raw as Json
    switch (event.type) {
      case 'response.created': {
        const id = (event.response as Json | undefined)?.id
        yield typeof id === 'string' ? { type: 'created', response_id: id } : { type: 'created' }
        break
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        if (event.type === 'response.refusal.delta') sawRefusal = true
        const delta = String(event.delta ?? '')
        if (delta === '') break
        yield typeof event.item_id === 'string'
          ? { type: 'text_delta', delta, item_id: event.item_id }
          : { type: 'text_delta', delta }
        break
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        const delta = String(event.delta ?? '')
        if (delta === '') break
        const kind = event.type === 'response.reasoning_text.delta' ? 'content' : 'summary'
        yield { type: 'reasoning_delta', delta, kind }
        break
      }
      case 'response.custom_tool_call_input.delta': {
        const key = String(event.item_id ?? event.output_index)
        inputSoFar.set(key, (inputSoFar.get(key) ?? '') + String(event.delta ?? ''))
        break
      }
      case 'response.function_call_arguments.delta': {
        const key = String(event.item_id ?? event.output_index)
        argumentsSoFar.set(key, (argumentsSoFar.get(key) ?? '') + String(event.delta ?? ''))
        break
      }
      case 'response.output_item.added': {
        // A hosted web search starts; its progress events (`response.web_search_call.*`) carry
        // nothing more, and the finished item comes with `response.output_item.done`.
        const item = (event.item ?? {}) as Json
        if (item.type === 'web_search_call' && typeof item.id === 'string') {
          const query = searchAction(item.action)?.query
          yield query
            ? { type: 'web_search_begin', call_id: item.id, query }
            : { type: 'web_search_begin', call_id: item.id }
        }
        break
      }
      case 'response.output_item.done': {
        const item = (event.item ?? {}) as Json
        if (item.type === 'web_search_call') {
          const action = searchAction(item.action)
          yield {
            type: 'output_item',
            item: {
              type: 'web_search_call',
              id: String(item.id ?? ''),
              status: typeof item.status === 'string' ? item.status : 'completed',
              ...(action ? { action } : {}),
            },
          }
        } else if (item.type === 'message') {
          const parts = Array.isArray(item.content) ? (item.content as Json[]) : []
          const content = parts.flatMap((part) => {
            if (part.type === 'output_text')
              return [{ type: 'output_text' as const, text: String(part.text ?? '') }]
            if (part.type === 'refusal') {
              sawRefusal = true
              return [{ type: 'output_text' as const, text: String(part.refusal ?? '') }]
            }
            return []
          })
          yield {
            type: 'output_item',
            item: {
              type: 'message',
              role: 'assistant',
              content,
              ...(typeof item.id === 'string' ? { id: item.id } : {}),
            },
          }
        } else if (item.type === 'reasoning') {
          yield { type: 'output_item', item: reasoningItem(item) }
        } else if (item.type === 'function_call') {
          const name = String(item.name ?? '')
          const key = String(item.id ?? event.output_index)
          const streamed = argumentsSoFar.get(key) ?? argumentsSoFar.get(String(event.output_index))
          const text =
            typeof item.arguments === 'string' && item.arguments !== '' ? item.arguments : (streamed ?? '')
          const args = validateToolArguments(name, text)
          const callId = String(item.call_id ?? item.id ?? '')
          sawToolCall = true
          yield {
            type: 'output_item',
            item: {
              type: 'function_call',
              call_id: callId,
              name,
              arguments: args,
              ...(typeof item.id === 'string' ? { id: item.id } : {}),
            },
          }
          yield { type: 'tool_call', call_id: callId, name, arguments: args }
        } else if (item.type === 'custom_tool_call') {
          // A freeform call: the raw text is the tool's argument, as it would be in the JSON form.
          const name = String(item.name ?? '')
          const key = String(item.id ?? event.output_index)
          const streamed = inputSoFar.get(key) ?? inputSoFar.get(String(event.output_index))
          const input = typeof item.input === 'string' ? item.input : (streamed ?? '')
          const callId = String(item.call_id ?? item.id ?? '')
          sawToolCall = true
          yield {
            type: 'output_item',
            item: {
              type: 'custom_tool_call',
              call_id: callId,
              name,
              input,
              ...(typeof item.id === 'string' ? { id: item.id } : {}),
            },
          }
          yield {
            type: 'tool_call',
            call_id: callId,
            name,
            arguments: customCallArguments(request, { name, input }),
          }
        }
        // Other hosted tools (code interpreter, image generation, MCP...) are not offered by us;
        // whatever such items a server sends are ignored.
        break
      }
      case 'response.completed':
      case 'response.incomplete': {
        const response = event.response as Json | undefined
        const usage = usageOf(response)
        if (usage) yield usage
        let stopReason: StopReason = sawToolCall ? 'tool_calls' : sawRefusal ? 'refusal' : 'end_turn'
        if (event.type === 'response.incomplete') {
          const reason = (response?.incomplete_details as Json | undefined)?.reason
          stopReason =
            reason === 'max_output_tokens'
              ? 'max_tokens'
              : reason === 'content_filter'
                ? 'content_filter'
                : 'other'
        }
        const id = response?.id
        finished = true
        yield typeof id === 'string'
          ? { type: 'completed', stop_reason: stopReason, response_id: id }
          : { type: 'completed', stop_reason: stopReason }
        break
      }
      case 'response.failed': {
        const error = ((event.response as Json | undefined)?.error ?? {}) as Json
        throw failureFromCode(
          typeof error.code === 'string' ? error.code : undefined,
          String(error.message ?? 'the model server reported that the response failed'),
        )
      }
      case 'error': {
        const error = (event.error ?? event) as Json
        const code = error.code ?? error.type
        throw failureFromCode(
          typeof code === 'string' ? code : undefined,
          String(error.message ?? 'the model server reported an error'),
        )
      }
    }
  }
}
