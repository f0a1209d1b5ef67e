// How a failed command reports itself: one clear line (or a few) on stderr, then the exit code.
// Configuration and usage problems exit 2 and nothing else happens; anything else exits 1.
import { ConfigError, SandboxUnavailableError, UsageError } from '@agent/sdk'

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError) return 2
  if (error instanceof Error && error.name === 'SessionNotFoundError') return 2
  return 1
}

export function describeError(error: unknown): string {
  if (
    error instanceof SandboxUnavailableError ||
    error instanceof ConfigError ||
    error instanceof UsageError
  ) {
    return error.message
  }
  if (error instanceof Error) return error.message
  return String(error)
}

export function reportAndExit(error: unknown): never {
  process.stderr.write(`agent: ${describeError(error)}\n`)
  process.exit(exitCodeFor(error))
}
