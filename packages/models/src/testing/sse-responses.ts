// Encodes a scripted turn as an OpenAI Responses API event stream (`event:` + `data:` lines,
// sequence numbers, the item lifecycle of added → deltas → done, usage on `response.completed`).
import {
  argumentsText,
  chunkText,
  type EncodeContext,
  type MockResponseTurn,
  type MockToolCall,
  sseEvent,
  turnUsage,
} from './mock-turn.js'

type Json = Record<string, unknown>

export function encodeResponsesTurn(turn: MockResponseTurn, context: EncodeContext): string[] {
  const events: string[] = []
  let sequence = 0
  const emit = (data: Json) => {
    events.push(sseEvent({ ...data, sequence_number: sequence++ }, String(data.type)))
  }
  const size = turn.chunkSize ?? 4
  const id = `resp_mock_${context.index}`
  const model = turn.model ?? String((context.requestBody as Json | undefined)?.model ?? 'mock-model')
  const response = (status: string, output: Json[], extra: Json = {}) => ({
    id,
    object: 'response',
    created_at: 1_700_000_000 + context.index,
    status,
    error: null,
    incomplete_details: null,
    model,
    output,
    parallel_tool_calls: true,
    store: false,
    usage: null,
    ...extra,
  })
  emit({ type: 'response.created', response: response('in_progress', []) })
  emit({ type: 'response.in_progress', response: response('in_progress', []) })
  const output: Json[] = []
  if (turn.reasoning !== undefined) {
    const item_id = `rs_mock_${context.index}`
    const output_index = output.length
    emit({
      type: 'response.output_item.added',
      output_index,
      item: { id: item_id, type: 'reasoning', summary: [] },
    })
    const part = { type: 'summary_text', text: '' }
    emit({ type: 'response.reasoning_summary_part.added', item_id, output_index, summary_index: 0, part })
    for (const delta of chunkText(turn.reasoning, size)) {
      emit({ type: 'response.reasoning_summary_text.delta', item_id, output_index, summary_index: 0, delta })
    }
    const text = turn.reasoning
    emit({ type: 'response.reasoning_summary_text.done', item_id, output_index, summary_index: 0, text })
    emit({
      type: 'response.reasoning_summary_part.done',
      item_id,
      output_index,
      summary_index: 0,
      part: { type: 'summary_text', text },
    })
    const item = {
      id: item_id,
      type: 'reasoning',
      summary: [{ type: 'summary_text', text }],
      encrypted_content: `gAAAA_mock_encrypted_${context.index}`,
    }
    emit({ type: 'response.output_item.done', output_index, item })
    output.push(item)
  }
  if (turn.webSearch) {
    const search = turn.webSearch
    const item_id = `ws_mock_${context.index}`
    const output_index = output.length
    emit({
      type: 'response.output_item.added',
      output_index,
      item: { id: item_id, type: 'web_search_call', status: 'in_progress' },
    })
    emit({ type: 'response.web_search_call.in_progress', item_id, output_index })
    emit({ type: 'response.web_search_call.searching', item_id, output_index })
    const failed = search.errorCode !== undefined
    if (!failed) emit({ type: 'response.web_search_call.completed', item_id, output_index })
    const item = {
      id: item_id,
      type: 'web_search_call',
      status: failed ? 'failed' : 'completed',
      // The API lists the sources only when the request asked for them.
      action: {
        type: 'search',
        query: search.query,
        ...(asked(context, 'web_search_call.action.sources')
          ? { sources: (search.results ?? []).map((result) => ({ type: 'url', url: result.url })) }
          : {}),
      },
    }
    emit({ type: 'response.output_item.done', output_index, item })
    output.push(item)
  }
  if (turn.text !== undefined) {
    const item_id = `msg_mock_${context.index}`
    const output_index = output.length
    const base = { id: item_id, type: 'message', role: 'assistant' }
    emit({
      type: 'response.output_item.added',
      output_index,
      item: { ...base, status: 'in_progress', content: [] },
    })
    const empty = { type: 'output_text', text: '', annotations: [] }
    emit({ type: 'response.content_part.added', item_id, output_index, content_index: 0, part: empty })
    for (const delta of chunkText(turn.text, size)) {
      emit({
        type: 'response.output_text.delta',
        item_id,
        output_index,
        content_index: 0,
        delta,
        logprobs: [],
      })
    }
    emit({
      type: 'response.output_text.done',
      item_id,
      output_index,
      content_index: 0,
      text: turn.text,
      logprobs: [],
    })
    const cited = turn.webSearch?.results?.[0]
    const annotations = cited
      ? [
          {
            type: 'url_citation',
            start_index: 0,
            end_index: turn.text.length,
            url: cited.url,
            title: cited.title,
          },
        ]
      : []
    if (cited) {
      emit({
        type: 'response.output_text.annotation.added',
        item_id,
        output_index,
        content_index: 0,
        annotation_index: 0,
        annotation: annotations[0],
      })
    }
    const part = { type: 'output_text', text: turn.text, annotations }
    emit({ type: 'response.content_part.done', item_id, output_index, content_index: 0, part })
    const item = { ...base, status: 'completed', content: [part] }
    emit({ type: 'response.output_item.done', output_index, item })
    output.push(item)
  }
  for (const [i, call] of (turn.toolCalls ?? []).entries()) {
    if (call.freeformInput !== undefined) {
      output.push(encodeCustomCall(call, call.freeformInput, i, output.length, context, size, emit))
      continue
    }
    const item_id = `fc_mock_${context.index}_${i}`
    const output_index = output.length
    const args = argumentsText(call)
    const base = {
      id: item_id,
      type: 'function_call',
      call_id: call.id ?? `call_mock_${context.index}_${i}`,
      name: call.name,
    }
    emit({
      type: 'response.output_item.added',
      output_index,
      item: { ...base, status: 'in_progress', arguments: '' },
    })
    for (const delta of chunkText(args, size)) {
      emit({ type: 'response.function_call_arguments.delta', item_id, output_index, delta })
    }
    emit({ type: 'response.function_call_arguments.done', item_id, output_index, arguments: args })
    const item = { ...base, status: 'completed', arguments: args }
    emit({ type: 'response.output_item.done', output_index, item })
    output.push(item)
  }
  const u = turnUsage(turn)
  const usage = {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  }
  if (turn.stopReason === 'max_tokens') {
    emit({
      type: 'response.incomplete',
      response: response('incomplete', output, {
        usage,
        incomplete_details: { reason: 'max_output_tokens' },
      }),
    })
  } else {
    emit({ type: 'response.completed', response: response('completed', output, { usage }) })
  }
  return events
}

/** Whether the request's `include` names this extra output. */
function asked(context: EncodeContext, include: string): boolean {
  const list = (context.requestBody as Json | undefined)?.include
  return Array.isArray(list) && list.includes(include)
}

/** A freeform call's lifecycle: added → input deltas → input done → done. */
function encodeCustomCall(
  call: MockToolCall,
  input: string,
  i: number,
  output_index: number,
  context: EncodeContext,
  size: number,
  emit: (data: Json) => void,
): Json {
  const item_id = `ctc_mock_${context.index}_${i}`
  const base = {
    id: item_id,
    type: 'custom_tool_call',
    call_id: call.id ?? `call_mock_${context.index}_${i}`,
    name: call.name,
  }
  emit({
    type: 'response.output_item.added',
    output_index,
    item: { ...base, status: 'in_progress', input: '' },
  })
  for (const delta of chunkText(input, size)) {
    emit({ type: 'response.custom_tool_call_input.delta', item_id, output_index, delta })
  }
  emit({ type: 'response.custom_tool_call_input.done', item_id, output_index, input })
  const item = { ...base, status: 'completed', input }
  emit({ type: 'response.output_item.done', output_index, item })
  return item
}
