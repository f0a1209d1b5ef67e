// Normalises Anthropic Messages stream events into `ModelEvent`s.
import type { ModelEvent, StopReason, TokenUsage, WebSearchCallItem } from '@agent/protocol'
import { makeUsage, num, validateToolArguments } from './shared.js'

type Json = Record<string, unknown>

interface Block {
  type: string
  text: string
  signature: string | undefined
  json: string
  start: Json
  /** A text block's citations (web search results it quotes), from the start and `citations_delta`s. */
  citations: Json[]
}

/** A hosted search whose `server_tool_use` block ended and whose result block has not come yet. */
interface PendingSearch {
  query: string | undefined
}

function searchQuery(json: string, start: Json): string | undefined {
  let input: unknown = start.input
  if (json !== '') {
    try {
      input = JSON.parse(json)
    } catch {
      return undefined
    }
  }
  const query = (input as Json | undefined)?.query
  return typeof query === 'string' ? query : undefined
}

function searchItem(id: string, pending: PendingSearch | undefined, result?: unknown): WebSearchCallItem {
  // The result is an array of `web_search_result`s, or a `web_search_tool_result_error` object.
  const failed =
    result === undefined ||
    (typeof result === 'object' &&
      result !== null &&
      !Array.isArray(result) &&
      (result as Json).type !== undefined)
  return {
    type: 'web_search_call',
    id,
    status: result === undefined ? 'in_progress' : failed ? 'failed' : 'completed',
    action: { type: 'search', ...(pending?.query !== undefined ? { query: pending.query } : {}) },
    ...(result !== undefined ? { anthropic_result: result } : {}),
  }
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  stop_sequence: 'end_turn',
  tool_use: 'tool_calls',
  max_tokens: 'max_tokens',
  model_context_window_exceeded: 'max_tokens',
  refusal: 'refusal',
  pause_turn: 'pause_turn',
}

