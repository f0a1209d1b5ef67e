// Errors of this package are values with a kind, so callers (the CLI, core) can branch on what
// went wrong and show the message as is: it names the server and what to do about it.

export type McpErrorKind =
  /** A server entry in config.toml / .mcp.json is malformed. */
  | 'config'
  /** A server could not be started or initialised. */
  | 'startup'
  /** A server marked `required = true` failed to start. */
  | 'required_server_failed'
  /** The manager is closed, or was used before `start()`. */
  | 'state'

export class AgentMcpError extends Error {
  override readonly name = 'AgentMcpError'
  constructor(
    readonly kind: McpErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The message of anything thrown, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}
