// The port the MCP server half needs from "an agent": start a session, submit ops, read events,
// all in protocol terms. `@agent/core`'s agent satisfies it through a thin adapter in the CLI;
// this package never imports core.
import type { ApprovalPolicy, Event, Op, SandboxMode } from '@agent/protocol'

export interface StartSessionOptions {
  /** The first user message; the session starts its first turn with it. */
  prompt: string
  cwd?: string
  model?: string
  sandbox?: SandboxMode
  approval_policy?: ApprovalPolicy
}

export interface AgentSessionHandle {
  /** Identifies the session for `agent-reply` (the agent's session id). */
  readonly threadId: string
  /** Submits an op (`user_input`, `exec_approval`, `patch_approval`, `interrupt`, ...). */
  submit(op: Op): Promise<unknown> | unknown
  /** Every event of the session, in order. Called once; the server is its only reader. */
  events(): AsyncIterable<Event>
  /** Ends the session (flushes its rollout); called when the MCP server closes. */
  shutdown?(): Promise<void>
}

export interface AgentSessionPort {
  startSession(options: StartSessionOptions): Promise<AgentSessionHandle>
}
