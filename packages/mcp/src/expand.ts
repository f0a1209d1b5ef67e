// `${VAR}` and `${VAR:-default}` expansion in server settings, as Claude Code does for .mcp.json:
// secrets stay in the environment, not in the file.
import type { McpServerConfig } from './config.js'
import { AgentMcpError } from './errors.js'

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

export type Environment = Record<string, string | undefined>

/**
 * Expands `${VAR}` and `${VAR:-default}` in `text`. An unset variable without a default is an
 * error naming `where` (the setting) and the variable; an empty default (`${VAR:-}`) is allowed.
 */
export function expandEnvVars(text: string, env: Environment, where = 'value'): string {
  return text.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
    const value = env[name]
    if (value !== undefined && value !== '') return value
    if (fallback !== undefined) return fallback
    if (value === '') return ''
    throw new AgentMcpError(
      'config',
      `${where} uses \${${name}}, which is not set: export ${name} or write \${${name}:-default}`,
    )
  })
}

const expandMap = (map: Record<string, string> | undefined, env: Environment, where: string) =>
  map &&
  Object.fromEntries(
    Object.entries(map).map(([key, value]) => [key, expandEnvVars(value, env, `${where}.${key}`)]),
  )

/** Expands variables in every string setting that may carry one (command, args, env, cwd, url, headers). */
export function expandServerConfig(
  config: McpServerConfig,
  env: Environment,
  where: string,
): McpServerConfig {
  const out: McpServerConfig = { ...config }
  if (config.command !== undefined) out.command = expandEnvVars(config.command, env, `${where}.command`)
  if (config.args) out.args = config.args.map((arg, i) => expandEnvVars(arg, env, `${where}.args[${i}]`))
  if (config.env) out.env = expandMap(config.env, env, `${where}.env`)
  if (config.cwd !== undefined) out.cwd = expandEnvVars(config.cwd, env, `${where}.cwd`)
  if (config.url !== undefined) out.url = expandEnvVars(config.url, env, `${where}.url`)
  if (config.http_headers) out.http_headers = expandMap(config.http_headers, env, `${where}.http_headers`)
  return out
}
