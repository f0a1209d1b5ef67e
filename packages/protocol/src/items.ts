// Conversation items: what the history of a session is made of, and what a user submits.
// The shapes follow the OpenAI Responses API items, which Codex also uses as its history.
import { z } from 'zod'

export const InputText = z.object({ type: z.literal('input_text'), text: z.string() })
export const OutputText = z.object({ type: z.literal('output_text'), text: z.string() })
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
