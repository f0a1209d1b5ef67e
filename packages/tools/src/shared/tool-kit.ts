// Small pieces every tool file shares: a typed `defineTool`, session-scoped state slots and the
// error text of a refused process start.
import type { ToolContext, ToolDefinition } from '@agent/core'

/** Declares a tool with its argument type inferred from the zod schema. */
export function defineTool<Args>(definition: ToolDefinition<Args>): ToolDefinition<Args> {
  return definition
}

/** The value kept under `key` in the session's scratch state, created on first use. */
export function sessionSlot<T>(context: Pick<ToolContext, 'sessionState'>, key: string, create: () => T): T {
  const existing = context.sessionState.get(key)
  if (existing !== undefined) return existing as T
  const value = create()
  context.sessionState.set(key, value)
  return value
}

/** True for the error core throws when it refuses to start a process (policy, user or hook). */
export function isToolRejection(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ToolRejectedError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * A typed tool as the `ToolDefinition` that `createAgent({ tools })` takes. Safe because core
 * validates arguments with the tool's own `parameters` before calling `handle`.
 */
export function eraseArgs<Args>(tool: ToolDefinition<Args>): ToolDefinition {
  return tool as unknown as ToolDefinition
}
