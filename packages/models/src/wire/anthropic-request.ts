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
    if (part.text === '') return []
    // Citations of web search results go back as they came (Anthropic checks them).
    const citations = part.type === 'output_text' && part.citations ? { citations: part.citations } : {}
    return [{ type: 'text', text: part.text, ...citations }]
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
      case 'web_search_call':
        // Anthropic requires its server tool use and result blocks back verbatim, in place; a
        // search another provider ran (no Anthropic result) has nothing to send.
        if (item.anthropic_result !== undefined) {
          const query = item.action?.query
          push('assistant', [
            {
              type: 'server_tool_use',
              id: item.id,
              name: 'web_search',
              input: query === undefined ? {} : { query },
            },
            { type: 'web_search_tool_result', tool_use_id: item.id, content: item.anthropic_result },
          ])
        }
        break
      case 'compaction_summary':
        push('user', [{ type: 'text', text: COMPACTION_PREFIX + item.summary }])
        break
    }
  }
  return turns.map((turn) => ({ role: turn.role, content: turn.content }))
}

/**
 * Anthropic's server tools for the request's hosted tools. Its web search always fetches live:
 * it is offered for `live` only, and `cached` is left out (see `anthropicHostedWarnings`).
 */
function anthropicHostedTools(request: ModelRequest): Json[] {
  return (request.hosted_tools ?? []).flatMap((tool) =>
    tool.type === 'web_search' && tool.mode === 'live'
      ? [
          {
            type: 'web_search_20250305',
            name: 'web_search',
            ...(tool.max_uses !== undefined ? { max_uses: tool.max_uses } : {}),
          },
        ]
      : [],
  )
}

/** What the request asks for that Anthropic cannot do, one warning each. */
export function anthropicHostedWarnings(request: ModelRequest): string[] {
  return (request.hosted_tools ?? []).some((tool) => tool.type === 'web_search' && tool.mode === 'cached')
    ? [
        'web_search = "cached": Anthropic\'s web search has no cached mode (it always fetches live pages), so it is not offered; set web_search = "live" to use it',
      ]
    : []
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
  // Hosted tools come first so the cache breakpoint on the last tool covers them too.
  const hosted = anthropicHostedTools(request)
  if (request.tools.length > 0 || hosted.length > 0) {
    const tools: Json[] = [
      ...hosted,
      ...request.tools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters,
      })),
    ]
    tools[tools.length - 1] = { ...tools[tools.length - 1], cache_control: CACHE }
    body.tools = tools
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
