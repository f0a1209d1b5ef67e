// Which environment variables a command gets: Codex's `shell_environment_policy`, with secret-
// looking names dropped unless the user opts in, and defaults that keep children non-interactive.
import picomatch from 'picomatch'
import { z } from 'zod'

/** The variables `inherit = "core"` keeps (the ones nearly every program needs). */
export const CORE_ENV_VARS = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'USER',
  'USERNAME',
  'TMPDIR',
  'TEMP',
  'TMP',
] as const

/** Names that look like credentials; dropped unless `ignore_default_excludes` is true. */
export const DEFAULT_SECRET_PATTERNS = ['*KEY*', '*SECRET*', '*TOKEN*', '*PASSWORD*'] as const

/** Set in every child so that tools never wait on a pager or emit colour codes into the capture. */
export const NON_INTERACTIVE_ENV: Readonly<Record<string, string>> = {
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GH_PAGER: 'cat',
  NO_COLOR: '1',
}

const pattern = z.string().min(1, 'a pattern must not be empty')

/**
 * `shell_environment_policy` as written in a config file. Order of application: `inherit`, then
 * the default secret excludes, then `exclude`, then `set`, then `include_only`. Patterns are
 * case-insensitive globs (`*`, `?`, `[abc]`, `{A,B}`).
 */
export const ShellEnvironmentPolicy = z.strictObject({
  inherit: z.enum(['all', 'core', 'none']).default('all'),
  ignore_default_excludes: z.boolean().default(false),
  exclude: z.array(pattern).default([]),
  include_only: z.array(pattern).default([]),
  set: z.record(z.string(), z.string()).default({}),
})
export type ShellEnvironmentPolicy = z.output<typeof ShellEnvironmentPolicy>
export type ShellEnvironmentPolicyInput = z.input<typeof ShellEnvironmentPolicy>

export interface BuildChildEnvOptions {
  /** Add `NON_INTERACTIVE_ENV` (default true). A name in the policy's `set` still wins. */
  nonInteractive?: boolean
}

/** Thrown by `buildChildEnv` for a policy that does not match the schema. */
export class EnvPolicyError extends Error {
  readonly kind = 'env_policy_invalid'
  constructor(message: string) {
    super(message)
    this.name = 'EnvPolicyError'
  }
}

function matcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => false
  return picomatch([...patterns], { nocase: true, dot: true })
}

/** Parse a policy, reporting the first problem with its key path (`shell_environment_policy.inherit: ...`). */
export function parseShellEnvironmentPolicy(input: unknown): ShellEnvironmentPolicy {
  const parsed = ShellEnvironmentPolicy.safeParse(input ?? {})
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const path = ['shell_environment_policy', ...issue.path.map(String)].join('.')
  throw new EnvPolicyError(`${path}: ${issue.message}`)
}

/**
 * The complete environment for a child, derived from `baseEnv` (default `process.env`) by the
 * policy. Throws `EnvPolicyError` for an invalid policy.
 */
export function buildChildEnv(
  policy: ShellEnvironmentPolicyInput | undefined = {},
  baseEnv: Record<string, string | undefined> = process.env,
  options: BuildChildEnvOptions = {},
): Record<string, string> {
  const resolved = parseShellEnvironmentPolicy(policy)
  const env: Record<string, string> = {}
  const core = new Set<string>(CORE_ENV_VARS)
  if (resolved.inherit !== 'none') {
    for (const [name, value] of Object.entries(baseEnv)) {
      if (value === undefined) continue
      if (resolved.inherit === 'core' && !core.has(name)) continue
      env[name] = value
    }
  }
  const isSecret = resolved.ignore_default_excludes ? () => false : matcher(DEFAULT_SECRET_PATTERNS)
  const isExcluded = matcher(resolved.exclude)
  for (const name of Object.keys(env)) {
    if (isSecret(name) || isExcluded(name)) delete env[name]
  }
  Object.assign(env, resolved.set)
  if (resolved.include_only.length > 0) {
    const isIncluded = matcher(resolved.include_only)
    for (const name of Object.keys(env)) if (!isIncluded(name)) delete env[name]
  }
  // Applied last so `include_only` cannot strip them; an explicit `set` of the same name wins.
  if (options.nonInteractive ?? true) {
    for (const [name, value] of Object.entries(NON_INTERACTIVE_ENV)) {
      if (!Object.hasOwn(resolved.set, name)) env[name] = value
    }
  }
  return env
}
