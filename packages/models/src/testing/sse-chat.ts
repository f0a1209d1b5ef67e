// Encodes a scripted turn as a Chat Completions stream: `data:`-only chunks, tool calls as
// index-keyed fragments (id and name first, then argument pieces), a usage chunk with no choices
// when the request asked for it, and `data: [DONE]`.
import {
  argumentsText,
  chunkText,
  type EncodeContext,
  type MockResponseTurn,
  sseEvent,
  turnUsage,
} from './mock-turn.js'

type Json = Record<string, unknown>

export function encodeChatTurn(turn: MockResponseTurn, context: EncodeContext): string[] {
  const size = turn.chunkSize ?? 4
  const request = (context.requestBody ?? {}) as Json
  const base = {
    id: `chatcmpl-mock${context.index}`,
    object: 'chat.completion.chunk',
    created: 1_700_000_000 + context.index,
    model: turn.model ?? String(request.model ?? 'mock-model'),
    system_fingerprint: 'fp_mock',
  }
  const events: string[] = []
  const chunk = (delta: Json, finish: string | null = null) =>
    events.push(sseEvent({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }))
  chunk({ role: 'assistant', content: '' })
  for (const piece of chunkText(turn.reasoning ?? '', size)) chunk({ reasoning_content: piece })
  for (const piece of chunkText(turn.text ?? '', size)) chunk({ content: piece })
  const calls = (turn.toolCalls ?? []).map((call, index) => ({
    index,
    id: call.id ?? `call_mock_${context.index}_${index}`,
    name: call.name,
    pieces: chunkText(argumentsText(call), size),
  }))
  for (const call of calls) {
    const head = {
      index: call.index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: '' },
    }
    if (!turn.interleaveToolCalls) {
      chunk({ tool_calls: [head] })
      for (const piece of call.pieces)
        chunk({ tool_calls: [{ index: call.index, function: { arguments: piece } }] })
    } else {
      chunk({ tool_calls: [head] })
    }
  }
  if (turn.interleaveToolCalls) {
    const longest = Math.max(0, ...calls.map((call) => call.pieces.length))
    for (let i = 0; i < longest; i++) {
      for (const call of calls) {
        const piece = call.pieces[i]
        if (piece !== undefined)
          chunk({ tool_calls: [{ index: call.index, function: { arguments: piece } }] })
      }
    }
  }
  const finish = turn.stopReason === 'max_tokens' ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop'
  chunk({}, finish)
  if ((request.stream_options as Json | undefined)?.include_usage === true) {
    const u = turnUsage(turn)
    events.push(
      sseEvent({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: u.input,
          completion_tokens: u.output,
          total_tokens: u.input + u.output,
          prompt_tokens_details: { cached_tokens: u.cached },
          completion_tokens_details: { reasoning_tokens: u.reasoning },
        },
      }),
    )
  }
  events.push(sseEvent('[DONE]'))
  return events
}
