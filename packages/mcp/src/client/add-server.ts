// What `agent mcp add` needs before it edits config.toml: a validated server entry built from
// command-line pieces, with errors that name the flag to fix.
import { type McpServerConfig, parseMcpServerConfig } from '../config.js'
import { AgentMcpError } from '../errors.js'

export interface AddServerInput {
  name: string
  /** The server's command line (`agent mcp add name -- npx -y server`). */
  command?: string[]
  /** Or the URL of an HTTP server (`--url`). */
  url?: string
  /** `--transport sse` for a legacy HTTP+SSE server. */
  transport?: 'http' | 'sse'
  /** `--env KEY=VALUE`, repeatable (stdio). */
  env?: string[]
  /** `--header 'Name: value'`, repeatable (HTTP). */
  headers?: string[]
  /** `--bearer-token-env-var NAME` (HTTP). */
  bearerTokenEnvVar?: string
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/

/** Checks a server name for `mcp_servers.<name>`: letters, digits, `_` and `-`. */
export function validateServerName(name: string): void {
  if (!NAME.test(name)) {
    throw new AgentMcpError(
      'config',
      `server name ${JSON.stringify(name)} is invalid: use 1–64 letters, digits, "_" or "-"`,
    )
  }
}

function pairs(
  items: string[] | undefined,
  separator: string,
  flag: string,
): Record<string, string> | undefined {
  if (!items || items.length === 0) return undefined
  const out: Record<string, string> = {}
  for (const item of items) {
    const at = item.indexOf(separator)
    const key = at > 0 ? item.slice(0, at).trim() : ''
    if (!key)
      throw new AgentMcpError('config', `${flag} ${JSON.stringify(item)} must look like KEY${separator}VALUE`)
    out[key] = item.slice(at + separator.length).trim()
  }
  return out
}

/** Builds and validates the `mcp_servers.<name>` entry for `agent mcp add`. */
export function buildServerConfig(input: AddServerInput): McpServerConfig {
  validateServerName(input.name)
  const hasCommand = (input.command?.length ?? 0) > 0
  if (hasCommand === Boolean(input.url)) {
    throw new AgentMcpError('config', 'give either a command (after --) or --url, not both and not neither')
  }
  const raw: Record<string, unknown> = hasCommand
    ? {
        command: input.command?.[0],
        ...((input.command?.length ?? 0) > 1 ? { args: input.command?.slice(1) } : {}),
        env: pairs(input.env, '=', '--env'),
      }
    : {
        url: input.url,
        ...(input.transport === 'sse' ? { type: 'sse' } : {}),
        http_headers: pairs(input.headers, ':', '--header'),
        bearer_token_env_var: input.bearerTokenEnvVar,
      }
  if (hasCommand && (input.headers?.length || input.bearerTokenEnvVar || input.transport)) {
    throw new AgentMcpError(
      'config',
      '--header, --bearer-token-env-var and --transport apply to --url servers only',
    )
  }
  if (!hasCommand && input.env?.length) {
    throw new AgentMcpError('config', '--env applies to stdio servers only; HTTP servers take --header')
  }
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined))
  return parseMcpServerConfig(defined, `mcp_servers.${input.name}`)
}
