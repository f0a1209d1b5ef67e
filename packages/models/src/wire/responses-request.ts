// Maps a normalised `ModelRequest` to an OpenAI Responses API request body.
// Stateless (`store: false`): the full history is sent every time, reasoning travels as
// encrypted content, and server-side item ids are left out because nothing is stored under them.
import type { ContentPart, ModelRequest, ResponseItem } from '@agent/protocol'
import { COMPACTION_PREFIX, OUTPUT_SCHEMA_NAME } from './shared.js'

type Json = Record<string, unknown>

function contentPart(part: ContentPart, role: string): Json {
  if (part.type === 'input_image') {
    return { type: 'input_image', image_url: part.image_url, detail: part.detail ?? 'auto' }
  }
  // The API insists on output_text for assistant turns and input_text for everything else.
  return { type: role === 'assistant' ? 'output_text' : 'input_text', text: part.text }
}

export function responsesInputItem(item: ResponseItem): Json | undefined {
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
    case 'function_call_output':
      return {
        type: 'function_call_output',
        call_id: item.call_id,
        output:
          typeof item.output === 'string'
            ? item.output
            : item.output.map((part) => contentPart(part, 'tool')),
      }
    case 'compaction_summary':
      return {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: COMPACTION_PREFIX + item.summary }],
      }
  }
}

export function responsesRequestBody(request: ModelRequest): Json {
  const body: Json = {
    model: request.model,
    input: request.input.map(responsesInputItem).filter((item) => item !== undefined),
    stream: true,
    store: false,
  }
  if (request.instructions !== '') body.instructions = request.instructions
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      strict: tool.strict ?? false,
    }))
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
