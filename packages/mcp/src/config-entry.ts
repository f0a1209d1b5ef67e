// `@agent/mcp/config`: the `mcp_servers` configuration schema and its parsers, without the
// client, the server or the SDK. A config loader can validate MCP sections without evaluating
// the rest of the package (the `agent` CLI does, at every start).
export {
  DEFAULT_STARTUP_TIMEOUT_SEC,
  DEFAULT_TOOL_TIMEOUT_SEC,
  McpServerConfig,
  type McpTransportKind,
  parseMcpServerConfig,
  parseMcpServers,
  transportOf,
} from './config.js'
export { AgentMcpError, type McpErrorKind } from './errors.js'
