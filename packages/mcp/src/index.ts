// @agent/mcp: the MCP client connection manager (other people's MCP servers as the agent's tools)
// and the agent as an MCP server. Implements core's `ToolProvider` port structurally.
export { type AddServerInput, buildServerConfig, validateServerName } from './client/add-server.js'
export type { ClientIdentity, McpRoot, ServerRequestHandlers } from './client/connection.js'
export {
  createMcpManager,
  McpConnectionManager,
  type McpManagerOptions,
  type McpPromptInfo,
  type McpProvidedTool,
  type McpToolResult,
} from './client/manager.js'
export {
  type McpOAuthOptions,
  memoryOAuthStore,
  type OAuthState,
  type OAuthStore,
  ServerOAuthProvider,
} from './client/oauth.js'
export { promptArguments, promptCommand, promptMessagesText, rootForDirectory } from './client/prompts.js'
export { RESOURCE_TOOL_NAMES } from './client/resources.js'
export { describeServers, formatStatusTable, type ServerStatus } from './client/status.js'
// The configuration schema, its parsers and AgentMcpError (also the `@agent/mcp/config` entry).
export * from './config-entry.js'
export { contentBlockToParts, toolResultToParts } from './content.js'
export { type Environment, expandEnvVars, expandServerConfig } from './expand.js'
export { parseMcpJson } from './mcp-json.js'
export type { AgentSessionHandle, AgentSessionPort, StartSessionOptions } from './server/agent-port.js'
export {
  AGENT_EVENT_NOTIFICATION,
  AgentMcpServer,
  type AgentMcpServerOptions,
  createAgentMcpServer,
} from './server/agent-server.js'
export { approvalElicitation, approvalOp } from './server/approvals.js'
export { rejectNonLoopback } from './server/host-check.js'
export { type AgentMcpServing, type ServeAgentMcpOptions, serveAgentMcp } from './server/serve.js'
export { MAX_TOOL_NAME_LENGTH, qualifiedToolName, ToolNamer } from './tool-names.js'
