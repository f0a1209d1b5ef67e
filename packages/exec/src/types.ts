// The shapes of a run: a superset of core's `RunRequest` / `RunResult` ports, declared here so
// this package stays usable without core (TypeScript matches them structurally).

import type { SpawnServer } from './spawn-server.js'

export interface OutputChunk {
  stream: 'stdout' | 'stderr'
  /** Decoded UTF-8; a character split across reads is delivered whole in the later chunk. */
  data: string
}

export interface ExtraFd {
  /** Descriptor number in the child (3 or more). */
  fd: number
  /** Written to the descriptor, which is then closed (e.g. a seccomp program for `bwrap --seccomp 3`). */
  data: Uint8Array
}

export interface RunCommandOptions {
  /** Program and arguments. Never run through a shell: pass `['bash', '-lc', script]` for that. */
  argv: string[]
  cwd: string
  /** The complete environment of the child (see `buildChildEnv`). Defaults to `process.env`. */
  env?: Record<string, string>
  /** Kill the tree after this many milliseconds; the result then has `timedOut` and exit code 124. */
  timeoutMs?: number
  /** Aborting kills the tree; the result then has `aborted`. */
  signal?: AbortSignal
  /** Written to stdin, then stdin is closed. Without it the child's stdin is `/dev/null`. */
  stdin?: string
  /** Per-stream head+tail capture limit in bytes (default 1 MiB). */
  maxCaptureBytes?: number
  /** Called for each chunk as it arrives, at most `maxOutputDeltas` times. */
  onOutput?: (chunk: OutputChunk) => void
  extraFds?: ExtraFd[]
  /** Time between SIGTERM and SIGKILL when killing the tree (default 1000 ms). */
  killGraceMs?: number
  /**
   * After the main process exits, how long to keep reading pipes that background processes
   * still hold open (default 250 ms). Then those processes are killed and the pipes closed.
   */
  drainTimeoutMs?: number
  /** Cap on `onOutput` calls for this run (default 10 000); later chunks are still captured. */
  maxOutputDeltas?: number
  /**
   * Also find the command's processes by a random `AGENT_EXEC_RUN_ID` added to their environment,
   * so that daemons which double-forked into a new session are killed too (default false: the
   * child's environment is then exactly `env`). Costs a /proc scan after every run.
   */
  trackEscapes?: boolean
  /**
   * Start the command through this spawn server once it is up (the second run that could have
   * used it starts it; until then, and for runs with `stdin`, commands start directly). See
   * `SpawnServer`: a fork of a big Node process is slow, the server's is not.
   */
  spawnServer?: SpawnServer
}

export interface RunCommandResult {
  /** 124 on timeout; 128+N when killed by signal N; 127 not found; 126 cannot execute; 125 bad cwd. */
  exitCode: number
  /** Name of the signal that ended the main process, if any. */
  signal: string | null
  stdout: string
  stderr: string
  /** stdout and stderr interleaved in arrival order (bounded like each stream). */
  aggregatedOutput: string
  durationMs: number
  timedOut: boolean
  aborted: boolean
  /** True when some output was dropped from the middle of a stream. */
  truncated: boolean
  /** Set when the process could not start: "command not found: foo", "no such directory: /x". */
  error?: string
  /** What kind of start failure `error` describes. */
  errorKind?: RunErrorKind
  /** Process id of the main process (also its process group and session id); absent if it never started. */
  pid?: number
  stdoutBytes: number
  stderrBytes: number
  /** Chunks not passed to `onOutput` because `maxOutputDeltas` was reached. */
  droppedDeltas: number
}

export type RunErrorKind =
  | 'invalid_request'
  | 'command_not_found'
  | 'permission_denied'
  | 'bad_cwd'
  | 'aborted_before_start'
  | 'spawn_failed'
