// The contract between the agent and a tool: what a tool declares (name, schema, whether it only
// reads) and what it may ask of the agent while it runs (run a command through the orchestrator,
// ask approval for a patch, emit events). Built-in toolsets (`@agent/tools`) and embedders
// implement `ToolDefinition`; core's router and orchestrator call it.
import type {
  ApprovalPolicy,
  ContentPart,
  EventMsg,
  FileChange,
  SandboxPolicy,
  ToolSpec,
} from '@agent/protocol'
import type { z } from 'zod'
import type { ProcessSessions, RunResult } from '../ports/runner.js'
import type { ApprovalAnswer } from '../ports/step-journal.js'

/** What the model gets back from a tool. */
export interface ToolOutput {
  output: string | ContentPart[]
  isError?: boolean
}

export interface ExecRequest {
  command: string[]
  /** Defaults to the turn's cwd; relative paths resolve against it. */
  cwd?: string
  timeoutMs?: number
  /** The model asked to run outside the sandbox (Codex `with_escalated_permissions`); needs approval. */
  escalate?: boolean
  /** The model's reason for the command or the escalation, shown in approval prompts. */
  justification?: string
  stdin?: string
  /**
   * For `['bash', '-c' | '-lc', script]`: report the directory the script ended in (its last
   * `cd`) as `finalCwd` of the outcome. The script runs wrapped for that; the policy, approvals
   * and events see it unwrapped, and the report never shows in the output. Other commands ignore it.
   */
  trackCwd?: boolean
}

/** The result of a command run through the orchestrator (policy → approval → sandbox → exec). */
export type ExecOutcome =
  | {
      status: 'completed'
      result: RunResult
      sandboxed: boolean
      formatted: string
      /** With `trackCwd`: the directory the script ended in, when it reported one (not on timeout or kill). */
      finalCwd?: string
    }
  /** Refused by policy or by the user; `reason` is for the model. */
  | { status: 'rejected'; reason: string }

export interface PatchApprovalRequest {
  changes: Record<string, FileChange>
  reason?: string
  /** Writable root the change needs, when it is outside the sandbox's writable roots. */
  grantRoot?: string
}

export interface PatchApproval {
  approved: boolean
  /** Why it was refused (for the model), or why it was allowed. */
  reason?: string
  /** True when no one was asked (the policy and sandbox allow the write). For `patch_apply_begin`. */
  autoApproved?: boolean
}

export interface ToolContext {
  callId: string
  toolName: string
  sessionId: string
  turnId: string
  /** The turn's working directory (absolute). */
  cwd: string
  sandboxPolicy: SandboxPolicy
  /** The turn's approval policy (e.g. to refuse an escalation the policy does not allow). */
  approvalPolicy: ApprovalPolicy
  signal: AbortSignal
  /** Runs a command the way every model-requested command runs: emits exec_command_* events. */
  exec(request: ExecRequest): Promise<ExecOutcome>
  /** Asks for approval of file changes when the approval policy and sandbox require it. */
  approvePatch(request: PatchApprovalRequest): Promise<PatchApproval>
  /**
   * Asks the user something that is neither a command run nor a patch applied through `exec` /
   * `approvePatch` (a fetch the network policy denies, a subagent's own request...): the request
   * goes out as an `exec_approval_request` or `apply_patch_approval_request` event (with this
   * call's next approval id; PermissionRequest hooks may answer first) and the answer comes back.
   * The caller decides what the answer allows; an `abort` answer also stops the turn.
   */
  askApproval(request: ApprovalQuestion): Promise<ApprovalAnswer>
  /**
   * Present only when the turn runs over a step journal, where a call that asks for approval
   * runs again from the start once answered (see tool-calls.ts). A tool whose work before its
   * approval request must not be repeated (a subagent's model requests and commands) saves here
   * what lets the next attempt skip it (JSON data): `value` is what the previous attempt saved.
   */
  attemptState?: AttemptState
  /**
   * Interactive processes. `start` goes through the same policy → approval path as `exec` and
   * runs the process confined by the turn's sandbox; a refused start rejects with a
   * `ToolRejectedError` (`error.name === 'ToolRejectedError'`) whose message is for the model.
   */
  processes: ProcessSessions
  emit(msg: EventMsg): void
  /** Per-session scratch state shared by the tools of one session (e.g. which files were read). */
  sessionState: Map<string, unknown>
}

/** What a tool call carries from one attempt to the next over a step journal. */
export interface AttemptState {
  /** What the previous attempt saved (undefined in the first attempt). */
  readonly value: unknown
  /** Saves `value` (JSON data) for the next attempt, should this one stop at an approval. */
  save(value: unknown): void
}

/** An approval request event without its id (core assigns it). */
export type ApprovalQuestion =
  | Omit<Extract<EventMsg, { type: 'exec_approval_request' }>, 'call_id'>
  | Omit<Extract<EventMsg, { type: 'apply_patch_approval_request' }>, 'call_id'>

export interface ToolDefinition<Args = unknown> {
  name: string
  description: string
  /** Validates the arguments; a failure is returned to the model as an error result. */
  parameters: z.ZodType<Args>
  /** JSON Schema sent to the model; generated from `parameters` when absent. */
  jsonSchema?: Record<string, unknown>
  /**
   * The tool may also be offered as a freeform tool (see `ToolSpec.freeform`): the model writes
   * raw text constrained by the grammar, which becomes the string argument `argument`. Wires
   * that support it choose that form; the call reaches `handle` as `{ [argument]: text }`.
   */
  freeform?: ToolSpec['freeform']
  /** Read-only calls of one model response may run in parallel; others run alone. */
  readOnly: boolean | ((args: Args) => boolean)
  /**
   * The tool is not read-only, but its calls are independent of each other and may run in
   * parallel with other parallel-safe or read-only calls (e.g. subagents, whose own mutating
   * calls are serialised inside them). Mutating calls still run alone.
   */
  parallelSafe?: boolean
  /**
   * The handler shows its own work as events (a command's `exec_command_*` through
   * `context.exec`, a patch's `patch_apply_*`, a plan's `plan_update`), for every call or for the
   * calls whose arguments the function accepts. For every other call core emits
   * `tool_call_begin` / `tool_call_end` around it, so each call is visible live.
   */
  emitsOwnEvents?: boolean | ((args: Args) => boolean)
  /**
   * The tool changes files only by running commands through `context.exec` or
   * `context.processes`. Those wait for the turn's workspace snapshot (where `undo` and the turn
   * diff start) before a command runs, except a command the policy knows to be read-only; so
   * the call itself need not wait for the snapshot, and a read-only first command of a turn runs
   * while it is being taken. Leave it unset for any tool that writes files itself.
   */
  changesFilesOnlyByCommands?: boolean
  handle(args: Args, context: ToolContext): Promise<ToolOutput>
  /**
   * How the call is shown when a PreToolUse hook answers `ask` before the tool runs (e.g. the
   * shell command). Defaults to `[name, JSON of the arguments]`.
   */
  describeForApproval?(args: Args): string[]
}

/**
 * Declares a tool with typed arguments and returns it as the `ToolDefinition` that
 * `createAgent({ tools })` takes. The erasure is sound: the router only calls `handle`,
 * `readOnly` and `describeForApproval` with arguments that `parameters` accepted.
 */
export function defineTool<Args>(definition: ToolDefinition<Args>): ToolDefinition {
  return definition as unknown as ToolDefinition
}
