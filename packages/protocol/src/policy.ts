// Session-wide settings that decide what the agent may do without asking:
// when to ask for approval, and how commands are confined.
import { z } from 'zod'

/** When the agent must ask the user before running something (Codex's four policies). */
export const ApprovalPolicy = z.enum(['untrusted', 'on-failure', 'on-request', 'never'])
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>

export const ReadOnlySandboxPolicy = z.object({
  type: z.literal('read-only'),
  /** Paths that must not even be read inside the sandbox (absolute). */
  deny_read: z.array(z.string()).optional(),
})

export const WorkspaceWriteSandboxPolicy = z.object({
  type: z.literal('workspace-write'),
  /** Extra writable roots besides the session cwd (absolute paths). */
  writable_roots: z.array(z.string()).default([]),
  network_access: z.boolean().default(false),
  /** Leave `/tmp` and `$TMPDIR` read-only (they are writable by default). */
  exclude_tmp: z.boolean().optional(),
  /** Paths that must not even be read inside the sandbox (absolute). */
  deny_read: z.array(z.string()).optional(),
})

export const DangerFullAccessSandboxPolicy = z.object({
  type: z.literal('danger-full-access'),
})

/** How commands are confined. `danger-full-access` means no sandbox at all, explicitly. */
export const SandboxPolicy = z.discriminatedUnion('type', [
  ReadOnlySandboxPolicy,
  WorkspaceWriteSandboxPolicy,
  DangerFullAccessSandboxPolicy,
])
export type SandboxPolicy = z.infer<typeof SandboxPolicy>
export type SandboxMode = SandboxPolicy['type']
export const SandboxMode = z.enum(['read-only', 'workspace-write', 'danger-full-access'])

/** The user's answer to an approval request. */
export const ReviewDecision = z.enum(['approved', 'approved_for_session', 'denied', 'abort'])
export type ReviewDecision = z.infer<typeof ReviewDecision>

export const ReasoningEffort = z.enum(['minimal', 'low', 'medium', 'high'])
export type ReasoningEffort = z.infer<typeof ReasoningEffort>

/** Token usage as the model APIs report it, normalised. */
export const TokenUsage = z.object({
  input_tokens: z.number().int().nonnegative(),
  cached_input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative(),
  reasoning_output_tokens: z.number().int().nonnegative().default(0),
  total_tokens: z.number().int().nonnegative(),
})
export type TokenUsage = z.infer<typeof TokenUsage>
