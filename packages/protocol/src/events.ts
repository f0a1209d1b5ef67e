// Events: what the agent emits (the "event queue" of the queue pair). Every event carries the
// id of the submission it answers.
import { z } from 'zod'
import { ResponseItem, WebSearchAction } from './items.js'
import { StopReason } from './model.js'
import { ApprovalPolicy, ReasoningEffort, SandboxPolicy, TokenUsage } from './policy.js'

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape })

export const SessionConfigured = ev('session_configured', {
  session_id: z.string(),
  model: z.string(),
  model_provider: z.string().optional(),
  cwd: z.string(),
  approval_policy: ApprovalPolicy,
  sandbox_policy: SandboxPolicy,
  effort: ReasoningEffort.optional(),
  /** Path of the JSONL rollout, absent for ephemeral sessions. */
  rollout_path: z.string().optional(),
  /** History replayed into a resumed or forked session. */
  initial_messages: z.array(ResponseItem).optional(),
})

export const TurnStarted = ev('turn_started', {
  turn_id: z.string().optional(),
  model_context_window: z.number().int().positive().optional(),
})
export const TurnComplete = ev('turn_complete', {
  turn_id: z.string().optional(),
  last_agent_message: z.string().nullable(),
  /** Why the model's last response ended (`max_tokens`: cut off; `refusal`: it declined). */
  stop_reason: StopReason.optional(),
})
export const TurnAborted = ev('turn_aborted', {
  turn_id: z.string().optional(),
  reason: z.enum(['interrupted', 'replaced', 'error', 'shutdown']),
})

export const UserMessage = ev('user_message', {
  message: z.string(),
  images: z.array(z.string()).optional(),
})
export const AgentMessage = ev('agent_message', { message: z.string() })
export const AgentMessageDelta = ev('agent_message_delta', { delta: z.string() })
export const AgentReasoning = ev('agent_reasoning', { text: z.string() })
export const AgentReasoningDelta = ev('agent_reasoning_delta', { delta: z.string() })

export const ExecCommandBegin = ev('exec_command_begin', {
  call_id: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  /** Whether the command runs confined, and how. */
  sandbox: z.enum(['none', 'read-only', 'workspace-write']).optional(),
})
export const ExecCommandOutputDelta = ev('exec_command_output_delta', {
  call_id: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  /** Output bytes decoded as UTF-8 (invalid sequences replaced). */
  chunk: z.string(),
})
export const ExecCommandEnd = ev('exec_command_end', {
  call_id: z.string(),
  exit_code: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  aggregated_output: z.string(),
  duration_ms: z.number().nonnegative(),
  timed_out: z.boolean().optional(),
  /** Output as the model saw it. */
  formatted_output: z.string().optional(),
})

export const ExecApprovalRequest = ev('exec_approval_request', {
  call_id: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  /** Why approval is asked: the policy's reason, or the sandbox denial being escalated. */
  reason: z.string().optional(),
  /** A prefix the client may offer to approve for the rest of the session. */
  proposed_prefix: z.array(z.string()).optional(),
  /** True when the command already failed in the sandbox and approval is to rerun it unconfined. */
  retry_without_sandbox: z.boolean().optional(),
  /** Set when a subagent (a Task tool's child agent) asks: its agent type, e.g. `Explore`. */
  subagent: z.string().optional(),
})

/** One file's change, as shown for approval and in `patch_apply_*` events. */
export const FileChange = z.discriminatedUnion('type', [
  z.object({ type: z.literal('add'), content: z.string() }),
  z.object({ type: z.literal('delete'), content: z.string().optional() }),
  z.object({
    type: z.literal('update'),
    unified_diff: z.string(),
    move_path: z.string().optional(),
  }),
])
export type FileChange = z.infer<typeof FileChange>

export const ApplyPatchApprovalRequest = ev('apply_patch_approval_request', {
  call_id: z.string(),
  changes: z.record(z.string(), FileChange),
  reason: z.string().optional(),
  /** Root the user is asked to allow writes under for the rest of the session. */
  grant_root: z.string().optional(),
  /** Set when a subagent (a Task tool's child agent) asks: its agent type, e.g. `Explore`. */
  subagent: z.string().optional(),
})
export const PatchApplyBegin = ev('patch_apply_begin', {
  call_id: z.string(),
  auto_approved: z.boolean(),
  changes: z.record(z.string(), FileChange),
})
export const PatchApplyEnd = ev('patch_apply_end', {
  call_id: z.string(),
  success: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
})
export const TurnDiff = ev('turn_diff', { unified_diff: z.string() })

export const McpInvocation = z.object({
  server: z.string(),
  tool: z.string(),
  arguments: z.unknown().optional(),
})
export const McpToolCallBegin = ev('mcp_tool_call_begin', {
  call_id: z.string(),
  invocation: McpInvocation,
})
export const McpToolCallEnd = ev('mcp_tool_call_end', {
  call_id: z.string(),
  invocation: McpInvocation,
  duration_ms: z.number().nonnegative(),
  /** The MCP `CallToolResult` on success, or an error message. */
  result: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
})
/**
 * A tool call whose tool emits no events of its own (not a command, a patch or an MCP call): the
 * file readers and searchers, view_image, WebFetch, subagents, embedders' tools. Core emits the
 * pair around the call, so every tool call is visible live.
 */
