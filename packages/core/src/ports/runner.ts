// Port: run one process to completion. Implemented by `@agent/exec` (`runCommand`).
export interface RunRequest {
  /** Program and arguments; never passed through a shell. */
  argv: string[]
  cwd: string
  /** The complete environment of the child (the caller applies the env policy). */
  env?: Record<string, string>
  timeoutMs?: number
  signal?: AbortSignal
  /** Written to stdin, then stdin is closed. Without it stdin is closed at once. */
  stdin?: string
  /** Per stream head+tail capture limit. */
  maxCaptureBytes?: number
  onOutput?: (chunk: { stream: 'stdout' | 'stderr'; data: string }) => void
  /** Extra file descriptors for the child, each fed with `data` then closed (a sandbox's seccomp program). */
  extraFds?: { fd: number; data: Uint8Array }[]
}

export interface RunResult {
  /** 124 on timeout; 128+N when killed by signal N; 127 when the program was not found. */
  exitCode: number
  signal: string | null
  stdout: string
  stderr: string
  aggregatedOutput: string
  durationMs: number
  timedOut: boolean
  aborted: boolean
  truncated: boolean
  /** Set when the process could not start: "command not found: foo", "no such directory: /x". */
  error?: string
}

export interface CommandRunner {
  run(request: RunRequest): Promise<RunResult>
}

/** Port: long-running interactive processes (Codex's unified exec). Implemented by `@agent/exec`. */
export interface ProcessSessions {
  start(request: {
    argv: string[]
    cwd: string
    env?: Record<string, string>
    tty?: boolean
    extraFds?: { fd: number; data: Uint8Array }[]
  }): Promise<{ sessionId: string }>
  write(sessionId: string, chars: string): Promise<void>
  /** New output since the last read, waiting up to `yieldTimeMs` for more (returns early on exit). */
  read(
    sessionId: string,
    options: { yieldTimeMs: number; maxBytes?: number },
  ): Promise<{ output: string; exited: boolean; exitCode: number | null; truncated: boolean }>
  kill(sessionId: string): Promise<void>
}
