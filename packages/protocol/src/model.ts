// The normalised model interface: one request shape and one event stream for every provider
// (OpenAI Responses, Chat Completions, Anthropic Messages). `@agent/models` implements it,
// `@agent/core` consumes it.
import { z } from 'zod'
import { ResponseItem } from './items.js'
import { ReasoningEffort, TokenUsage } from './policy.js'

/** A function tool offered to the model; `parameters` is a JSON Schema object. */
export const ToolSpec = z.object({
  name: z.string().min(1),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  /** Ask providers that support it for strict schema adherence. */
  strict: z.boolean().optional(),
  /**
   * The tool can also be offered as a freeform ("custom") tool: the model writes raw text that
   * `grammar` constrains instead of JSON, and that text becomes the string parameter `argument`.
   * Wires and models that support it (the OpenAI Responses API, GPT-5 family) use this form;
   * every other wire offers the function form above.
   */
  freeform: z
    .object({
      argument: z.string().min(1),
      grammar: z.object({ syntax: z.enum(['lark', 'regex']), definition: z.string().min(1) }),
    })
    .optional(),
})
export type ToolSpec = z.infer<typeof ToolSpec>

/**
 * How much of the web a hosted search may reach: `cached` answers from the provider's index
 * only (OpenAI's `external_web_access: false`), `live` fetches pages live.
 */
export const WebSearchMode = z.enum(['cached', 'live'])
export type WebSearchMode = z.infer<typeof WebSearchMode>

/**
 * A tool the provider runs itself (a "hosted" or "server" tool), offered next to the function
 * tools. Each wire maps it to its provider's form (Responses `{type: "web_search"}`, Anthropic
 * `web_search_20250305`) or, where the provider has none (Chat Completions), leaves it out with
 * a warning.
 */
export const HostedTool = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('web_search'),
    mode: WebSearchMode,
    /** Searches one response may make (Anthropic's `max_uses`); unlimited when absent. */
    max_uses: z.number().int().positive().optional(),
  }),
])
export type HostedTool = z.infer<typeof HostedTool>

export const ToolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), name: z.string() }),
])
export type ToolChoice = z.infer<typeof ToolChoice>

/**
 * The shape the final answer must have: a JSON Schema object. Clients ask the provider for it
 * natively (Responses `text.format`, Chat `response_format`, Anthropic `output_config.format`);
 * the answer is then that JSON, as text. Strict, as Codex sends it: OpenAI requires
 * `additionalProperties: false` and every property listed in `required`.
 */
export const OutputSchema = z.record(z.string(), z.unknown())
export type OutputSchema = z.infer<typeof OutputSchema>

export const ModelRequest = z.object({
  model: z.string().min(1),
  /** System / developer instructions. */
  instructions: z.string(),
  /** The conversation so far, oldest first. */
  input: z.array(ResponseItem),
  tools: z.array(ToolSpec).default([]),
  /** Provider-hosted tools (web search) offered beside `tools`. */
  hosted_tools: z.array(HostedTool).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning_effort: ReasoningEffort.optional(),
  max_output_tokens: z.number().int().positive().optional(),
  temperature: z.number().optional(),
  /** Caller-supplied key for provider-side prompt caching / request correlation. */
  prompt_cache_key: z.string().optional(),
  /** The final answer must be JSON of this schema (see `OutputSchema`). */
  output_schema: OutputSchema.optional(),
})
export type ModelRequest = z.infer<typeof ModelRequest>
export type ModelRequestInput = z.input<typeof ModelRequest>

export const StopReason = z.enum([
  'end_turn',
  'tool_calls',
  'max_tokens',
  'content_filter',
  'refusal',
  /**
   * The provider paused a long turn of its own (hosted) tool use (Anthropic's `pause_turn`):
   * sending the history back as it is lets the model continue.
   */
  'pause_turn',
  'other',
])
export type StopReason = z.infer<typeof StopReason>

export const ModelErrorKind = z.enum([
  'auth',
  'rate_limit',
  'server',
  'network',
  'idle_timeout',
  'invalid_request',
  'context_length',
  'bad_response',
  'aborted',
  'other',
])
export type ModelErrorKind = z.infer<typeof ModelErrorKind>

/**
 * What a model stream yields. `output_item` carries each finished item (assistant message,
 * reasoning with its opaque state, function call with arguments already validated as JSON) so
 * the caller can append it to history verbatim.
 */
export const ModelEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('created'), response_id: z.string().optional() }),
  z.object({ type: z.literal('text_delta'), delta: z.string(), item_id: z.string().optional() }),
  z.object({
    type: z.literal('reasoning_delta'),
    delta: z.string(),
    /** `summary` for reasoning summaries, `content` for raw reasoning text. */
    kind: z.enum(['summary', 'content']).default('summary'),
  }),
  z.object({
    type: z.literal('tool_call'),
    call_id: z.string(),
    name: z.string(),
    /** JSON text, already checked to parse. */
    arguments: z.string(),
  }),
  z.object({ type: z.literal('output_item'), item: ResponseItem }),
  /**
   * A hosted web search started (its `web_search_call` item follows as an `output_item` when it
   * is done); `query` where the provider already says it.
   */
  z.object({ type: z.literal('web_search_begin'), call_id: z.string(), query: z.string().optional() }),
  /** Something the user should know about this request that did not stop it. */
  z.object({ type: z.literal('warning'), message: z.string() }),
  z.object({ type: z.literal('usage'), usage: TokenUsage }),
  /** A retry is about to happen; emitted before the delay. */
  z.object({
    type: z.literal('retry'),
    attempt: z.number().int().positive(),
    delay_ms: z.number().nonnegative(),
    message: z.string(),
  }),
  z.object({
    type: z.literal('completed'),
    stop_reason: StopReason,
    response_id: z.string().optional(),
  }),
  z.object({
    type: z.literal('error'),
    kind: ModelErrorKind,
    message: z.string(),
    /** Whether retrying the same request later could succeed. */
    retryable: z.boolean().default(false),
    status: z.number().int().optional(),
  }),
])
export type ModelEvent = z.infer<typeof ModelEvent>
export type ModelEventOf<T extends ModelEvent['type']> = Extract<ModelEvent, { type: T }>

/** The port every model client implements. */
export interface ModelClient {
  /** Provider id for display and logs (`openai`, `anthropic`, ...). */
  readonly provider: string
  stream(request: ModelRequest, options?: { signal?: AbortSignal }): AsyncIterable<ModelEvent>
}
