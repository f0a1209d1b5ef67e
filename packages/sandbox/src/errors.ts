// Errors as values with a kind, so callers can tell "this machine cannot sandbox" from bad input.

export type SandboxErrorKind =
  /** The machine cannot provide the sandbox the policy asks for (fail closed). */
  | 'unavailable'
  /** The policy or command is malformed (relative path, missing cwd, empty argv...). */
  | 'invalid_request'
  /** The policy asks for something this backend cannot enforce. */
  | 'unsupported'

export class SandboxError extends Error {
  override readonly name = 'SandboxError'
  constructor(
    readonly kind: SandboxErrorKind,
    message: string,
  ) {
    super(message)
  }
}
