// Maps a normalised `ModelRequest` to a Chat Completions request body, the lowest common
// denominator that OpenAI, Ollama, vLLM, llama.cpp server, LM Studio and OpenRouter all accept.
import type { ContentPart, ModelRequest, ResponseItem } from '@agent/protocol'
import { COMPACTION_PREFIX, customCallArguments, OUTPUT_SCHEMA_NAME, partsText } from './shared.js'

type Json = Record<string, unknown>

function userContent(parts: readonly ContentPart[]): string | Json[] {
  if (parts.every((part) => part.type !== 'input_image')) return partsText(parts)
  return parts.map((part) =>
    part.type === 'input_image'
      ? {
          type: 'image_url',
          image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) },
        }
      : { type: 'text', text: part.text },
  )
}

/**
 * Reasoning a Chat Completions server streamed as `reasoning_content` (DeepSeek, vLLM, Ollama):
 * plain text, with none of the opaque state other providers attach.
 */
function chatReasoningText(item: ResponseItem): string | undefined {
  if (item.type !== 'reasoning' || item.encrypted_content !== undefined || item.signature !== undefined)
    return undefined
  if (item.redacted || !item.content) return undefined
  const text = item.content.map((part) => part.text).join('')
  return text === '' ? undefined : text
}

/** Chat messages for the request: system prompt, history, tool calls folded into assistant turns. */
export function chatMessages(request: ModelRequest): Json[] {
  const messages: Json[] = []
  // Reasoning goes back as the assistant message's `reasoning_content` only within the current
  // tool loop (after the last user message), as DeepSeek's thinking mode requires for tool calls;
  // earlier turns' reasoning is left out, which is what those servers expect (and saves tokens).
  let lastUser = -1
  request.input.forEach((item, i) => {
    if (item.type === 'message' && item.role === 'user') lastUser = i
  })
  let reasoning: string | undefined
  const withReasoning = (message: Json): Json => {
    if (reasoning !== undefined) message.reasoning_content = reasoning
    reasoning = undefined
    return message
  }
  if (request.instructions !== '') messages.push({ role: 'system', content: request.instructions })
  // Tool messages carry text only; images a tool returned follow as one user message.
  let toolImages: ContentPart[] = []
  const flushImages = () => {
    if (toolImages.length === 0) return
    messages.push({ role: 'user', content: userContent(toolImages) })
    toolImages = []
  }
  for (const [index, item] of request.input.entries()) {
    if (item.type !== 'function_call_output') flushImages()
    switch (item.type) {
      case 'message':
        if (item.role === 'user') messages.push({ role: 'user', content: userContent(item.content) })
        else if (item.role === 'assistant')
          messages.push(withReasoning({ role: 'assistant', content: partsText(item.content) }))
        else messages.push({ role: 'system', content: partsText(item.content) })
        break
      case 'reasoning': {
        const text = index > lastUser ? chatReasoningText(item) : undefined
        if (text !== undefined) reasoning = reasoning === undefined ? text : `${reasoning}\n${text}`
        break
      }
      case 'function_call':
      case 'custom_tool_call': {
        const args = item.type === 'function_call' ? item.arguments : customCallArguments(request, item)
        const call = {
          id: item.call_id,
          type: 'function',
          function: { name: item.name, arguments: args },
        }
        const last = messages.at(-1)
        if (last?.role === 'assistant') {
          last.tool_calls = [...((last.tool_calls as Json[] | undefined) ?? []), call]
        } else {
          messages.push(withReasoning({ role: 'assistant', content: null, tool_calls: [call] }))
        }
        break
      }
      case 'function_call_output': {
        const output = typeof item.output === 'string' ? item.output : partsText(item.output)
        if (typeof item.output !== 'string') {
          toolImages.push(...item.output.filter((part) => part.type === 'input_image'))
        }
        messages.push({ role: 'tool', tool_call_id: item.call_id, content: output })
        break
      }
      case 'compaction_summary':
        messages.push({ role: 'user', content: COMPACTION_PREFIX + item.summary })
        break
    }
  }
  flushImages()
  return messages
}

/** True for OpenAI's own endpoint, which wants `max_completion_tokens` and knows `prompt_cache_key`. */
function isOpenAiHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'api.openai.com'
  } catch {
    return false
  }
}

export function chatRequestBody(request: ModelRequest, baseUrl: string): Json {
  const openai = isOpenAiHost(baseUrl)
  const body: Json = {
    model: request.model,
    messages: chatMessages(request),
    stream: true,
    stream_options: { include_usage: true },
  }
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    }))
    if (request.parallel_tool_calls !== undefined) body.parallel_tool_calls = request.parallel_tool_calls
  }
  if (request.tool_choice !== undefined) {
    body.tool_choice =
      typeof request.tool_choice === 'string'
        ? request.tool_choice
        : { type: 'function', function: { name: request.tool_choice.name } }
  }
  if (request.reasoning_effort !== undefined) body.reasoning_effort = request.reasoning_effort
  if (request.max_output_tokens !== undefined) {
    body[openai ? 'max_completion_tokens' : 'max_tokens'] = request.max_output_tokens
  }
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (openai && request.prompt_cache_key !== undefined) body.prompt_cache_key = request.prompt_cache_key
  if (request.output_schema !== undefined) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: OUTPUT_SCHEMA_NAME, schema: request.output_schema, strict: true },
    }
  }
  return body
}
