// Errors of this package are values with a kind, so a caller (the CLI, core, a CI gate) can
// branch on what went wrong and show the message as is: it names the file, line and fix.

export type PolicyErrorKind =
  /** The tree-sitter runtime or the bash grammar could not be loaded. */
  | 'parser_init'
  /** A `.rules` file is not valid `prefix_rule(...)` syntax. */
  | 'rules_syntax'
  /** A `match` / `not_match` example of a rule does not behave as the rule claims. */
  | 'rules_example'
  /** A Claude Code settings file or permission entry is malformed. */
  | 'settings_invalid'
  /** The command to judge is empty or not a list of strings. */
  | 'invalid_command'
  /** A command-line argument of `agent-policy` is wrong. */
  | 'usage'

export class PolicyError extends Error {
  override readonly name = 'PolicyError'
  constructor(
    readonly kind: PolicyErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The message of anything thrown, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