export const ToolCallBegin = ev('tool_call_begin', {
  call_id: z.string(),
  /** The tool's name, as the model called it (e.g. `Read`). */
  tool: z.string(),
  /** The call's arguments: the JSON the model sent, parsed (its text when it is not JSON). */
  arguments: z.unknown(),
})
export const ToolCallEnd = ev('tool_call_end', {
  call_id: z.string(),
  tool: z.string(),
  success: z.boolean(),
  duration_ms: z.number().nonnegative(),
  /** What the model got back, as text, cut to a few KB (images are named, not included). */
  output: z.string(),
  /** Set when `output` was cut: the length of the whole text. */
  output_chars: z.number().int().nonnegative().optional(),
})
export const McpStartupStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('starting') }),
  z.object({ state: z.literal('ready'), tools: z.number().int().nonnegative() }),
  z.object({ state: z.literal('failed'), error: z.string() }),
  z.object({ state: z.literal('cancelled') }),
])
export const McpStartupUpdate = ev('mcp_startup_update', {
  server: z.string(),
  status: McpStartupStatus,
})
export const McpStartupComplete = ev('mcp_startup_complete', {
  ready: z.array(z.string()),
  failed: z.array(z.object({ server: z.string(), error: z.string() })),
  cancelled: z.array(z.string()),
})
export const McpListToolsResponse = ev('mcp_list_tools_response', {
  tools: z.record(
    z.string(),
    z.object({
      name: z.string(),
      description: z.string().optional(),
      input_schema: z.unknown().optional(),
    }),
  ),
})

/** A provider-hosted web search started (the model's response is still streaming). */
export const WebSearchBegin = ev('web_search_begin', {
  call_id: z.string(),
  /** The query, when the provider says it before the search is done. */
  query: z.string().optional(),
})
/** A hosted web search finished; `action` is what it did (search, open_page, find_in_page). */
export const WebSearchEnd = ev('web_search_end', {
  call_id: z.string(),
  query: z.string(),
  action: WebSearchAction.optional(),
  /** `completed`, or `failed` when the provider reported an error. */
  status: z.string().optional(),
})

export const PlanStatus = z.enum(['pending', 'in_progress', 'completed'])
export const PlanItem = z.object({ step: z.string(), status: PlanStatus })
export const PlanUpdate = ev('plan_update', {
  explanation: z.string().optional(),
  plan: z.array(PlanItem),
})

export const TokenCount = ev('token_count', {
  info: z
    .object({
      total_token_usage: TokenUsage,
      last_token_usage: TokenUsage,
      model_context_window: z.number().int().positive().optional(),
    })
    .nullable(),
})

export const HookEventName = z.string()
export const HookStarted = ev('hook_started', {
  run_id: z.string(),
  hook_event_name: HookEventName,
  command: z.string(),
  tool_name: z.string().optional(),
})
export const HookCompleted = ev('hook_completed', {
  run_id: z.string(),
  hook_event_name: HookEventName,
  outcome: z.enum(['success', 'blocked', 'error', 'timeout']),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().nonnegative(),
  /** What the hook said to the user (stderr on error, `systemMessage`). */
  message: z.string().optional(),
})

export const ContextCompacted = ev('context_compacted', {
  tokens_before: z.number().int().nonnegative().optional(),
  tokens_after: z.number().int().nonnegative().optional(),
})
export const UndoCompleted = ev('undo_completed', {
  success: z.boolean(),
  message: z.string().optional(),
})
export const Warning = ev('warning', { message: z.string() })
export const ErrorEvent = ev('error', {
  message: z.string(),
  /** A machine-readable kind: `invalid_op`, `model_error`, `config_error`, ... */
  kind: z.string().optional(),
})
/** A model stream failed; `retrying` says whether another attempt follows. */
export const StreamError = ev('stream_error', {
  message: z.string(),
  retrying: z.boolean().optional(),
  attempt: z.number().int().positive().optional(),
  delay_ms: z.number().nonnegative().optional(),
})
export const BackgroundEvent = ev('background_event', { message: z.string() })
export const ShutdownComplete = ev('shutdown_complete', {})

export const EventMsg = z.discriminatedUnion('type', [
  SessionConfigured,
  TurnStarted,
  TurnComplete,
  TurnAborted,
  UserMessage,
  AgentMessage,
  AgentMessageDelta,
  AgentReasoning,
  AgentReasoningDelta,
  ExecCommandBegin,
  ExecCommandOutputDelta,
  ExecCommandEnd,
  ExecApprovalRequest,
  ApplyPatchApprovalRequest,
  PatchApplyBegin,
  PatchApplyEnd,
  TurnDiff,
  McpToolCallBegin,
  McpToolCallEnd,
  ToolCallBegin,
  ToolCallEnd,
  McpStartupUpdate,
  McpStartupComplete,
  McpListToolsResponse,
  WebSearchBegin,
  WebSearchEnd,
  PlanUpdate,
  TokenCount,
  HookStarted,
  HookCompleted,
  ContextCompacted,
  UndoCompleted,
  Warning,
  ErrorEvent,
  StreamError,
  BackgroundEvent,
  ShutdownComplete,
])
export type EventMsg = z.infer<typeof EventMsg>
export type EventMsgType = EventMsg['type']
/** The message of one event type, e.g. `EventMsgOf<'exec_command_end'>`. */
export type EventMsgOf<T extends EventMsgType> = Extract<EventMsg, { type: T }>

export const Event = z.object({ id: z.string(), msg: EventMsg })
export type Event = z.infer<typeof Event>
