// Rows of `agent mcp list`: what each configured server is, and (when the manager ran) how it is.
import { type McpServerConfig, type McpTransportKind, transportOf } from '../config.js'

export interface ServerStatus {
  name: string
  transport: McpTransportKind
  /** The command line (stdio) or URL (HTTP). */
  target: string
  /** `idle`: stopped while the session waits (`idle()`); started again when needed. */
  state: 'disabled' | 'starting' | 'ready' | 'failed' | 'disconnected' | 'idle' | 'configured'
  /** Tools offered to the model, once connected. */
  tools?: number
  error?: string
  restarts?: number
  serverInfo?: { name: string; version: string }
  /** Last lines the server wrote to stderr (for the user, never the model). */
  stderrTail?: string
}

/**
 * Rows for servers that were not started (e.g. `agent mcp list` without `--check`): transport,
 * target and whether each is enabled. Secrets in `env` and headers are not shown.
 */
export function describeServers(configs: Record<string, McpServerConfig>): ServerStatus[] {
  return Object.entries(configs)
    .map(([name, config]) => ({
      name,
      transport: transportOf(config),
      target: config.url ?? [config.command, ...(config.args ?? [])].join(' '),
      state: config.enabled === false ? ('disabled' as const) : ('configured' as const),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Formats status rows as an aligned plain-text table (name, transport, state, tools, target/error). */
export function formatStatusTable(rows: ServerStatus[]): string {
  if (rows.length === 0) return 'No MCP servers configured.'
  const header = ['NAME', 'TRANSPORT', 'STATE', 'TOOLS', 'DETAIL']
  const body = rows.map((r) => [
    r.name,
    r.transport,
    r.state,
    r.tools === undefined ? '-' : String(r.tools),
    r.error ? `${r.target} — ${r.error}` : r.target,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), ...body.map(line)].join('\n')
}
