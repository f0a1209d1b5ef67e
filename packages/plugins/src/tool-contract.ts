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
  /**
   * Asks the parent's user (core's `ToolContext.askApproval`): the request goes out on the
   * parent's event stream and the user's answer comes back. Absent in contexts that cannot ask.
   */
  askApproval?(request: PluginApprovalQuestion): Promise<PluginApprovalAnswer>
  /**
   * Over a durable step journal only (core's `ToolContext.attemptState`): what the previous
   * attempt of this call saved, and where to save (JSON) what the next attempt needs.
   */
  attemptState?: { readonly value: unknown; save(value: unknown): void }
}

/** An approval request event without its id (the parent assigns one). */
export type PluginApprovalQuestion =
  | Omit<Extract<EventMsg, { type: 'exec_approval_request' }>, 'call_id'>
  | Omit<Extract<EventMsg, { type: 'apply_patch_approval_request' }>, 'call_id'>

export interface PluginApprovalAnswer {
  decision: 'approved' | 'approved_for_session' | 'denied' | 'abort'
  prefix?: string[]
  feedback?: string
}

export interface PluginToolDefinition<Args> {
  name: string
  description: string
  parameters: z.ZodType<Args>
  jsonSchema?: Record<string, unknown>
  readOnly: boolean | ((args: Args) => boolean)
  handle(args: Args, context: PluginToolContext): Promise<PluginToolOutput>
}
