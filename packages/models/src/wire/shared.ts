// Helpers every wire mapping uses: tool-argument validation, call ids, usage totals, data URLs.
import { randomUUID } from 'node:crypto'
import type { ContentPart, CustomToolCallItem, ModelRequest, TokenUsage } from '@agent/protocol'
import { ModelFailure } from '../errors.js'

/**
 * Checks that a tool call's arguments are a JSON object text; an empty string (a call with no
 * arguments, as some servers send it) becomes `{}`. Malformed arguments are a retryable
 * `bad_response`: sampling again usually fixes them.
 */
export function validateToolArguments(name: string, args: string): string {
  const text = args.trim() === '' ? '{}' : args
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ModelFailure({
      kind: 'bad_response',
      message: `the model called tool "${name}" with arguments that are not valid JSON (${(error as Error).message}): ${truncate(text, 200)}`,
      retryable: true,
    })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFailure({
      kind: 'bad_response',
      message: `the model called tool "${name}" with arguments that are not a JSON object: ${truncate(text, 200)}`,
      retryable: true,
    })
  }
  return text
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`
}

export function newCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`
}

export function makeUsage(parts: {
  input: number
  cached?: number
  output: number
  reasoning?: number
  total?: number
}): TokenUsage {
  return {
    input_tokens: parts.input,
    cached_input_tokens: parts.cached ?? 0,
    output_tokens: parts.output,
    reasoning_output_tokens: parts.reasoning ?? 0,
    total_tokens: parts.total ?? parts.input + parts.output,
  }
}

/** Splits a `data:` URL into media type and base64 payload; undefined for other URLs. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url)
  if (!match) return undefined
  return { mediaType: match[1] as string, data: match[2] as string }
}

/** The plain text of content parts (images are left out). */
export function partsText(parts: readonly ContentPart[]): string {
  return parts
    .map((part) => (part.type === 'input_image' ? '' : part.text))
    .filter((text) => text !== '')
    .join('\n')
}

export const COMPACTION_PREFIX = 'Summary of the earlier conversation:\n'

/** A number from an untyped payload, or 0. */
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/** The name a provider is told the turn's output schema has (OpenAI requires one). */
export const OUTPUT_SCHEMA_NAME = 'output_schema'

/** The string argument a freeform tool's raw text fills: the one the tool declares, else `input`. */
export function freeformArgument(request: Pick<ModelRequest, 'tools'>, toolName: string): string {
  return request.tools.find((tool) => tool.name === toolName)?.freeform?.argument ?? 'input'
}

/**
 * A freeform call as the JSON arguments of the equivalent function call: what core's router
 * validates, and what wires without freeform tools send back in the history.
 */
export function customCallArguments(
  request: Pick<ModelRequest, 'tools'>,
  call: Pick<CustomToolCallItem, 'name' | 'input'>,
): string {
  return JSON.stringify({ [freeformArgument(request, call.name)]: call.input })
}
