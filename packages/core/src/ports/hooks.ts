// Port: user-configured hooks around tool calls and turns (Claude Code's hook protocol).
// Implemented by `@agent/plugins`.
import type { EventMsg } from '@agent/protocol'

export type HookEventName =
  | 'PreToolUse'
  | 'PostToolUse'
  | 'UserPromptSubmit'
  | 'Stop'
  | 'SubagentStop'
  | 'SessionStart'
  | 'SessionEnd'
  | 'PreCompact'
  | 'Notification'
  | 'PermissionRequest'
  | 'BeforeModelRequest'
  | 'AfterModelResponse'

/** The JSON sent to hook commands on stdin (Claude Code's field names). */
export interface HookInput {
  session_id: string
  transcript_path?: string
  cwd: string
  hook_event_name: HookEventName
  tool_name?: string
  tool_input?: unknown
  tool_use_id?: string
  tool_response?: unknown
  prompt?: string
  stop_hook_active?: boolean
  [key: string]: unknown
}

/** The merged outcome of every hook that matched. */
export interface HookOutcome {
  /** Exit code 2 or `decision: "block"`: the action is blocked; `reason` goes to the model. */
  blocked?: { reason: string }
  /** PreToolUse: deny > ask > allow across hooks. */
  permissionDecision?: 'allow' | 'deny' | 'ask'
  permissionDecisionReason?: string
  /** PreToolUse: replacement tool input. */
  updatedInput?: unknown
  /** UserPromptSubmit: replacement prompt. */
  updatedPrompt?: string
  /** Text added to the model's context. */
  additionalContext?: string[]
  /** Messages for the user (`systemMessage`, non-blocking errors). */
  systemMessages?: string[]
  /** `continue: false`: stop the agent after this step. */
  stop?: { reason?: string }
}

export interface HookRunner {
  run(
    input: HookInput,
    options: { signal?: AbortSignal; onEvent?: (msg: EventMsg) => void },
  ): Promise<HookOutcome>
  /**
   * Whether `run(input)` would run any hook now. Core asks before the hooks of a call that
   * could otherwise start before the turn's workspace snapshot is taken (a read-only tool), so
   * a session whose runner has no hook for it does not wait. Absent (or throwing): core
   * assumes a hook may run, and waits.
   */
  willRun?(input: HookInput): boolean | Promise<boolean>
}
