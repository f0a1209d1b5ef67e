// @agent/sdk: the agent runtime in your own process. `createClient` (shaped like @openai/codex-sdk)
// for embedders; underneath, the composition root (configuration -> the concrete parts -> core's
// `createAgent`) that the `agent` CLI uses too.

export type { HookInput, HookOutcome, HookRunner, ToolContext, ToolDefinition } from '@agent/core'
export { AgentClient, Codex, createClient } from './client/client.js'
export { TurnAbortedError, TurnFailedError } from './client/errors.js'
export { toThreadEvent, toThreadItem } from './client/items.js'
export { Thread } from './client/thread.js'
export { defineTool, type ToolSpec } from './client/tool.js'
export type * from './client/types.js'
export { addMcpServer, checkServerName, removeMcpServer } from './config/edit.js'
export { ConfigError, UsageError } from './config/errors.js'
export { findProjectAgentDir, type LoadedConfig, loadConfig, resolveAgentHome } from './config/load.js'
export { type ConfigTable, mergeTables, parseOverride, setPath } from './config/overrides.js'
export { AgentConfig, Toolset, type WebSearchSetting, webSearchMode } from './config/schema.js'
export {
  describeSkipped,
  formatTrustNotice,
  recordTrust,
  rejectTrustRecords,
  resolveWorkspaceTrust,
  restrictUntrustedProject,
  shortPath,
  type TrustLevel,
  type TrustRecords,
  type WorkspaceTrust,
} from './config/trust.js'
export {
  composeRuntime,
  type Runtime,
  type RuntimeSettings,
  SandboxUnavailableError,
  sandboxPolicyFor,
} from './runtime/compose.js'
export {
  type DurableTurnInput,
  type DurableTurnSession,
  type DurableWorkerSettings,
  durableSessionFactory,
} from './runtime/durable.js'
export { chainHooks, mergeHookOutcomes } from './runtime/hook-outcomes.js'
export { type SessionMcpServers, sessionMcpServers } from './runtime/mcp-servers.js'
export {
  type ModelFlags,
  NO_MODEL_CONFIGURED,
  providerFromEnv,
  type SelectedModel,
  selectModel,
} from './runtime/model.js'
export {
  confinedShell,
  describeMcpPrompt,
  expandPrompt,
  type McpPromptCommand,
  type McpPromptSource,
  type ShellDeps,
} from './runtime/slash.js'
export { quoteCommand } from './thread/quote.js'
export { ThreadEventMapper } from './thread/thread-events.js'
export { VERSION } from './version.js'
