// Configuration of one MCP server, shared by config.toml (`mcp_servers.<name>`), Claude-style
// `.mcp.json` files and plugins: a zod schema, validation with messages that name the field, and
// the transport a config selects.
import { z } from 'zod'
import { AgentMcpError } from './errors.js'

// Built at its first use (z.lazy): a config without MCP servers, which is every start of most
// sessions, never pays for the ~25 schemas below.
function buildMcpServerConfig() {
  const stringList = z.array(z.string())
  const stringMap = z.record(z.string(), z.string())
  const seconds = z.number().positive().finite()
  return z
    .strictObject({
      /** Transport; inferred from `command` (stdio) or `url` (http) when absent. */
      type: z.enum(['stdio', 'http', 'sse']).optional(),
      command: z.string().min(1).optional(),
      args: stringList.optional(),
      /** Extra environment for a stdio server, on top of a small safe default (HOME, PATH, ...). */
      env: stringMap.optional(),
      cwd: z.string().min(1).optional(),
      url: z.string().min(1).optional(),
      http_headers: stringMap.optional(),
      /** Header name → environment variable whose value is sent as that header. */
      env_http_headers: stringMap.optional(),
      /** Environment variable holding a token sent as `Authorization: Bearer <token>`. */
      bearer_token_env_var: z.string().min(1).optional(),
      /** OAuth client settings, for servers that require OAuth (the manager needs its `oauth` option). */
      oauth: z
        .strictObject({
          /** A pre-registered client; without it the client registers itself (or uses `client_metadata_url`). */
          client_id: z.string().min(1).optional(),
          /** Environment variable holding the pre-registered client's secret. */
          client_secret_env_var: z.string().min(1).optional(),
          /** An https URL of a client ID metadata document, used as client_id where the server supports it. */
          client_metadata_url: z.string().url().optional(),
          /** Scopes to ask for when the server does not say which it needs. */
          scopes: stringList.optional(),
        })
        .optional(),
      enabled: z.boolean().optional(),
      /** A required server that fails to start stops the session instead of being skipped. */
      required: z.boolean().optional(),
      startup_timeout_sec: seconds.optional(),
      tool_timeout_sec: seconds.optional(),
      /** Only these tools are offered to the model (before `disabled_tools` is applied). */
      enabled_tools: stringList.optional(),
      disabled_tools: stringList.optional(),
    })
    .superRefine((config, ctx) => {
      const transport = config.type ?? (config.command ? 'stdio' : config.url ? 'http' : undefined)
      if (!transport) {
        ctx.addIssue({
          code: 'custom',
          path: ['command'],
          message: 'is required: set `command` for a stdio server or `url` for an HTTP server',
        })
        return
      }
      if (transport === 'stdio') {
        if (!config.command) {
          ctx.addIssue({ code: 'custom', path: ['command'], message: 'is required for type "stdio"' })
        }
        for (const key of [
          'url',
          'http_headers',
          'env_http_headers',
          'bearer_token_env_var',
          'oauth',
        ] as const) {
          if (config[key] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: 'applies to HTTP servers only; remove it or replace `command` with `url`',
            })
          }
        }
      } else {
        if (!config.url) {
          ctx.addIssue({ code: 'custom', path: ['url'], message: `is required for type "${transport}"` })
        }
        for (const key of ['command', 'args', 'env', 'cwd'] as const) {
          if (config[key] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: 'applies to stdio servers only; remove it or replace `url` with `command`',
            })
          }
        }
      }
    })
}

/**
 * One `mcp_servers.<name>` entry. Stdio servers have `command`; HTTP servers have `url` (streamable
 * HTTP, or the legacy HTTP+SSE transport with `type = "sse"`). Strict: an unknown key is an error,
 * so a typo does not silently drop a setting.
 */
export const McpServerConfig = z.lazy(buildMcpServerConfig)
export type McpServerConfig = z.infer<typeof McpServerConfig>

export type McpTransportKind = 'stdio' | 'http' | 'sse'

export const DEFAULT_STARTUP_TIMEOUT_SEC = 30
export const DEFAULT_TOOL_TIMEOUT_SEC = 120

/** The transport a (valid) config selects. */
export function transportOf(config: McpServerConfig): McpTransportKind {
  return config.type ?? (config.command ? 'stdio' : 'http')
}

/**
 * Validates one server entry; `where` prefixes error messages (`mcp_servers.db`), so the message
 * reads `mcp_servers.db.command is required ...`.
 */
export function parseMcpServerConfig(raw: unknown, where: string): McpServerConfig {
  const result = McpServerConfig.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`
    }
    const path = [where, ...issue.path.map(String)].join('.')
    return issue.code === 'custom' ? `${path} ${issue.message}` : `${path}: ${issue.message}`
  })
  throw new AgentMcpError('config', problems.join('; '))
}

/** Validates a whole `mcp_servers` table (name → entry). */
export function parseMcpServers(raw: unknown, where = 'mcp_servers'): Record<string, McpServerConfig> {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AgentMcpError('config', `${where} must be a table of server name → settings`)
  }
  const out: Record<string, McpServerConfig> = {}
  for (const [name, entry] of Object.entries(raw)) {
    if (name.trim() === '') throw new AgentMcpError('config', `${where} has a server with an empty name`)
    out[name] = parseMcpServerConfig(entry, `${where}.${name}`)
  }
  return out
}
