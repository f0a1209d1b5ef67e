// Maps a normalised `ModelRequest` to an OpenAI Responses API request body.
// Stateless (`store: false`): the full history is sent every time, reasoning travels as
// encrypted content, and server-side item ids are left out because nothing is stored under them
// (except a hosted web search's, which the API requires on the `web_search_call` it is sent back as).
import type { ContentPart, HostedTool, ModelRequest, ResponseItem, ToolSpec } from '@agent/protocol'
import { COMPACTION_PREFIX, customCallArguments, OUTPUT_SCHEMA_NAME, partsText } from './shared.js'

type Json = Record<string, unknown>

function contentPart(part: ContentPart, role: string): Json {
  if (part.type === 'input_image') {
    return { type: 'input_image', image_url: part.image_url, detail: part.detail ?? 'auto' }
  }
  // The API insists on output_text for assistant turns and input_text for everything else.
  return { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text }
}

/**
 * Whether the model takes freeform (custom, grammar-constrained) tools. The GPT-5 family and the
 * Codex models are trained on them; other Responses models get every tool as a function.
 */
export function takesFreeformTools(model: string): boolean {
  return /^(gpt-5|codex-)/i.test(model)
}

interface InputContext {
  request: Pick<ModelRequest, 'tools'>
  /** Freeform tools are offered, so custom calls travel as themselves. */
  freeform: boolean
  /** Call ids of the history's custom tool calls, whose results are `custom_tool_call_output`s. */
  customCalls: ReadonlySet<string>
}

export function responsesInputItem(item: ResponseItem, context?: InputContext): Json | undefined {
  switch (item.type) {
    case 'message':
      return {
        type: 'message',
        role: item.role,
        content: item.content.map((part) => contentPart(part, item.role)),
      }
    case 'reasoning':
      // Reasoning from another provider (Anthropic signatures, plain text) cannot be replayed here.
      if (item.encrypted_content === undefined || item.signature !== undefined || item.redacted) {
        return undefined
      }
      return {
        type: 'reasoning',
        summary: item.summary,
        encrypted_content: item.encrypted_content,
      }
    case 'function_call':
      return { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments }
    case 'custom_tool_call':
      if (context?.freeform === false) {
        const args = customCallArguments(context.request, item)
        return { type: 'function_call', call_id: item.call_id, name: item.name, arguments: args }
      }
      return { type: 'custom_tool_call', call_id: item.call_id, name: item.name, input: item.input }
    case 'function_call_output':
      if (context?.freeform !== false && context?.customCalls.has(item.call_id)) {
        // A custom tool's result is text; images it returned are described by their absence.
        const output = typeof item.output === 'string' ? item.output : partsText(item.output)
        return { type: 'custom_tool_call_output', call_id: item.call_id, output }
      }
      return {
        type: 'function_call_output',
        call_id: item.call_id,
        output:
          typeof item.output === 'string'
            ? item.output
            : item.output.map((part) => contentPart(part, 'tool')),
      }
    case 'web_search_call':
      // A search Anthropic ran cannot be replayed to OpenAI; the text around it still goes.
      if (item.anthropic_result !== undefined) return undefined
      return {
        type: 'web_search_call',
        id: item.id,
        status: item.status,
        ...(item.action ? { action: item.action } : {}),
      }
    case 'compaction_summary':
      return {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: COMPACTION_PREFIX + item.summary }],
      }
  }
}

function toolEntry(tool: ToolSpec, freeform: boolean): Json {
  if (freeform && tool.freeform) {
    const { syntax, definition } = tool.freeform.grammar
    return {
      type: 'custom',
      name: tool.name,
      description: tool.description,
      format: { type: 'grammar', syntax, definition },
    }
  }
  return {
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strict: tool.strict ?? false,
  }
}

/**
 * A provider-hosted tool as the Responses API takes it. Web search follows the Codex CLI:
 * `cached` answers from OpenAI's index only (`external_web_access: false`), `live` may fetch.
 */
function hostedToolEntry(tool: HostedTool): Json {
  return { type: 'web_search', external_web_access: tool.mode === 'live' }
}

export function responsesRequestBody(request: ModelRequest): Json {
  const context: InputContext = {
    request,
    freeform: takesFreeformTools(request.model),
    customCalls: new Set(
      request.input.flatMap((item) => (item.type === 'custom_tool_call' ? [item.call_id] : [])),
    ),
  }
  const body: Json = {
    model: request.model,
    input: request.input
      .map((item) => responsesInputItem(item, context))
      .filter((item) => item !== undefined),
    stream: true,
    store: false,
  }
  if (request.instructions !== '') body.instructions = request.instructions
  const tools = [
    ...request.tools.map((tool) => toolEntry(tool, context.freeform)),
    ...(request.hosted_tools ?? []).map(hostedToolEntry),
  ]
  if (tools.length > 0) {
    body.tools = tools
    if (request.parallel_tool_calls !== undefined) body.parallel_tool_calls = request.parallel_tool_calls
  }
  if (request.tool_choice !== undefined) {
    body.tool_choice =
      typeof request.tool_choice === 'string'
        ? request.tool_choice
        : { type: 'function', name: request.tool_choice.name }
  }
  if (request.reasoning_effort !== undefined) {
    body.reasoning = { effort: request.reasoning_effort, summary: 'auto' }
    body.include = ['reasoning.encrypted_content']
  }
  if (request.max_output_tokens !== undefined) body.max_output_tokens = request.max_output_tokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.prompt_cache_key !== undefined) body.prompt_cache_key = request.prompt_cache_key
  if (request.output_schema !== undefined) {
    body.text = {
      format: { type: 'json_schema', name: OUTPUT_SCHEMA_NAME, schema: request.output_schema, strict: true },
    }
  }
  return body
}
