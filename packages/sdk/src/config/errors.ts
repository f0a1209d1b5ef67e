// Errors the CLI reports to the user and exits 2 on: bad configuration or usage.
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    message: string,
    /** The file the problem is in, when it comes from one. */
    readonly file?: string,
    /** The dotted key path, when one key is at fault. */
    readonly keyPath?: string,
  ) {
    super(message)
  }
}

export class UsageError extends Error {
  override readonly name = 'UsageError'
}
