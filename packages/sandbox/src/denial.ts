// Heuristic: did a failed command fail because the sandbox refused something? Used by core to
// offer "retry without the sandbox?"; a false positive only costs the user one question.
import type { RunOutcome } from './types.js'

const DENIAL_PATTERNS: readonly RegExp[] = [
  /operation not permitted/i,
  /permission denied/i,
  /read-only file system/i,
  /\b(?:EPERM|EACCES|EROFS)\b/,
  /bad system call/i,
  /network is unreachable/i,
  /could not resolve host/i,
  /temporary failure in name resolution/i,
  /name or service not known/i,
  /\bgetaddrinfo\b.*\b(?:EAI_AGAIN|ENOTFOUND)\b/i,
  /^bwrap: /m,
  /^sandbox-exec: /m,
  /deny\(\d+\)/,
]

// SIGSYS is how a seccomp kill shows; 128 + 31 is the same through bwrap's exit status.
const SIGSYS_EXIT = 159

export function isLikelySandboxDenial(result: RunOutcome): boolean {
  if (result.signal === 'SIGSYS' || result.exitCode === SIGSYS_EXIT) return true
  if (result.exitCode === 0 && result.signal === null) return false
  const text = `${result.stderr}\n${result.stdout}`
  return DENIAL_PATTERNS.some((pattern) => pattern.test(text))
}
