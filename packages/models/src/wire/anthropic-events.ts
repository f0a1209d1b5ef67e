// Normalises Anthropic Messages stream events into `ModelEvent`s.
import type { ModelEvent, StopReason, TokenUsage } from '@agent/protocol'
import { makeUsage, num, validateToolArguments } from './shared.js'

type Json = Record<string, unknown>

interface Block {
  type: string
  text: string
  signature: string | undefined
  json: string
  start: Json
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  stop_sequence: 'end_turn',
  tool_use: 'tool_calls',
  max_tokens: 'max_tokens',
  model_context_window_exceeded: 'max_tokens',
  refusal: 'refusal',
}

export async function* normaliseAnthropicEvents(events: AsyncIterable<unknown>): AsyncGenerator<ModelEvent> {
  let messageId: string | undefined
  let blocks = new Map<number, Block>()
  let stopReason: StopReason = 'end_turn'
  let sawToolCall = false
  const usage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 }
  const readUsage = (u: Json | undefined) => {
    if (!u) return
    if (typeof u.input_tokens === 'number') usage.input = u.input_tokens
    if (typeof u.cache_read_input_tokens === 'number') usage.cacheRead = u.cache_read_input_tokens
    if (typeof u.cache_creation_input_tokens === 'number') usage.cacheWrite = u.cache_creation_input_tokens
    if (typeof u.output_tokens === 'number') usage.output = u.output_tokens
  }
  for await (const raw of events) {
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
        })
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
        }
        break
      }
      case 'content_block_stop': {
        const index = num(event.index)
        const block = blocks.get(index)
        blocks.delete(index)
        if (!block) break
        if (block.type === 'text' && block.text !== '') {
          yield {
            type: 'output_item',
            item: {
              type: 'message',
              role: 'assistant',
              content: [{ type: 'output_text', text: block.text }],
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
        }
        // Server-side tools (web search, code execution...) are not ours to run; ignored.
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
        // Anthropic counts cached input separately; the normalised input includes it.
        const input = usage.input + usage.cacheRead + usage.cacheWrite
        const total: TokenUsage = makeUsage({ input, cached: usage.cacheRead, output: usage.output })
        yield { type: 'usage', usage: total }
        if (sawToolCall && stopReason === 'end_turn') stopReason = 'tool_calls'
        yield messageId === undefined
          ? { type: 'completed', stop_reason: stopReason }
          : { type: 'completed', stop_reason: stopReason, response_id: messageId }
        return
      }
    }
  }
}
