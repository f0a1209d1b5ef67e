// `defineTool`: a tool of the embedder's, beside the built-in toolset. Parameters as a zod schema
// or as a JSON Schema (validated with zod's converter); `execute` returns text, content parts,
// `{ output, isError }`, or any JSON value (sent to the model as JSON text).
import type { ToolContext, ToolDefinition, ToolOutput } from '@agent/core'
import type { ContentPart } from '@agent/protocol'
import { z } from 'zod'

export interface ToolSpec<Args> {
  /** The name the model calls it by (letters, digits, `_` and `-`, at most 64 characters). */
  name: string
  description: string
  /** A zod schema, or a JSON Schema object. */
  parameters: z.ZodType<Args> | Record<string, unknown>
  /** Only reads: calls of one model response may run in parallel. Default false. */
  readOnly?: boolean
  execute(args: Args, context: ToolContext): unknown | Promise<unknown>
}

function isZod(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}

function jsonSchemaValidator(schema: Record<string, unknown>, name: string): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0])
  } catch (error) {
    throw new TypeError(
      `defineTool ${name}: parameters is not a JSON Schema zod can check: ${(error as Error).message}`,
    )
  }
}

function toOutput(value: unknown): ToolOutput {
  if (typeof value === 'string') return { output: value }
  if (value === undefined) return { output: '' }
  if (typeof value === 'object' && value !== null && 'output' in value) {
    const out = value as { output: unknown; isError?: unknown }
    if (typeof out.output === 'string' || Array.isArray(out.output))
      return { output: out.output as string | ContentPart[], isError: out.isError === true }
  }
  if (
    Array.isArray(value) &&
    value.every((part) => typeof part === 'object' && part && /^input_(text|image)$/.test(String(part.type)))
  )
    return { output: value as ContentPart[] }
  return { output: JSON.stringify(value) }
}

export function defineTool<Args = Record<string, unknown>>(spec: ToolSpec<Args>): ToolDefinition {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(spec.name))
    throw new TypeError(
      `defineTool: "${spec.name}" is not a valid tool name (letters, digits, _ and -, at most 64 characters)`,
    )
  const parameters = isZod(spec.parameters)
    ? spec.parameters
    : jsonSchemaValidator(spec.parameters as Record<string, unknown>, spec.name)
  return {
    name: spec.name,
    description: spec.description,
    parameters,
    ...(isZod(spec.parameters) ? {} : { jsonSchema: spec.parameters as Record<string, unknown> }),
    readOnly: spec.readOnly ?? false,
    async handle(args, context) {
      try {
        return toOutput(await spec.execute(args as Args, context))
      } catch (error) {
        return { output: `${spec.name} failed: ${(error as Error)?.message ?? String(error)}`, isError: true }
      }
    },
  }
}
