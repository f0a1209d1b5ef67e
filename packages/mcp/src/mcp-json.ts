// Claude-style `.mcp.json` (`{"mcpServers": {"name": {...}}}`, also the `mcpServers` of a plugin
// manifest) mapped onto the same server config as config.toml.
import { type McpServerConfig, parseMcpServerConfig } from './config.js'
import { AgentMcpError } from './errors.js'

/** Claude's keys → ours; everything else is passed through and validated strictly. */
const RENAMED: Record<string, string> = { headers: 'http_headers' }

/**
 * Parses the text (or already-parsed value) of a `.mcp.json` file. `source` (a path) prefixes
 * error messages. Variables are expanded later, when a server starts, so a file can be loaded
 * before its secrets are exported.
 */
export function parseMcpJson(input: string | unknown, source = '.mcp.json'): Record<string, McpServerConfig> {
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      throw new AgentMcpError('config', `${source} is not valid JSON: ${(error as Error).message}`)
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentMcpError('config', `${source} must be a JSON object with an "mcpServers" object`)
  }
  const servers = (value as Record<string, unknown>).mcpServers
  if (servers === undefined) return {}
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw new AgentMcpError('config', `${source}: "mcpServers" must be an object of server name → settings`)
  }
  const out: Record<string, McpServerConfig> = {}
  for (const [name, entry] of Object.entries(servers)) {
    const where = `${source}: mcpServers.${name}`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new AgentMcpError('config', `${where} must be an object`)
    }
    const mapped: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(entry)) mapped[RENAMED[key] ?? key] = v
    // Claude writes `"type": "streamable-http"` in some docs; both mean streamable HTTP.
    if (mapped.type === 'streamable-http' || mapped.type === 'streamable_http') mapped.type = 'http'
    out[name] = parseMcpServerConfig(mapped, where)
  }
  return out
}
