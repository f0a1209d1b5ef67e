// Long-running interactive processes (Codex's unified exec): start in the background, write to
// stdin, read what arrived since the last read, kill. A cap on live sessions prunes the least
// recently used. Pipes always work; a PTY is used when asked for (`tty: true`).
import { type ChildProcess, spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'
import { resolve as resolvePath } from 'node:path'
import type { Writable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { HeadTailCapture } from './capture.js'
import { newEscapeMarker, withMarker } from './escape-marker.js'
import { truncateMiddle } from './format.js'
import { hasLeftovers, killProcessTree, trackLeader, untrackLeader } from './process-tree.js'
import { loadPty, type PtyModule, type PtyProcess } from './pty.js'
import {
  checkCwd,
  delay,
  describeSpawnError,
  EXIT_CODE_FOR_KIND,
  locateProgram,
  stdioFor,
  streamClosed,
  validateRequest,
  waitForSpawn,
} from './spawn-support.js'
import { closeQuietly, openStdinPipe, type StdinPipe } from './stdin.js'
import type { ExtraFd } from './types.js'

export const DEFAULT_MAX_SESSIONS = 64
/** Pending (unread) output kept per session, head + tail. */
export const DEFAULT_SESSION_BUFFER_BYTES = 1024 * 1024
/** In pipe mode, writing exactly this (Ctrl-D) closes the child's stdin, as a terminal would send EOF. */
export const END_OF_INPUT = '\u0004'

export type ProcessSessionErrorKind =
  | 'unknown_session'
  | 'session_exited'
  | 'invalid_request'
  | 'pty_unavailable'

/** A session call that cannot be carried out; `kind` says why. */
export class ProcessSessionError extends Error {
  constructor(
    readonly kind: ProcessSessionErrorKind,
    message: string,
  ) {
    super(message)
    this.name = 'ProcessSessionError'
  }
}

export interface StartSessionRequest {
  argv: string[]
  cwd: string
  /** Complete environment of the child; defaults to the manager's `env`, then `process.env`. */
  env?: Record<string, string>
  /** Run under a pseudo-terminal (merged output, line discipline, Ctrl-C as `\u0003`). */
  tty?: boolean
  /** Pipe mode only: descriptors fed with `data` then closed. */
  extraFds?: ExtraFd[]
}

export interface ReadSessionOptions {
  /** Wait this long for output; returns early when the process exits. */
  yieldTimeMs: number
  /** Cut the returned output in the middle to this many bytes. */
  maxBytes?: number
}

export interface ReadSessionResult {
  output: string
  exited: boolean
  exitCode: number | null
  /** True when output was dropped (buffer overflow between reads, or `maxBytes`). */
  truncated: boolean
}

export interface SessionInfo {
  sessionId: string
  argv: string[]
  pid: number | undefined
  tty: boolean
  exited: boolean
  exitCode: number | null
  lastUsedAt: number
}

export interface ProcessSessionManagerOptions {
  /** Live sessions kept at most; starting one more prunes the least recently used (default 64). */
  maxSessions?: number
  /** Unread output kept per session, head + tail (default 1 MiB). */
  maxBufferedBytes?: number
  /** SIGTERM-to-SIGKILL grace when killing a session's tree (default 1000 ms). */
  killGraceMs?: number
  /** After the main process exits, how long to read pipes held by its background children (default 250 ms). */
  drainTimeoutMs?: number
  /** Default environment of children when a request has none. */
  env?: Record<string, string>
  /** Tag children's environments to find daemons that left the session (see `RunCommandOptions.trackEscapes`). */
  trackEscapes?: boolean
  /** Terminal size for `tty` sessions (default 80x24). */
  columns?: number
  rows?: number
}

interface Session {
  id: string
  argv: string[]
  tty: boolean
  pid: number | undefined
  lastUsedAt: number
  /** Monotonic use stamp for LRU order (wall-clock milliseconds tie too easily). */
  useStamp: number
  pending: HeadTailCapture
  decoder: StringDecoder
  /** True once the process exited and its output was drained. */
  done: boolean
  exitCode: number | null
  finished: Promise<void>
  /** `NAME=value` in the children's environment when escapes are tracked. */
  envMarker?: string
  stdin?: Writable
  pty?: PtyProcess
}

/**
 * Interactive sessions; satisfies core's `ProcessSessions` port. Call `closeAll()` on shutdown.
 */
export class ProcessSessionManager {
  private readonly sessions = new Map<string, Session>()
  private nextId = 1
  private nextStamp = 1
  private readonly maxSessions: number
  private readonly maxBufferedBytes: number
  private readonly killGraceMs: number
  private readonly drainTimeoutMs: number

  constructor(private readonly options: ProcessSessionManagerOptions = {}) {
    this.maxSessions = Math.max(1, options.maxSessions ?? DEFAULT_MAX_SESSIONS)
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_SESSION_BUFFER_BYTES
    this.killGraceMs = options.killGraceMs ?? 1000
    this.drainTimeoutMs = options.drainTimeoutMs ?? 250
  }

  /**
   * Start a process. A process that cannot start (missing program, bad cwd) still gets a
   * session: its first read reports the error as output with exit code 127/126/125.
   * Rejects only for a malformed request or a missing PTY backend.
   */
  async start(request: StartSessionRequest): Promise<{ sessionId: string }> {
    const invalid = validateRequest(request)
    if (invalid) throw new ProcessSessionError('invalid_request', invalid)
    if (request.tty && request.extraFds?.length) {
      throw new ProcessSessionError('invalid_request', 'extraFds are not supported with tty: true; use pipes')
    }
    await this.pruneForNewSession()
    const session: Session = {
      id: String(this.nextId++),
      argv: [...request.argv],
      tty: request.tty ?? false,
      pid: undefined,
      lastUsedAt: Date.now(),
      useStamp: this.nextStamp++,
      pending: new HeadTailCapture(this.maxBufferedBytes),
      decoder: new StringDecoder('utf8'),
      done: false,
      exitCode: null,
      finished: Promise.resolve(),
    }
    const cwd = resolvePath(request.cwd)
    const baseEnv = request.env ?? this.options.env ?? (process.env as Record<string, string>)
    session.envMarker = this.options.trackEscapes ? newEscapeMarker() : undefined
    const env = session.envMarker ? withMarker(baseEnv, session.envMarker) : baseEnv
    const startFailure =
      checkCwd(cwd) ?? (session.tty ? failureOf(locateProgram(request.argv[0]!, env.PATH, cwd)) : undefined)
    if (startFailure) {
      this.failStart(session, startFailure.kind, startFailure.message)
    } else if (session.tty) {
      const pty = await loadPty()
      if (typeof pty === 'string') throw new ProcessSessionError('pty_unavailable', pty)
      this.startPty(session, pty, request, cwd, env)
    } else {
      await this.startPipes(session, request, cwd, env)
    }
    this.sessions.set(session.id, session)
    return { sessionId: session.id }
  }

  async write(sessionId: string, chars: string): Promise<void> {
    const session = this.get(sessionId)
    if (session.done || (!session.pty && !session.stdin?.writable)) {
      const status = session.done ? `exited with code ${session.exitCode}` : 'closed its input'
      throw new ProcessSessionError(
        'session_exited',
        `session ${sessionId} has ${status}; read it to get the remaining output`,
      )
    }
    if (session.pty) {
      session.pty.write(chars)
      return
    }
    const stdin = session.stdin!
    if (chars === END_OF_INPUT) {
      stdin.end()
      return
    }
    // Handed to the stream, not awaited until flushed: a child that stops reading must not
    // block the caller (our end of the FIFO never sees EPIPE, so a flush might never come).
    stdin.write(chars)
  }

  async read(sessionId: string, options: ReadSessionOptions): Promise<ReadSessionResult> {
    const session = this.get(sessionId)
    if (!session.done) await Promise.race([session.finished, delay(Math.max(0, options.yieldTimeMs))])
    const pending = session.pending
    session.pending = new HeadTailCapture(this.maxBufferedBytes)
    let output = pending.text()
    let truncated = pending.truncated
    if (options.maxBytes !== undefined) {
      const cut = truncateMiddle(output, options.maxBytes)
      output = cut.text
      truncated ||= cut.removedChars > 0
    }
    // An exited session whose output has been handed over is done: forget it.
    if (session.done) this.sessions.delete(sessionId)
    return { output, exited: session.done, exitCode: session.exitCode, truncated }
  }

  /** Change a `tty` session's terminal size (the program gets SIGWINCH). */
  resize(sessionId: string, columns: number, rows: number): void {
    const session = this.get(sessionId)
    if (!session.pty) {
      throw new ProcessSessionError(
        'invalid_request',
        `session ${sessionId} has no terminal to resize; start it with tty: true`,
      )
    }
    if (!Number.isInteger(columns) || !Number.isInteger(rows) || columns < 1 || rows < 1) {
      throw new ProcessSessionError(
        'invalid_request',
        `terminal size must be positive integers, got ${columns}x${rows}`,
      )
    }
    if (!session.done) session.pty.resize(columns, rows)
  }

  /** Kill the session's whole process tree and forget it. */
  async kill(sessionId: string): Promise<void> {
    const session = this.get(sessionId)
    this.sessions.delete(sessionId)
    await this.terminate(session)
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      argv: [...s.argv],
      pid: s.pid,
      tty: s.tty,
      exited: s.done,
      exitCode: s.exitCode,
      lastUsedAt: s.lastUsedAt,
    }))
  }

  /** Kill every session (call on shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()]
    this.sessions.clear()
    await Promise.all(all.map((session) => this.terminate(session)))
  }

  private get(sessionId: string): Session {
    const session = this.sessions.get(sessionId)
    if (!session) {
      throw new ProcessSessionError(
        'unknown_session',
        `unknown session ${sessionId}: it was never started, was killed or pruned, or exited and was fully read`,
      )
    }
    session.lastUsedAt = Date.now()
    session.useStamp = this.nextStamp++
    return session
  }

  private async terminate(session: Session): Promise<void> {
    if (session.pid !== undefined && !session.done) {
      await killProcessTree(session.pid, { graceMs: this.killGraceMs, envMarker: session.envMarker })
      await session.finished
    }
  }

  /** Make room for one more: drop exited sessions first, then the least recently used live one. */
  private async pruneForNewSession(): Promise<void> {
    while (this.sessions.size >= this.maxSessions) {
      const byAge = [...this.sessions.values()].sort((a, b) => a.useStamp - b.useStamp)
      const victim = byAge.find((s) => s.done) ?? byAge[0]!
      this.sessions.delete(victim.id)
      await this.terminate(victim)
    }
  }

  private append(session: Session, chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : session.decoder.write(chunk)
    if (text !== '') session.pending.push(Buffer.from(text, 'utf8'))
  }

  private failStart(session: Session, kind: keyof typeof EXIT_CODE_FOR_KIND, message: string): void {
    session.pending.push(Buffer.from(`${message}\n`, 'utf8'))
    session.exitCode = EXIT_CODE_FOR_KIND[kind]
    session.done = true
  }

  private async startPipes(
    session: Session,
    request: StartSessionRequest,
    cwd: string,
    env: Record<string, string>,
  ): Promise<void> {
    const extraFds = request.extraFds ?? []
    let stdin: StdinPipe
    try {
      stdin = openStdinPipe()
    } catch (error) {
      this.failStart(session, 'spawn_failed', `could not create the stdin pipe: ${(error as Error).message}`)
      return
    }
    stdin.writer.on('error', () => {
      // EPIPE once the child stops reading; the exit status tells the rest.
    })
    let child: ChildProcess
    try {
      child = spawn(request.argv[0]!, request.argv.slice(1), {
        cwd,
        env,
        stdio: stdioFor(stdin.childFd, extraFds),
        detached: true,
        windowsHide: true,
      })
    } catch (error) {
      stdin.writer.destroy()
      this.failStart(session, 'invalid_request', `invalid command: ${(error as Error).message}`)
      return
    } finally {
      closeQuietly(stdin.childFd)
    }
    const spawnError = await waitForSpawn(child)
    if (spawnError || child.pid === undefined) {
      stdin.writer.destroy()
      const described = describeSpawnError(spawnError ?? new Error('no pid'), request.argv[0]!)
      this.failStart(session, described.kind, described.message)
      return
    }
    const pid = child.pid
    session.pid = pid
    trackLeader(pid, session.envMarker)
    session.stdin = stdin.writer
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.append(session, chunk))
      stream?.on('error', () => {
        // The writer is gone; the close that follows ends the stream.
      })
    }
    for (const extra of extraFds) {
      const stream = child.stdio[extra.fd] as Writable | null
      stream?.on('error', () => {
        // The child closed the descriptor early.
      })
      stream?.end(Buffer.from(extra.data))
    }
    const pipesClosed = Promise.all([streamClosed(child.stdout), streamClosed(child.stderr)])
    let pipesAreClosed = false
    void pipesClosed.then(() => {
      pipesAreClosed = true
    })
    session.finished = new Promise<void>((resolve) => {
      child.once('exit', async (code, signal) => {
        if (!pipesAreClosed) await Promise.race([pipesClosed, delay(this.drainTimeoutMs)])
        if (hasLeftovers(pid, pipesAreClosed, session.envMarker)) {
          await killProcessTree(pid, { graceMs: this.killGraceMs, envMarker: session.envMarker })
          if (!pipesAreClosed) await Promise.race([pipesClosed, delay(Math.min(this.drainTimeoutMs, 100))])
        }
        for (const stream of child.stdio) stream?.destroy()
        stdin.writer.destroy()
        untrackLeader(pid)
        this.append(session, session.decoder.end())
        session.exitCode = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)
        session.done = true
        resolve()
      })
    })
  }

  private startPty(
    session: Session,
    pty: PtyModule,
    request: StartSessionRequest,
    cwd: string,
    env: Record<string, string>,
  ): void {
    const child = pty.spawn(request.argv[0]!, request.argv.slice(1), {
      name: env.TERM ?? 'xterm-256color',
      cols: this.options.columns ?? 80,
      rows: this.options.rows ?? 24,
      cwd,
      env,
      encoding: null,
    }) as unknown as PtyProcess
    session.pid = child.pid
    session.pty = child
    trackLeader(child.pid, session.envMarker)
    child.onData((data) => this.append(session, data))
    session.finished = new Promise<void>((resolve) => {
      child.onExit(async ({ exitCode, signal }) => {
        // The terminal's session leader is gone; its background children lose the terminal but
        // may live on in the same process group or session.
        if (hasLeftovers(child.pid, false, session.envMarker)) {
          await killProcessTree(child.pid, { graceMs: this.killGraceMs, envMarker: session.envMarker })
        }
        untrackLeader(child.pid)
        this.append(session, session.decoder.end())
        session.exitCode = signal ? 128 + signal : exitCode
        session.done = true
        resolve()
      })
    })
  }
}

function failureOf(
  located: { file: string } | { kind: keyof typeof EXIT_CODE_FOR_KIND; message: string },
): { kind: keyof typeof EXIT_CODE_FOR_KIND; message: string } | undefined {
  return 'file' in located ? undefined : located
}
