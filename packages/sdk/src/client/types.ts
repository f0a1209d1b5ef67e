// The public shapes of the client API, one to one with @openai/codex-sdk's (same names, same
// fields), so code written for it compiles against this package by changing the import. The
// additions (in-process approvals, tools, hooks, MCP servers, persistence) are marked as such.
import type { Agent, HookInput, HookOutcome, ToolDefinition } from '@agent/core'
import type { FileChange } from '@agent/protocol'

// ---- items and events (Codex SDK `ThreadItem`, `ThreadEvent`) ----

export type CommandExecutionStatus = 'in_progress' | 'completed' | 'failed'
export type CommandExecutionItem = {
  id: string
  type: 'command_execution'
  /** The command line executed by the agent. */
  command: string
  /** Aggregated stdout and stderr captured while the command was running. */
  aggregated_output: string
  /** Set when the command exits; omitted while still running. */
  exit_code?: number
  status: CommandExecutionStatus
}
export type PatchChangeKind = 'add' | 'delete' | 'update'
export type FileUpdateChange = { path: string; kind: PatchChangeKind }
export type PatchApplyStatus = 'completed' | 'failed'
export type FileChangeItem = {
  id: string
  type: 'file_change'
  changes: FileUpdateChange[]
  status: PatchApplyStatus
}
export type McpToolCallStatus = 'in_progress' | 'completed' | 'failed'
export type McpToolCallItem = {
  id: string
  type: 'mcp_tool_call'
  server: string
  tool: string
  arguments: unknown
  // biome-ignore lint/suspicious/noExplicitAny: MCP content blocks, as the Codex SDK types them (its ContentBlock)
  result?: { content: any[]; _meta?: unknown; structured_content: unknown }
  error?: { message: string }
  status: McpToolCallStatus
}
/** Natural-language text, or JSON when an `outputSchema` was given. */
export type AgentMessageItem = { id: string; type: 'agent_message'; text: string }
export type ReasoningItem = { id: string; type: 'reasoning'; text: string }
/** A provider-hosted web search (`webSearchMode` "cached" or "live"): completes when its results are in. */
export type WebSearchItem = { id: string; type: 'web_search'; query: string }
export type ErrorItem = { id: string; type: 'error'; message: string }
export type TodoItem = { text: string; completed: boolean }
export type TodoListItem = { id: string; type: 'todo_list'; items: TodoItem[] }
export type ThreadItem =
  | AgentMessageItem
  | ReasoningItem
  | CommandExecutionItem
  | FileChangeItem
  | McpToolCallItem
  | WebSearchItem
  | TodoListItem
  | ErrorItem

export type Usage = {
  input_tokens: number
  cached_input_tokens: number
  /** Always 0: no provider here reports cache writes separately. */
  cache_write_input_tokens: number
  output_tokens: number
  reasoning_output_tokens: number
}
export type ThreadError = { message: string }
export type ThreadStartedEvent = { type: 'thread.started'; thread_id: string }
export type TurnStartedEvent = { type: 'turn.started' }
export type TurnCompletedEvent = { type: 'turn.completed'; usage: Usage }
export type TurnFailedEvent = { type: 'turn.failed'; error: ThreadError }
export type ItemStartedEvent = { type: 'item.started'; item: ThreadItem }
export type ItemUpdatedEvent = { type: 'item.updated'; item: ThreadItem }
export type ItemCompletedEvent = { type: 'item.completed'; item: ThreadItem }
export type ThreadErrorEvent = { type: 'error'; message: string }
export type ThreadEvent =
  | ThreadStartedEvent
  | TurnStartedEvent
  | TurnCompletedEvent
  | TurnFailedEvent
  | ItemStartedEvent
  | ItemUpdatedEvent
  | ItemCompletedEvent
  | ThreadErrorEvent

// ---- input, turns ----

export type UserInput = { type: 'text'; text: string } | { type: 'local_image'; path: string }
export type Input = string | UserInput[]

export type TurnOptions = {
  /** JSON Schema of the final response; the model is asked for it natively, `finalResponse` is the JSON. */
  outputSchema?: unknown
  /** Aborts the turn: running commands (their whole process trees) are killed, `run` rejects. */
  signal?: AbortSignal
  /** Codex-only (OpenAI's cyber access programme); accepted for compatibility, only `undefined` is valid. */
  cyberAccessProgram?: 'standard' | 'daybreak_blue' | 'daybreak_red'
}
export type Turn = { items: ThreadItem[]; finalResponse: string; usage: Usage | null }
export type RunResult = Turn
export type StreamedTurn = { events: AsyncGenerator<ThreadEvent> }
export type RunStreamedResult = StreamedTurn

// ---- threads ----

export type ApprovalMode = 'never' | 'on-request' | 'on-failure' | 'untrusted'
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access'
export type ModelReasoningEffort =
  | 'minimal'
  | 'low'
  | 'medium'
  | 'high'
  | 'xhigh'
  | 'max'
  | 'ultra'
  | 'persistent'
export type WebSearchMode = 'disabled' | 'cached' | 'live'

