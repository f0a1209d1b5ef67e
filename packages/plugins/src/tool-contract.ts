// The slice of core's tool contract (`@agent/core` tools/contract.ts) that the Skill and Task
// tools use, declared here so this package does not import core: TypeScript matches the shapes
// structurally, so these definitions can be registered with core's tool registry as they are.
import type { ContentPart, EventMsg } from '@agent/protocol'
import type { z } from 'zod'

export interface PluginToolOutput {
  output: string | ContentPart[]
  isError?: boolean
}

/** What the tools read from core's `ToolContext` (a subset of it). */
export interface PluginToolContext {
  callId: string
  sessionId: string
  /** The turn's working directory (absolute). */
  cwd: string
  signal: AbortSignal
  emit(msg: EventMsg): void
}

export interface PluginToolDefinition<Args> {
  name: string
  description: string
  parameters: z.ZodType<Args>
  jsonSchema?: Record<string, unknown>
  readOnly: boolean | ((args: Args) => boolean)
  handle(args: Args, context: PluginToolContext): Promise<PluginToolOutput>
}
