// What createAgent receives: the ports (plain injection, each one a small interface) and the
// session's plain settings. Nothing here is a service locator; every field is used directly.
import type {
  ApprovalPolicy,
  Event,
  HostedTool,
  ModelClient,
  ReasoningEffort,
  SandboxPolicy,
} from '@agent/protocol'
import type { SessionGrant } from '../orchestration/approvals.js'
import type { ExecOutputFormatter } from '../orchestration/format.js'
import type { Clock } from '../ports/clock.js'
import type { HookRunner } from '../ports/hooks.js'
import type { CommandPolicy } from '../ports/policy.js'
import type { CommandRunner, ProcessSessions } from '../ports/runner.js'
import type { Sandbox } from '../ports/sandbox.js'
import type { ApprovalGate, SteeringInbox, StepJournal } from '../ports/step-journal.js'
import type { ToolProvider } from '../ports/tool-provider.js'
import type { WorkspaceTracker } from '../ports/workspace.js'
import type { SessionStore } from '../store/session-store.js'
import type { ToolDefinition } from '../tools/contract.js'
import type { ProjectDocOptions } from './instructions.js'

/** How the session begins: fresh, continued from a rollout, or copied from one. */
export type SessionStart =
  | { type: 'new' }
  | { type: 'resume'; sessionId: string }
  /** Copies the first `userMessages` user inputs (and what followed each) into a new session. */
  | { type: 'fork'; sessionId: string; userMessages: number }

export interface AgentOptions {
  // Ports.
  model: ModelClient
  runner: CommandRunner
  sandbox: Sandbox
  policy: CommandPolicy
  /** Interactive processes for tools like `exec_command`; absent: such tools get a clear error. */
  processes?: ProcessSessions
  tools?: ToolDefinition[]
  /**
   * Tools the provider runs itself (web search), offered with every model request; the model
   * client maps them to its wire or warns that it cannot. Their calls arrive as items of the
   * response (`web_search_call`) with `web_search_begin` / `web_search_end` events: nothing runs here.
   */
  hostedTools?: HostedTool[]
  /** MCP connection managers; started by the agent, closed by whoever created them. */
  toolProviders?: ToolProvider[]
  hooks?: HookRunner
  /** Enables `turn_diff` events and the `undo` op. */
  workspace?: WorkspaceTracker
  /** Where the rollout is written; absent: the session is ephemeral (no rollout, no resume). */
  store?: SessionStore
  clock?: Clock
  /**
   * Runs every non-deterministic step of a turn (model samplings, tool calls, hook runs, ids and
   * clock values). Absent: steps run directly (no cost). With a journal, events are emitted at
   * step boundaries only (deltas inside a step are dropped) so a replay emits the same events.
   */
  journal?: StepJournal
  /** Where approvals wait for the user's answer; default: the `exec_approval` / `patch_approval` ops. */
  approvals?: ApprovalGate
  /**
   * With a journal, the streaming deltas (`agent_message_delta`, `agent_reasoning_delta`,
   * `exec_command_output_delta`) a step produces are not events (a replay could not repeat them);
   * they come here as they happen, for a live preview (a durable engine's short-lived buffer).
   */
  onStreamingEvent?: (event: Event) => void
  /** Steering sent from outside the process (a durable engine); read at each model request. */
  steeringInbox?: SteeringInbox
  /**
   * `approved_for_session` answers an earlier process of this session got (`Agent.sessionGrants()`):
   * a durable engine that builds an agent per turn keeps them so the next turn does not ask again.
   */
  sessionGrants?: SessionGrant[]
  /** Formats a finished command for the model (inject `@agent/exec`'s `formatForModel`). */
  formatExecOutput?: ExecOutputFormatter

  // Session settings.
  /** Absolute working directory of the session. */
  cwd: string
  /** Model name sent in requests (`gpt-5`, `claude-sonnet-4-5`, ...). */
  modelName: string
  /** Provider id recorded in the session (defaults to `model.provider`). */
  modelProvider?: string
  effort?: ReasoningEffort
  /** Base instructions; a short default for coding agents when absent. */
  instructions?: string
  /** The user's own instructions (e.g. `$AGENT_HOME/AGENTS.md`), added before the project's. */
  userInstructions?: string
  approvalPolicy?: ApprovalPolicy
  sandboxPolicy?: SandboxPolicy
  /** Tokens the model accepts; enables automatic compaction. */
  contextWindow?: number
  /** Fraction of `contextWindow` at which history is compacted (default 0.9). */
  compactionThreshold?: number
  /** Complete environment for commands (the caller applies its env policy); default `process.env`. */
  env?: Record<string, string>
  projectDoc?: ProjectDocOptions
  /**
   * Model requests one turn may make (Claude Code's `maxTurns`, used for subagents). When the
   * model still calls tools after the last allowed request, those calls run, then the turn ends
   * with an `error` event of kind `max_turns` and `turn_complete` carrying the last message so far.
   */
  maxModelRequestsPerTurn?: number
  /** Time limit for one command when the tool gives none (default 10 minutes). */
  commandTimeoutMs?: number
  /** Shell named in the environment context (default `$SHELL` basename, else `bash`). */
  shell?: string
  /** Recorded in the session meta (e.g. the CLI's version). */
  cliVersion?: string
  originator?: string
  session?: SessionStart
  /** Session id for a new session (default: a random UUID). */
  sessionId?: string
}
