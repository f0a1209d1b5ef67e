// Maps a normalised `ModelRequest` to an Anthropic Messages request body: alternating turns,
// tool results as user content, thinking blocks sent back with their signatures, and
// prompt-caching breakpoints on the stable prefix (tools, system prompt, latest user turns).
import type { ContentPart, ModelRequest, ReasoningEffort } from '@agent/protocol'
import { COMPACTION_PREFIX, customCallArguments, parseDataUrl } from './shared.js'

type Json = Record<string, unknown>
interface Turn {
  role: 'user' | 'assistant'
  content: Json[]
}

/** Thinking budgets per effort; Anthropic's minimum is 1024. */
const THINKING_BUDGET: Record<ReasoningEffort, number> = {
  minimal: 1024,
  low: 4096,
  medium: 10_000,
  high: 32_000,
}

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192
const CACHE = { type: 'ephemeral' }
/** Anthropic accepts at most four cache breakpoints per request. */
const MAX_BREAKPOINTS = 4

function imageBlock(url: string): Json {
  const data = parseDataUrl(url)
  return data
    ? { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } }
    : { type: 'image', source: { type: 'url', url } }
}

function blocks(parts: readonly ContentPart[]): Json[] {
  return parts.flatMap((part) => {
    if (part.type === 'input_image') return [imageBlock(part.image_url)]
    return part.text === '' ? [] : [{ type: 'text', text: part.text }]
  })
}

function parseInput(args: string): unknown {
  try {
    const value = JSON.parse(args)
    return typeof value === 'object' && value !== null ? value : {}
  } catch {
    return {}
  }
}

export function anthropicMessages(request: ModelRequest): Json[] {
  const turns: Turn[] = []
  const push = (role: Turn['role'], content: Json[]) => {
    if (content.length === 0) return
    const last = turns.at(-1)
    if (last?.role === role) last.content.push(...content)
    else turns.push({ role, content: [...content] })
  }
  for (const item of request.input) {
    switch (item.type) {
      case 'message':
        // Anthropic has no mid-conversation system role; such messages become user text.
        push(item.role === 'assistant' ? 'assistant' : 'user', blocks(item.content))
        break
      case 'reasoning':
        if (item.redacted && item.encrypted_content !== undefined) {
          push('assistant', [{ type: 'redacted_thinking', data: item.encrypted_content }])
        } else if (item.signature !== undefined) {
          const text =
            (item.content ?? []).map((part) => part.text).join('') || item.summary.map((s) => s.text).join('')
          push('assistant', [{ type: 'thinking', thinking: text, signature: item.signature }])
        }
        // Reasoning from other providers cannot be verified by Anthropic; it is left out.
        break
      case 'function_call':
      case 'custom_tool_call': {
        const args = item.type === 'function_call' ? item.arguments : customCallArguments(request, item)
        push('assistant', [{ type: 'tool_use', id: item.call_id, name: item.name, input: parseInput(args) }])
        break
      }
      case 'function_call_output': {
        const content = typeof item.output === 'string' ? item.output : blocks(item.output)
        // Anthropic rejects empty text; an empty result is sent without content.
        const block: Json = { type: 'tool_result', tool_use_id: item.call_id }
        if (content.length > 0) block.content = content
        if (item.is_error) block.is_error = true
        push('user', [block])
        break
      }
      case 'compaction_summary':
        push('user', [{ type: 'text', text: COMPACTION_PREFIX + item.summary }])
        break
    }
  }
  return turns.map((turn) => ({ role: turn.role, content: turn.content }))
}

function toolChoice(request: ModelRequest): Json | undefined {
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}
  const choice = request.tool_choice
  if (choice === undefined)
    return request.parallel_tool_calls === false ? { type: 'auto', ...noParallel } : undefined
  if (choice === 'none') return { type: 'none' }
  if (choice === 'auto') return { type: 'auto', ...noParallel }
  if (choice === 'required') return { type: 'any', ...noParallel }
  return { type: 'tool', name: choice.name, ...noParallel }
}

export function anthropicRequestBody(request: ModelRequest, defaultMaxTokens?: number): Json {
  let breakpoints = 0
  const messages = anthropicMessages(request)
  const body: Json = { model: request.model, messages, stream: true }
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool, i) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters,
      ...(i === request.tools.length - 1 ? { cache_control: CACHE } : {}),
    }))
    breakpoints++
    const choice = toolChoice(request)
    if (choice) body.tool_choice = choice
  }
  if (request.instructions !== '') {
    body.system = [{ type: 'text', text: request.instructions, cache_control: CACHE }]
    breakpoints++
  }
  // Cache the conversation up to the latest user turns, so the next request reuses the prefix.
  for (let i = messages.length - 1; i >= 0 && breakpoints < MAX_BREAKPOINTS; i--) {
    const message = messages[i] as { role: string; content: Json[] }
    if (message.role !== 'user') continue
    const last = message.content.at(-1)
    if (last) {
      message.content[message.content.length - 1] = { ...last, cache_control: CACHE }
      breakpoints++
    }
  }
  let maxTokens = request.max_output_tokens ?? defaultMaxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS
  // Extended thinking cannot be combined with a forced tool choice; the explicit choice wins.
  const forced =
    request.tool_choice !== undefined && request.tool_choice !== 'auto' && request.tool_choice !== 'none'
  if (request.reasoning_effort !== undefined && !forced) {
    let budget = THINKING_BUDGET[request.reasoning_effort]
    if (request.max_output_tokens === undefined) maxTokens += budget
    else if (budget >= maxTokens) budget = Math.max(1024, Math.floor(maxTokens / 2))
    if (budget < maxTokens) body.thinking = { type: 'enabled', budget_tokens: budget }
  }
  body.max_tokens = maxTokens
  // Anthropic rejects a temperature other than 1 while thinking.
  if (request.temperature !== undefined && body.thinking === undefined) body.temperature = request.temperature
  if (request.output_schema !== undefined) {
    body.output_config = { format: { type: 'json_schema', schema: request.output_schema } }
  }
  return body
}
