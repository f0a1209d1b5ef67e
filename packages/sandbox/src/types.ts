// Shapes shared by the backends; structurally identical to core's `Sandbox` port.
import type { SandboxPolicy } from '@agent/protocol'

export interface WrappedCommand {
  argv: string[]
  env: Record<string, string>
  /** Descriptors the runner must pass to the child, each fed with `data` then closed. */
  fds: { fd: number; data: Uint8Array }[]
}

export interface CommandToWrap {
  argv: string[]
  cwd: string
  env: Record<string, string>
}

/** The subset of a run result that tells whether the sandbox got in the way. */
export interface RunOutcome {
  exitCode: number
  signal: string | null
  stdout: string
  stderr: string
}

export interface Sandbox {
  wrapCommand(policy: SandboxPolicy, command: CommandToWrap): Promise<WrappedCommand>
  isLikelySandboxDenial(result: RunOutcome): boolean
}
