// Errors of the client API besides the composition's (ConfigError, UsageError, SandboxUnavailableError).

/** The turn failed (the model's or a required MCP server's error); `run` rejects with it. */
export class TurnFailedError extends Error {
  override readonly name = 'TurnFailedError'
}

/** The turn was aborted through `signal`; its commands were killed first. */
export class TurnAbortedError extends Error {
  override readonly name = 'AbortError'
}
