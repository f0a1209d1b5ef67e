// The MCP servers a session starts: `mcp_servers` of config.toml, then those plugins and
// `.mcp.json` files contribute (a configured name wins). Shared by the composition root and
// `agent mcp list`, so the list shows exactly what a session would start.
import type { McpServerConfig } from '@agent/mcp'
import type { McpServerEntry } from '@agent/plugins'

export interface SessionMcpServers {
  servers: Record<string, McpServerConfig>
  /** Servers marked `required` (and not disabled): a failure to start stops the session. */
  required: Set<string>
  /** One line per contributed server that is not valid and was skipped. */
  warnings: string[]
}

export function sessionMcpServers(
  configured: Record<string, unknown>,
  contributed: readonly McpServerEntry[],
  parse: (raw: unknown, where: string) => McpServerConfig,
): SessionMcpServers {
  // Each entry with where it was written, for the error that names it.
  const raw = new Map<string, { config: unknown; where: string }>()
  for (const [name, config] of Object.entries(configured))
    raw.set(name, { config, where: `mcp_servers.${name}` })
  for (const entry of contributed) {
    if (!raw.has(entry.name))
      raw.set(entry.name, { config: entry.config, where: `${entry.origin.file}: ${entry.name}` })
  }
  const out: SessionMcpServers = { servers: {}, required: new Set(), warnings: [] }
  for (const [name, { config, where }] of raw) {
    try {
      const server = parse(config, where)
      out.servers[name] = server
      if (server.required && server.enabled !== false) out.required.add(name)
    } catch (error) {
      out.warnings.push(`MCP server ${name} skipped: ${(error as Error).message}`)
    }
  }
  return out
}
