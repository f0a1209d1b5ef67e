// Port: confine a command according to a SandboxPolicy. Implemented by `@agent/sandbox`.
import type { SandboxPolicy } from '@agent/protocol'
import type { RunResult } from './runner.js'

export interface WrappedCommand {
  argv: string[]
  env: Record<string, string>
  /** Descriptors the runner must pass to the child (e.g. bwrap's `--seccomp 3`). */
  fds: { fd: number; data: Uint8Array }[]
}

export interface Sandbox {
  /**
   * Rewrites a command so it runs confined. Rejects with an actionable message when the machine
   * cannot provide the sandbox the policy asks for (fail closed: never run unconfined silently).
   * `danger-full-access` returns the command unchanged.
   */
  wrapCommand(
    policy: SandboxPolicy,
    command: { argv: string[]; cwd: string; env: Record<string, string> },
  ): Promise<WrappedCommand>
  /** True when a failed result looks like the sandbox denied something (EPERM/EROFS text, SIGSYS). */
  isLikelySandboxDenial(result: Pick<RunResult, 'exitCode' | 'stdout' | 'stderr' | 'signal'>): boolean
  /**
   * Optional: called once a confined command's process tree is gone, with when it started. Undoes
   * what the sandbox could not stop at the time (e.g. git hooks planted in a repository the command
   * created) and returns a note for the model and the user, or null.
   */
  afterCommand?(
    policy: SandboxPolicy,
    command: { argv: string[]; cwd: string; env: Record<string, string> },
    startedAt: number,
  ): Promise<string | null>
}
