// Run one process to completion the way an agent needs it: bounded capture, streaming, timeout
// and abort that kill the whole tree, and start failures returned as results instead of thrown.
import { type ChildProcess, spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'
import { resolve as resolvePath } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { DEFAULT_MAX_CAPTURE_BYTES, HeadTailCapture } from './capture.js'
import { newEscapeMarker, withMarker } from './escape-marker.js'
import { hasLeftovers, killProcessTree, trackLeader, untrackLeader } from './process-tree.js'
import type { ServedChild } from './spawn-server.js'
import {
  checkCwd,
  delay,
  describeSpawnError,
  EXIT_CODE_FOR_KIND,
  stdioFor,
  streamClosed,
  validateRequest,
  waitForSpawn,
} from './spawn-support.js'
import { closeQuietly, stdinFromText } from './stdin.js'
import type { RunCommandOptions, RunCommandResult, RunErrorKind } from './types.js'

export const DEFAULT_KILL_GRACE_MS = 1000
export const DEFAULT_DRAIN_TIMEOUT_MS = 250
export const DEFAULT_MAX_OUTPUT_DELTAS = 10_000
/** Conventional exit code of a command stopped by its time limit (as `timeout(1)` uses). */
export const TIMEOUT_EXIT_CODE = 124

function failed(kind: RunErrorKind, error: string, startedAt: number): RunCommandResult {
  return {
    exitCode: EXIT_CODE_FOR_KIND[kind],
    signal: null,
    stdout: '',
    stderr: '',
    aggregatedOutput: '',
    durationMs: Math.round(performance.now() - startedAt),
    timedOut: false,
    aborted: kind === 'aborted_before_start',
    truncated: false,
    error,
    errorKind: kind,
    stdoutBytes: 0,
    stderrBytes: 0,
    droppedDeltas: 0,
  }
}

/** A start that failed synchronously: a bad directory, else bad arguments. */
function invalidStart(error: Error, cwd: string, startedAt: number): RunCommandResult {
  const badCwd = checkCwd(cwd)
  if (badCwd) return failed(badCwd.kind, badCwd.message, startedAt)
  // Other synchronous failures are bad arguments (e.g. a NUL byte in argv or env).
  return failed('invalid_request', `invalid command: ${error.message}`, startedAt)
}

/**
 * Run `argv` in `cwd` and resolve with its captured output and how it ended. Never rejects for a
 * process failure: a missing program, bad directory or permission problem comes back as a
 * result with `error` and the conventional exit code.
 */
export async function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const startedAt = performance.now()
  const invalid = validateRequest(options)
  if (invalid) return failed('invalid_request', invalid, startedAt)
  if (options.signal?.aborted)
    return failed('aborted_before_start', 'aborted before the command started', startedAt)
  // The cwd is checked only when the start fails (a missing cwd fails it too, as ENOENT, like a
  // missing program): a stat before every command bought nothing on the usual path.
  const cwd = resolvePath(options.cwd)

  const program = options.argv[0]!
  const envMarker = options.trackEscapes ? newEscapeMarker() : undefined
  const env = envMarker ? withMarker(options.env ?? process.env, envMarker) : (options.env ?? process.env)
  const extraFds = options.extraFds ?? []
  let stdinFd: number | undefined
  try {
    stdinFd = options.stdin === undefined ? undefined : stdinFromText(options.stdin)
  } catch (error) {
    return failed('spawn_failed', `could not prepare stdin: ${(error as Error).message}`, startedAt)
  }
  const stdio = stdioFor(stdinFd ?? 'ignore', extraFds)

  // Through the spawn server when there is one and it is up; text on stdin is a descriptor of
  // this process, which the server cannot use, so such a run starts here.
  const server = options.spawnServer
  const served = server?.ready === true && stdinFd === undefined
  let child: ChildProcess | ServedChild
  try {
    child = served
      ? server.spawn({ file: program, args: options.argv.slice(1), cwd, env, detached: true, extraFds })
      : spawn(program, options.argv.slice(1), {
          cwd,
          env,
          stdio,
          // A new session and process group per command: the tree can then be signalled as a whole.
          detached: true,
          windowsHide: true,
        })
  } catch (error) {
    return invalidStart(error as Error, cwd, startedAt)
  } finally {
    // The child has its own copy of the descriptor now (or never will).
    if (stdinFd !== undefined) closeQuietly(stdinFd)
  }
  // The server starts in the background at the second command that could have used it.
  if (!served) server?.startedDirectly()
  const spawnError = await waitForSpawn(child)
  // The server reports what `spawn` would have thrown here as a start error of its own.
  if ((spawnError as { thrown?: boolean } | undefined)?.thrown)
    return invalidStart(spawnError!, cwd, startedAt)
  if (spawnError || child.pid === undefined) {
    const badCwd = checkCwd(cwd)
    if (badCwd) return failed(badCwd.kind, badCwd.message, startedAt)
    const described = describeSpawnError(spawnError ?? new Error('no pid'), program)
    return failed(described.kind, described.message, startedAt)
  }
  const pid = child.pid
  trackLeader(pid, envMarker)

  const maxCapture = options.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES
  const stdoutCapture = new HeadTailCapture(maxCapture)
  const stderrCapture = new HeadTailCapture(maxCapture)
  const aggregated = new HeadTailCapture(maxCapture)
  const maxDeltas = options.maxOutputDeltas ?? DEFAULT_MAX_OUTPUT_DELTAS
  let deltas = 0
  let droppedDeltas = 0
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') }
  const emit = (stream: 'stdout' | 'stderr', data: string) => {
    if (!options.onOutput || data === '') return
    if (deltas >= maxDeltas) {
      droppedDeltas++
      return
    }
    deltas++
    try {
      options.onOutput({ stream, data })
    } catch {
      // A failing observer must not break the run or lose the captured output.
    }
  }
  const attach = (stream: Readable | null, name: 'stdout' | 'stderr', capture: HeadTailCapture) => {
    stream?.on('data', (chunk: Buffer) => {
      capture.push(chunk)
      aggregated.push(chunk)
      if (!options.onOutput) return
      // Past the cap, skip even the decoding: nothing more will be delivered.
      if (deltas >= maxDeltas) droppedDeltas++
      else emit(name, decoders[name].write(chunk))
    })
    stream?.on('error', () => {
      // EIO/ECONNRESET on a pipe means the writer is gone; the close that follows ends the capture.
    })
  }
  attach(child.stdout, 'stdout', stdoutCapture)
  attach(child.stderr, 'stderr', stderrCapture)

  // (The spawn server writes them itself.)
  for (const extra of served ? [] : extraFds) {
    const stream = child.stdio[extra.fd] as Writable | null
    stream?.on('error', () => {
      // The child closed the descriptor early; nothing to report.
    })
    stream?.end(Buffer.from(extra.data))
  }

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  const pipesClosed = Promise.all([streamClosed(child.stdout), streamClosed(child.stderr)]).then(
    () => 'closed' as const,
  )
  let pipesAreClosed = false
  void pipesClosed.then(() => {
    pipesAreClosed = true
  })

  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  let timedOut = false
  let aborted = false
  let killing: Promise<unknown> | undefined
  const killTree = () => {
    killing ??= killProcessTree(pid, { graceMs: killGraceMs, envMarker })
    return killing
  }
  const timer =
    options.timeoutMs !== undefined && options.timeoutMs >= 0
      ? setTimeout(() => {
          timedOut = true
          void killTree()
        }, options.timeoutMs)
      : undefined
  const onAbort = () => {
    if (timedOut) return
    aborted = true
    void killTree()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  // An abort while the process was starting fired no event.
  if (options.signal?.aborted) onAbort()

  const exit = await exited
  if (timer) clearTimeout(timer)
  options.signal?.removeEventListener('abort', onAbort)
  if (killing) await killing

  // The main process is gone. Background processes may still hold the pipes: read what they
  // write for a short while, then kill them and close the pipes, so nothing can hang the caller.
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS
  if (!pipesAreClosed) await Promise.race([pipesClosed, delay(drainTimeoutMs)])
  if (hasLeftovers(pid, pipesAreClosed, envMarker)) {
    await killProcessTree(pid, { graceMs: killGraceMs, envMarker })
    // Their death closes the pipes unless a holder escaped the tree; do not wait on that long.
    if (!pipesAreClosed) await Promise.race([pipesClosed, delay(Math.min(drainTimeoutMs, 100))])
  }
  for (const stream of child.stdio) stream?.destroy()
  untrackLeader(pid)

  emit('stdout', decoders.stdout.end())
  emit('stderr', decoders.stderr.end())

  const signalNumber = exit.signal ? (osConstants.signals[exit.signal] ?? 0) : 0
  const exitCode = timedOut ? TIMEOUT_EXIT_CODE : (exit.code ?? 128 + signalNumber)
  return {
    exitCode,
    signal: exit.signal,
    stdout: stdoutCapture.text(),
    stderr: stderrCapture.text(),
    aggregatedOutput: aggregated.text(),
    durationMs: Math.round(performance.now() - startedAt),
    timedOut,
    aborted,
    truncated: stdoutCapture.truncated || stderrCapture.truncated || aggregated.truncated,
    pid,
    stdoutBytes: stdoutCapture.totalBytes,
    stderrBytes: stderrCapture.totalBytes,
    droppedDeltas,
  }
}

/** Defaults for every run of a `createCommandRunner` runner (a request's own values win). */
export type CommandRunnerDefaults = Omit<RunCommandOptions, 'argv' | 'cwd'>

/** A `CommandRunner` (core's port) over `runCommand`, with defaults such as `killGraceMs` or an `env`. */
export function createCommandRunner(defaults: CommandRunnerDefaults = {}): {
  run(request: RunCommandOptions): Promise<RunCommandResult>
} {
  return {
    run: (request) => {
      const merged: RunCommandOptions = { ...defaults, argv: request.argv, cwd: request.cwd }
      for (const [key, value] of Object.entries(request)) {
        if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value
      }
      return runCommand(merged)
    },
  }
}
