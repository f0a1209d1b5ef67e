// @agent/sdk: the composition root of the agent runtime (configuration -> the concrete parts ->
// core's `createAgent`), used by the `agent` CLI and by embedders.

export { addMcpServer, checkServerName, removeMcpServer } from './config/edit.js'
export { ConfigError, UsageError } from './config/errors.js'
export { findProjectAgentDir, type LoadedConfig, loadConfig, resolveAgentHome } from './config/load.js'
export { type ConfigTable, mergeTables, parseOverride, setPath } from './config/overrides.js'
export { AgentConfig, Toolset } from './config/schema.js'
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
export { type SessionMcpServers, sessionMcpServers } from './runtime/mcp-servers.js'
export {
  type ModelFlags,
  NO_MODEL_CONFIGURED,
  providerFromEnv,
  type SelectedModel,
  selectModel,
} from './runtime/model.js'
export { confinedShell, expandPrompt, type McpPromptSource, type ShellDeps } from './runtime/slash.js'
export { quoteCommand } from './thread/quote.js'
export { ThreadEventMapper } from './thread/thread-events.js'
export { VERSION } from './version.js'
