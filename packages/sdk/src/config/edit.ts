// Edits config.toml for `agent mcp add|remove` without rewriting the user's file: a new server
// is appended as its own table, a removed one loses exactly its `[mcp_servers.NAME]` tables
// (and their sub-tables); comments, ordering and everything else stay byte for byte.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parse, stringify } from 'smol-toml'
import { ConfigError } from './errors.js'

const NAME = /^[A-Za-z0-9_-]+$/

export function checkServerName(name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(`MCP server name "${name}": use letters, digits, _ and - only`)
  }
}

function readConfig(file: string): { text: string; table: Record<string, unknown> } {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  try {
    return { text, table: parse(text) as Record<string, unknown> }
  } catch (error) {
    throw new ConfigError(
      `${file}: invalid TOML: ${(error as Error).message.split('\n')[0]}; fix it before editing`,
      file,
    )
  }
}

function servers(table: Record<string, unknown>): Record<string, unknown> {
  const value = table.mcp_servers
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
}

/** Appends `[mcp_servers.NAME]` with `config`. Refuses to replace an existing server. */
export function addMcpServer(file: string, name: string, config: Record<string, unknown>): void {
  checkServerName(name)
  const { text, table } = readConfig(file)
  if (name in servers(table)) {
    throw new ConfigError(
      `${file}: mcp_servers.${name} already exists; remove it first (agent mcp remove ${name})`,
      file,
    )
  }
  const section = stringify({ mcp_servers: { [name]: config } })
    // smol-toml writes the parent `[mcp_servers]` header first; it is implied by the dotted one.
    .replace(/^\[mcp_servers\]\n/m, '')
    .trim()
  const separator = text === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n'
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${text}${separator}${section}\n`)
  const after = servers(readConfig(file).table)
  if (!(name in after)) throw new ConfigError(`${file}: could not add mcp_servers.${name}`, file)
}

/** Header of a table (`[a.b]` or `[[a.b]]`) as its dotted key path, quotes removed. */
function headerPath(line: string): string[] | undefined {
  const match = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line)
  if (!match?.[1]) return undefined
  return match[1].split('.').map((part) => part.trim().replace(/^["'](.*)["']$/, '$1'))
}

/** Removes the server's tables. Returns false when the file does not define it. */
export function removeMcpServer(file: string, name: string): boolean {
  checkServerName(name)
  const { text, table } = readConfig(file)
  if (!(name in servers(table))) return false
  const lines = text.split('\n')
  const kept: string[] = []
  let skipping = false
  for (const line of lines) {
    const path = headerPath(line)
    if (path) skipping = path[0] === 'mcp_servers' && path[1] === name
    if (!skipping) kept.push(line)
  }
  const next = kept.join('\n').replace(/\n{3,}/g, '\n\n')
  const check = servers(parseText(next, file))
  if (name in check) {
    throw new ConfigError(
      `${file}: mcp_servers.${name} is written inline (not as a [mcp_servers.${name}] table); remove it by hand`,
      file,
    )
  }
  writeFileSync(file, next)
  return true
}

function parseText(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>
  } catch (error) {
    throw new ConfigError(
      `${file}: editing would break the file (${(error as Error).message.split('\n')[0]}); edit it by hand`,
      file,
    )
  }
}
