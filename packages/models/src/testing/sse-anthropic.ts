// Encodes a scripted turn as an Anthropic Messages stream: `message_start`, content blocks
// (thinking with a signature, text, tool_use with `input_json_delta` pieces), `ping`,
// `message_delta` with the stop reason and output tokens, `message_stop`.
import {
  argumentsText,
  chunkText,
  type EncodeContext,
  type MockResponseTurn,
  sseEvent,
  turnUsage,
} from './mock-turn.js'

type Json = Record<string, unknown>

export function encodeAnthropicTurn(turn: MockResponseTurn, context: EncodeContext): string[] {
  const size = turn.chunkSize ?? 4
  const events: string[] = []
  const emit = (data: Json) => events.push(sseEvent(data, String(data.type)))
  const u = turnUsage(turn)
  const request = (context.requestBody ?? {}) as Json
  emit({
    type: 'message_start',
    message: {
      id: `msg_mock_${context.index}`,
      type: 'message',
      role: 'assistant',
      model: turn.model ?? String(request.model ?? 'mock-model'),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: u.input - u.cached,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: u.cached,
        output_tokens: 1,
      },
    },
  })
  let index = 0
  if (turn.reasoning !== undefined) {
    emit({
      type: 'content_block_start',
      index,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    })
    for (const thinking of chunkText(turn.reasoning, size)) {
      emit({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } })
    }
    emit({
      type: 'content_block_delta',
      index,
      delta: { type: 'signature_delta', signature: `EqMockSignature${context.index}==` },
    })
    emit({ type: 'content_block_stop', index })
    index++
  }
  emit({ type: 'ping' })
  const search = turn.webSearch
  if (search) {
    const id = `srvtoolu_mock_${context.index}`
    emit({
      type: 'content_block_start',
      index,
      content_block: { type: 'server_tool_use', id, name: 'web_search', input: {} },
    })
    for (const partial_json of ['', ...chunkText(JSON.stringify({ query: search.query }), size)]) {
      emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } })
    }
    emit({ type: 'content_block_stop', index })
    index++
    // The results arrive whole, in the block's start, with no deltas.
    const content =
      search.errorCode !== undefined
        ? { type: 'web_search_tool_result_error', error_code: search.errorCode }
        : (search.results ?? []).map((result, i) => ({
            type: 'web_search_result',
            title: result.title,
            url: result.url,
            encrypted_content: `EqMockPage${context.index}_${i}==`,
            page_age: 'April 30, 2025',
          }))
    emit({
      type: 'content_block_start',
      index,
      content_block: { type: 'web_search_tool_result', tool_use_id: id, content },
    })
    emit({ type: 'content_block_stop', index })
    index++
  }
  if (turn.text !== undefined) {
    emit({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
    const cited = search?.errorCode === undefined ? search?.results?.[0] : undefined
    if (cited) {
      // Cited text: the citation comes first, as a delta of its own, then the text it backs.
      const citation = {
        type: 'web_search_result_location',
        cited_text: turn.text.slice(0, 150),
        url: cited.url,
        title: cited.title,
        encrypted_index: `EqMockIndex${context.index}==`,
      }
      emit({ type: 'content_block_delta', index, delta: { type: 'citations_delta', citation } })
    }
    for (const text of chunkText(turn.text, size)) {
      emit({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } })
    }
    emit({ type: 'content_block_stop', index })
    index++
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    const id = call.id ?? `toolu_mock_${context.index}_${i}`
    emit({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id, name: call.name, input: {} },
    })
    for (const partial_json of ['', ...chunkText(argumentsText(call), size)]) {
      emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } })
    }
    emit({ type: 'content_block_stop', index })
    index++
  }
  const stop_reason =
    turn.stopReason === 'max_tokens' || turn.stopReason === 'pause_turn'
      ? turn.stopReason
      : (turn.toolCalls?.length ?? 0) > 0
        ? 'tool_use'
        : 'end_turn'
  emit({
    type: 'message_delta',
    delta: { stop_reason, stop_sequence: null },
    usage: {
      output_tokens: u.output,
      ...(search ? { server_tool_use: { web_search_requests: 1 } } : {}),
    },
  })
  emit({ type: 'message_stop' })
  return events
}
