// Conversation items: what the history of a session is made of, and what a user submits.
// The shapes follow the OpenAI Responses API items, which Codex also uses as its history.
import { z } from 'zod'

export const InputText = z.object({ type: z.literal('input_text'), text: z.string() })
export const OutputText = z.object({
  type: z.literal('output_text'),
  text: z.string(),
  /**
   * Anthropic's citations on this text (web search results it quotes), kept verbatim: they are
   * sent back to Anthropic as they came. Other wires leave them out.
   */
  citations: z.array(z.record(z.string(), z.unknown())).optional(),
})
/** An image given to the model: a `data:` URL or an http(s) URL. */
export const InputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
})
export const ContentPart = z.discriminatedUnion('type', [InputText, OutputText, InputImage])
export type ContentPart = z.infer<typeof ContentPart>

export const MessageItem = z.object({
  type: z.literal('message'),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.array(ContentPart),
})
export type MessageItem = z.infer<typeof MessageItem>

export const ReasoningItem = z.object({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() })).default([]),
  /** Full reasoning text where the provider returns it (Anthropic thinking, open models). */
  content: z.array(z.object({ type: z.literal('reasoning_text'), text: z.string() })).optional(),
  /** Opaque state that must be sent back to the provider (OpenAI encrypted reasoning). */
  encrypted_content: z.string().optional(),
  /** Anthropic's thinking-block signature, sent back verbatim. */
  signature: z.string().optional(),
  /** Anthropic's redacted thinking block, sent back verbatim. */
  redacted: z.boolean().optional(),
})
export type ReasoningItem = z.infer<typeof ReasoningItem>

export const FunctionCallItem = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  /** The arguments as the model produced them: a JSON text. */
  arguments: z.string(),
})
export type FunctionCallItem = z.infer<typeof FunctionCallItem>

/**
 * A call of a freeform tool (a Responses API `custom_tool_call`): `input` is the raw text the
 * model wrote. Its result is an ordinary `function_call_output` with the same `call_id`; the
 * Responses wire sends it back as a `custom_tool_call_output`.
 */
export const CustomToolCallItem = z.object({
  type: z.literal('custom_tool_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
})
export type CustomToolCallItem = z.infer<typeof CustomToolCallItem>

/**
 * What a hosted web search did: `search` (with the query, or several), `open_page` or
 * `find_in_page` (OpenAI's reasoning models browse too). Other action types a provider adds are
 * kept as they came.
 */
export const WebSearchAction = z
  .object({
    type: z.string(),
    query: z.string().optional(),
    queries: z.array(z.string()).optional(),
    url: z.string().optional(),
    pattern: z.string().optional(),
  })
  .passthrough()
export type WebSearchAction = z.infer<typeof WebSearchAction>

/**
 * A web search the provider ran itself (a hosted tool): the Responses API's `web_search_call`
 * item, or Anthropic's `server_tool_use` + `web_search_tool_result` pair. There is nothing for the
 * agent to run and no output item follows; the search's results reach the model on the provider's
 * side. `anthropic_result` is the content of Anthropic's `web_search_tool_result` block (the
 * results with their `encrypted_content`, or its error), which Anthropic requires back verbatim.
 * Each wire sends back only the searches its provider ran (Responses: those without
 * `anthropic_result`; Anthropic: those with it) and leaves the others out.
 */
export const WebSearchCallItem = z.object({
  type: z.literal('web_search_call'),
  id: z.string(),
  /** `in_progress`, `searching`, `completed` or `failed`. */
  status: z.string(),
  action: WebSearchAction.optional(),
  anthropic_result: z.unknown().optional(),
})
export type WebSearchCallItem = z.infer<typeof WebSearchCallItem>

/** The query a web search item shows: the query, the queries joined, or the page it opened. */
export function webSearchQuery(item: Pick<WebSearchCallItem, 'action'>): string {
  const action = item.action
  if (!action) return ''
  if (action.query) return action.query
  if (action.queries && action.queries.length > 0) return action.queries.join(', ')
  if (action.url) return action.pattern ? `${action.pattern} in ${action.url}` : action.url
  return ''
}

/** The result of a tool call, as the model will see it. */
export const FunctionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.union([z.string(), z.array(ContentPart)]),
  /** True when the tool failed; providers that support it get an error flag. */
  is_error: z.boolean().optional(),
})
export type FunctionCallOutputItem = z.infer<typeof FunctionCallOutputItem>

/** A summary that replaced older history after compaction. */
export const CompactionSummaryItem = z.object({
  type: z.literal('compaction_summary'),
  summary: z.string(),
})

export const ResponseItem = z.discriminatedUnion('type', [
  MessageItem,
  ReasoningItem,
  FunctionCallItem,
  CustomToolCallItem,
  FunctionCallOutputItem,
  WebSearchCallItem,
  CompactionSummaryItem,
])
export type ResponseItem = z.infer<typeof ResponseItem>

/** What a user submits in a `user_input` op. */
export const UserInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), image_url: z.string() }),
  z.object({ type: z.literal('local_image'), path: z.string() }),
])
export type UserInput = z.infer<typeof UserInput>