export async function* normaliseAnthropicEvents(events: AsyncIterable<unknown>): AsyncGenerator<ModelEvent> {
  let messageId: string | undefined
  let blocks = new Map<number, Block>()
  let stopReason: StopReason = 'end_turn'
  let sawToolCall = false
  // Hosted searches by `server_tool_use` id, until their `web_search_tool_result` arrives.
  const searches = new Map<string, PendingSearch>()
  const usage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 }
  const readUsage = (u: Json | undefined) => {
    if (!u) return
    if (typeof u.input_tokens === 'number') usage.input = u.input_tokens
    if (typeof u.cache_read_input_tokens === 'number') usage.cacheRead = u.cache_read_input_tokens
    if (typeof u.cache_creation_input_tokens === 'number') usage.cacheWrite = u.cache_creation_input_tokens
    if (typeof u.output_tokens === 'number') usage.output = u.output_tokens
  }
  // Set at message_stop; what follows is read and ignored (see normaliseResponsesEvents).
  let finished = false
  for await (const raw of events) {
    if (finished) continue
    const event = raw as Json
    switch (event.type) {
      case 'message_start': {
        const message = (event.message ?? {}) as Json
        const id = typeof message.id === 'string' ? message.id : undefined
        if (messageId !== undefined) {
          // A repeated start of the same message is noise; a different one replaces the
          // unfinished blocks of the first.
          if (id !== messageId) blocks = new Map()
          messageId = id
          break
        }
        messageId = id
        readUsage(message.usage as Json | undefined)
        yield id === undefined ? { type: 'created' } : { type: 'created', response_id: id }
        break
      }
      case 'content_block_start': {
        const start = (event.content_block ?? {}) as Json
        blocks.set(num(event.index), {
          type: String(start.type),
          text:
            typeof start.text === 'string'
              ? start.text
              : typeof start.thinking === 'string'
                ? start.thinking
                : '',
          signature: typeof start.signature === 'string' ? start.signature : undefined,
          json: '',
          start,
          citations: Array.isArray(start.citations) ? (start.citations as Json[]) : [],
        })
        if (start.type === 'server_tool_use' && start.name === 'web_search' && typeof start.id === 'string') {
          yield { type: 'web_search_begin', call_id: start.id }
        }
        break
      }
      case 'content_block_delta': {
        const block = blocks.get(num(event.index))
        const delta = (event.delta ?? {}) as Json
        if (!block) break
        if (delta.type === 'text_delta' && typeof delta.text === 'string') {
          block.text += delta.text
          if (delta.text !== '') yield { type: 'text_delta', delta: delta.text }
        } else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          block.text += delta.thinking
          if (delta.thinking !== '') yield { type: 'reasoning_delta', delta: delta.thinking, kind: 'content' }
        } else if (delta.type === 'signature_delta' && typeof delta.signature === 'string') {
          block.signature = (block.signature ?? '') + delta.signature
        } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          block.json += delta.partial_json
        } else if (delta.type === 'citations_delta' && typeof delta.citation === 'object' && delta.citation) {
          block.citations.push(delta.citation as Json)
        }
        break
      }
      case 'content_block_stop': {
        const index = num(event.index)
        const block = blocks.get(index)
        blocks.delete(index)
        if (!block) break
        if (block.type === 'text' && block.text !== '') {
          const citations = block.citations.length > 0 ? { citations: block.citations } : {}
          yield {
            type: 'output_item',
            item: {
              type: 'message',
              role: 'assistant',
              content: [{ type: 'output_text', text: block.text, ...citations }],
            },
          }
        } else if (block.type === 'thinking') {
          yield {
            type: 'output_item',
            item: {
              type: 'reasoning',
              summary: [],
              content: [{ type: 'reasoning_text', text: block.text }],
              ...(block.signature !== undefined ? { signature: block.signature } : {}),
            },
          }
        } else if (block.type === 'redacted_thinking') {
          yield {
            type: 'output_item',
            item: {
              type: 'reasoning',
              summary: [],
              encrypted_content: String(block.start.data ?? ''),
              redacted: true,
            },
          }
        } else if (block.type === 'tool_use') {
          const name = String(block.start.name ?? '')
          const callId = String(block.start.id ?? '')
          const text = block.json !== '' ? block.json : JSON.stringify(block.start.input ?? {})
          const args = validateToolArguments(name, text)
          sawToolCall = true
          yield {
            type: 'output_item',
            item: { type: 'function_call', call_id: callId, name, arguments: args },
          }
          yield { type: 'tool_call', call_id: callId, name, arguments: args }
        } else if (block.type === 'server_tool_use' && block.start.name === 'web_search') {
          // The search's item is complete once its result block has come.
          searches.set(String(block.start.id ?? ''), { query: searchQuery(block.json, block.start) })
        } else if (block.type === 'web_search_tool_result') {
          const id = String(block.start.tool_use_id ?? '')
          const pending = searches.get(id)
          searches.delete(id)
          yield { type: 'output_item', item: searchItem(id, pending, block.start.content ?? []) }
        }
        // Other server-side tools (code execution, web fetch...) are not offered by us; ignored.
        break
      }
      case 'message_delta': {
        const delta = (event.delta ?? {}) as Json
        if (typeof delta.stop_reason === 'string') {
          stopReason = STOP_REASONS[delta.stop_reason] ?? 'other'
        }
        readUsage(event.usage as Json | undefined)
        break
      }
      case 'message_stop': {
        // A search whose result never came is still shown (it is not sent back: Anthropic
        // accepts a server_tool_use only with its result).
        for (const [id, pending] of searches) yield { type: 'output_item', item: searchItem(id, pending) }
        searches.clear()
        // Anthropic counts cached input separately; the normalised input includes it.
        const input = usage.input + usage.cacheRead + usage.cacheWrite
        const total: TokenUsage = makeUsage({ input, cached: usage.cacheRead, output: usage.output })
        yield { type: 'usage', usage: total }
        if (sawToolCall && stopReason === 'end_turn') stopReason = 'tool_calls'
        finished = true
        yield messageId === undefined
          ? { type: 'completed', stop_reason: stopReason }
          : { type: 'completed', stop_reason: stopReason, response_id: messageId }
        break
      }
    }
  }
}