export type ThreadOptions = {
  model?: string
  /** Codex's source label for a new thread; recorded as the session's originator. */
  threadSource?: string
  sandboxMode?: SandboxMode
  workingDirectory?: string
  skipGitRepoCheck?: boolean
  modelReasoningEffort?: ModelReasoningEffort
  networkAccessEnabled?: boolean
  /**
   * Provider-hosted web search (config `web_search`): `cached` (the provider's index), `live`,
   * or `disabled`. `webSearchEnabled: true` is `live`, `false` is `disabled`; the mode wins.
   */
  webSearchMode?: WebSearchMode
  webSearchEnabled?: boolean
  approvalPolicy?: ApprovalMode
  /** More directories commands may write to under `workspace-write`. */
  additionalDirectories?: string[]
}

// ---- client ----

export type ConfigValue = string | number | boolean | ConfigValue[] | ConfigObject
export type ConfigObject = { [key: string]: ConfigValue }

/** What `onApproval` is asked. */
export type ApprovalRequest =
  | {
      type: 'command'
      callId: string
      command: string[]
      cwd: string
      reason?: string
      /** A prefix that `approved_for_session` may remember instead of the exact command. */
      proposedPrefix?: string[]
      /** The command failed in the sandbox; approving reruns it unconfined. */
      retryWithoutSandbox?: boolean
    }
  | {
      type: 'patch'
      callId: string
      changes: Record<string, FileChange>
      reason?: string
      /** Root the approval would allow writes under for the rest of the session. */
      grantRoot?: string
    }

export type ApprovalDecision = 'approved' | 'approved_for_session' | 'denied' | 'abort'
/** A decision, or a decision with feedback for the model (why not, what to do instead). */
export type ApprovalAnswer =
  | ApprovalDecision
  | { decision: ApprovalDecision; feedback?: string; prefix?: string[] }

/** A hook as a function: receives Claude Code's hook input, returns its outcome (or nothing). */
export type HookFunction = (
  input: HookInput,
  context: { signal?: AbortSignal },
) => HookOutcome | undefined | Promise<HookOutcome | undefined>
export type HookMatcher = {
  /** Tool-name pattern for tool events (a regular expression, like Claude Code's matchers); absent: all. */
  matcher?: string
  hooks: HookFunction[]
}
export type Hooks = Partial<Record<HookInput['hook_event_name'], (HookFunction | HookMatcher)[]>>

/** An MCP server: a config object (like `mcp_servers.<name>` in config.toml), or an SDK server in this process. */
export type McpServerOption =
  | Record<string, unknown>
  /** An `McpServer` (or low-level `Server`) from @modelcontextprotocol/sdk; one connection at a time. */
  | { connect(transport: unknown): Promise<void>; close(): Promise<void> }
  /** A factory: a fresh server per thread (use it when threads run in parallel). */
  | (() => { connect(transport: unknown): Promise<void>; close(): Promise<void> })

export type ClientOptions = {
  /** Provider id: `openai`, `openai-chat`, `anthropic`, `ollama`, `lmstudio` or a `model_providers` key. */
  provider?: string
  model?: string
  /** The provider's endpoint (e.g. `http://127.0.0.1:11434/v1`). */
  baseUrl?: string
  /** The provider's key; default: its environment variable (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`...). */
  apiKey?: string
  /** config.toml keys as an object (`{ sandbox_workspace_write: { network_access: true } }`), over the files. */
  config?: ConfigObject
  /** Raw `-c key=value` overrides, applied after `config`. */
  configOverrides?: string[]
  /** false: read no config.toml (neither `$AGENT_HOME/config.toml` nor the project's). Default true. */
  readConfigFiles?: boolean
  /** Environment of the agent and its commands; default `process.env` (not inherited when given). */
  env?: Record<string, string>
  /** Codex SDK option: the path of the `codex` binary. Ignored: nothing is spawned. */
  codexPathOverride?: string
  /** Record sessions in `$AGENT_HOME/sessions` (resumable by the CLI too). Default false: kept in memory. */
  persist?: boolean
  /** Record sessions under this directory instead of `$AGENT_HOME` (`<storeDir>/sessions/YYYY/MM/DD/*.jsonl`); implies `persist`. */
  storeDir?: string
  /** Decides approval requests; without it nothing asks (`approvalPolicy` defaults to `never`). */
  onApproval?: (request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>
  /** Tools of your own (`defineTool`), offered beside the built-in toolset. */
  tools?: ToolDefinition[]
  /** Hooks as functions, run after any configured hooks. */
  hooks?: Hooks
  /** MCP servers beside the configured ones, by name. */
  mcpServers?: Record<string, McpServerOption>
  /** Plugin directories (like `--plugin-dir`). */
  pluginDirs?: string[]
  /**
   * Start commands through this process's spawn server (default true): a small helper process,
   * started at the second command and shared by every thread, that forks the commands so that
   * this process never does. A fork of a Node process costs more the more it has mapped (an
   * `echo`: 9.5 ms from a bare Node process, 14 ms from one holding 100 MB more) and blocks its
   * event loop; the server's does not grow with yours. It costs ~9 MB of memory of its own.
   * `false` forks here.
   */
  spawnServer?: boolean
}

export type { Agent }
