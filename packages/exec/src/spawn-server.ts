// A spawn server: a small Node process, started once, that starts commands on this process's
// behalf (the "fork server" pattern of Python's multiprocessing and of browsers' zygotes).
//
// Why: on Linux, Node starts a process by fork()ing itself and exec()ing in the child. The fork
// copies the parent's page tables and mappings and the child then faults on copy-on-write pages
// until it execs, so the cost grows with what the parent has mapped, and the parent's main
// thread is blocked for all of it (libuv waits until the child has exec'd). Measured on a 2-core
// VM, one `echo` run to completion: 9.5 ms from a bare Node process, 14 ms from one holding 100 MB
// more in buffers, 13.6 ms from this package's bench process (131 MB). Through this server the
// same run takes ~10 ms whatever the caller holds, and the caller's event loop keeps running
// while the fork happens.
//
// The server is a plain `node -e` script (below), so it needs no file beside the bundle. It
// reads JSON requests, one per line, and answers with binary frames: [type u8][id u32][length
// u32][payload]. Output bytes go through it unchanged. Commands keep the process-group and
// session layout of a direct spawn, so killing a tree works the same from this process (pids are
// global). If the server cannot start, dies, or the request needs what it does not carry (text
// on stdin: a descriptor of this process), `runCommand` spawns directly, as before.
import { type ChildProcess, spawn } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'
import type { ExtraFd } from './types.js'

const FRAME_READY = 0
const FRAME_SPAWNED = 1
const FRAME_ERROR = 2
const FRAME_STDOUT = 3
const FRAME_STDERR = 4
const FRAME_STDOUT_END = 5
const FRAME_STDERR_END = 6
const FRAME_EXIT = 7
const HEADER_BYTES = 9

/**
 * The server's program. Plain JavaScript on purpose (it runs as `node -e`, outside any bundle).
 * When its stdin closes (this process is gone, however it ended) it SIGKILLs the commands still
 * running and exits; it ignores terminal signals (it runs in a session of its own), and keeps
 * each command's pipes until the command's streams end or this process releases them.
 */
const SERVER_SOURCE = String.raw`'use strict'
const { spawn } = require('node:child_process')
const children = new Map()
function frame(type, id, payload) {
  const body = payload === undefined ? Buffer.alloc(0) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload)
  const header = Buffer.allocUnsafe(9)
  header.writeUInt8(type, 0)
  header.writeUInt32LE(id, 1)
  header.writeUInt32LE(body.length, 5)
  return process.stdout.write(body.length === 0 ? header : Buffer.concat([header, body]))
}
// Backpressure: while the pipe to the agent is full, commands' output waits in their own pipes.
const paused = new Set()
process.stdout.on('drain', () => {
  for (const stream of paused) stream.resume()
  paused.clear()
})
function start(request) {
  const id = request.id
  const stdio = ['ignore', 'pipe', 'pipe']
  for (const extra of request.extra) {
    while (stdio.length < extra.fd) stdio.push('ignore')
    stdio[extra.fd] = 'pipe'
  }
  let child
  try {
    child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio, detached: request.detached })
  } catch (error) {
    frame(${FRAME_ERROR}, id, JSON.stringify({ message: error.message, code: error.code, thrown: true }))
    return
  }
  child.__detached = request.detached
  children.set(id, child)
  child.once('spawn', () => frame(${FRAME_SPAWNED}, id, String(child.pid)))
  child.once('error', (error) => {
    if (child.pid !== undefined) return
    children.delete(id)
    frame(${FRAME_ERROR}, id, JSON.stringify({ message: error.message, code: error.code, errno: error.errno, syscall: error.syscall, path: error.path }))
  })
  const pipe = (stream, data, end) => {
    stream.on('data', (chunk) => {
      if (frame(data, id, chunk)) return
      stream.pause()
      paused.add(stream)
    })
    stream.on('error', () => {})
    stream.once('close', () => frame(end, id))
  }
  pipe(child.stdout, ${FRAME_STDOUT}, ${FRAME_STDOUT_END})
  pipe(child.stderr, ${FRAME_STDERR}, ${FRAME_STDERR_END})
  for (const extra of request.extra) {
    const stream = child.stdio[extra.fd]
    stream.on('error', () => {})
    stream.end(Buffer.from(extra.data, 'base64'))
  }
  child.once('exit', (code, signal) => frame(${FRAME_EXIT}, id, JSON.stringify({ code, signal })))
  child.once('close', () => children.delete(id))
}
function release(id) {
  const child = children.get(id)
  if (!child) return
  children.delete(id)
  for (const stream of child.stdio) {
    if (!stream) continue
    paused.delete(stream)
    stream.destroy()
  }
}
let pending = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (text) => {
  pending += text
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const line = pending.slice(0, end)
    pending = pending.slice(end + 1)
    let request
    try {
      request = JSON.parse(line)
    } catch {
      continue
    }
    if (request.op === 'release') release(request.id)
    else start(request)
  }
})
// The agent is gone (even killed outright, when its exit hook could not run): so are its commands.
process.stdin.on('end', () => {
  for (const [, child] of children) {
    try {
      if (child.spawnargs && child.pid) process.kill(child.__detached ? -child.pid : child.pid, 'SIGKILL')
    } catch {}
  }
  process.exit(0)
})
process.stdout.on('error', () => process.exit(0))
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => {})
frame(${FRAME_READY}, 0, String(process.pid))
`

/** What a spawn needs from the server. */
export interface SpawnServerRequest {
  file: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  detached: boolean
  extraFds: readonly ExtraFd[]
  /**
   * As `spawn`'s option: aborting SIGTERMs the process (once it has started) and reports an
   * `AbortError` through `error`. `runCommand` does not use it: it kills whole trees itself.
   */
  signal?: AbortSignal
}

/**
 * A command started by the server, with the part of `ChildProcess` that `runCommand` uses:
 * `pid`, `stdout`, `stderr`, `stdio`, `exitCode`, `signalCode`, and the `spawn`, `error`,
 * `exit` and `close` events.
 */
export class ServedChild extends EventEmitter {
  pid: number | undefined
  exitCode: number | null = null
  signalCode: NodeJS.Signals | null = null
  /** Set when the exit (or the start failure) has been reported. */
  settled = false
  readonly stdout: Readable
  readonly stderr: Readable
  readonly stdio: (Readable | null)[]

  constructor(
    readonly id: number,
    private readonly onRelease: (child: ServedChild) => void,
  ) {
    super()
    this.stdout = this.stream()
    this.stderr = this.stream()
    this.stdio = [null, this.stdout, this.stderr]
  }

  /**
   * Reports the exit on a later turn of the event loop, as a real child's comes: one chunk
   * from the server can carry the start, the output and the exit at once, and a caller that
   * awaited the start has not yet listened for the exit when it is read.
   */
  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.settled = true
    this.exitCode = code
    this.signalCode = signal
    setImmediate(() => {
      this.emit('exit', code, signal)
      this.closeWhenDone()
    })
  }

  private closed = false
  private exitReported = false

  /** 'close' (code, signal) once the exit is reported and both streams have closed, like a child's. */
  private closeWhenDone(): void {
    if (this.signalCode === null && this.exitCode === null) return
    this.exitReported = true
    if (this.closed || !this.stdout.destroyed || !this.stderr.destroyed) return
    this.closed = true
    this.emit('close', this.exitCode, this.signalCode)
  }

  private stream(): Readable {
    const stream = new Readable({ read() {} })
    stream.once('close', () => {
      // Destroying a stream here (a drain that timed out) closes the server's end of the pipe too.
      this.onRelease(this)
      if (this.exitReported) this.closeWhenDone()
    })
    return stream
  }
}

/** Starts commands from a small helper process. See the top of this file for why. */
export class SpawnServer {
  private process: ChildProcess | undefined
  private current: 'idle' | 'starting' | 'ready' | 'failed' = 'idle'
  private readonly children = new Map<number, ServedChild>()
  private nextId = 1
  private buffered: Buffer = Buffer.alloc(0)

  /** The Node binary that runs the server (default: this process's). */
  constructor(private readonly execPath: string = process.execPath) {}

  /** True once the server has started and answered; until then `runCommand` spawns directly. */
  get ready(): boolean {
    return this.current === 'ready'
  }

  /** `idle` (not asked to start yet), `starting`, `ready`, or `failed` (could not start, died, or closed). */
  get state(): 'idle' | 'starting' | 'ready' | 'failed' {
    return this.current
  }

  /**
   * Starts the server if it is not started yet, and resolves with `ready` once it is known:
   * true when it answered, false when it could not start (commands then start directly).
   */
  started(): Promise<boolean> {
    this.start()
    if (this.current !== 'starting') return Promise.resolve(this.current === 'ready')
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      this.updateRef()
    })
  }

  private readonly waiters: ((ready: boolean) => void)[] = []

  private settle(): void {
    for (const resolve of this.waiters.splice(0)) resolve(this.current === 'ready')
    this.updateRef()
  }

  private directStarts = 0

  /**
   * `runCommand` calls this for each command it started itself: the second one starts the
   * server. A process that ran one command may never run another, and the server's own start is
   * a fork of this process plus a Node start (on another core, where there is one).
   */
  startedDirectly(): void {
    if (++this.directStarts >= 2) this.start()
  }

  /** Starts the server in the background (once). Spawns keep going direct until it is ready. */
  start(): void {
    if (this.current !== 'idle') return
    this.current = 'starting'
    // The server needs no environment of its own: every request carries the command's. The
    // caller's NODE_OPTIONS (loaders, inspectors) and NODE_EXTRA_CA_CERTS (read at every start)
    // stay out of it.
    const env: NodeJS.ProcessEnv = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}
    let child: ChildProcess
    try {
      child = spawn(this.execPath, ['--max-semi-space-size=1', '-e', SERVER_SOURCE], {
        env,
        stdio: ['pipe', 'pipe', 'ignore'],
        // Its own session: a terminal's Ctrl-C reaches the agent, not the server.
        detached: true,
        windowsHide: true,
      })
    } catch {
      this.current = 'failed'
      this.settle()
      return
    }
    this.process = child
    child.on('error', () => this.fail())
    child.once('exit', () => this.fail())
    child.stdin?.on('error', () => this.fail())
    child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk))
    this.updateRef()
  }

  /** Starts `request` through the server; only call when `ready`. */
  spawn(request: SpawnServerRequest): ServedChild {
    const id = this.nextId++
    const child = new ServedChild(id, (released) => this.release(released))
    this.children.set(id, child)
    this.updateRef()
    this.send({
      id,
      file: request.file,
      args: request.args,
      cwd: request.cwd,
      env: request.env,
      detached: request.detached,
      extra: request.extraFds.map((extra) => ({
        fd: extra.fd,
        data: Buffer.from(extra.data).toString('base64'),
      })),
    })
    if (request.signal) abortWith(child, request.signal)
    return child
  }

  /** Stops the server. Running commands it started are killed, and report it. */
  close(): void {
    if (this.current === 'failed') return
    this.fail()
  }

  private send(message: object): void {
    this.process?.stdin?.write(`${JSON.stringify(message)}\n`)
  }

  /** A stream of `child` closed: once both have and it has exited, the server forgets it. */
  private release(child: ServedChild): void {
    if (!child.stdout.destroyed || !child.stderr.destroyed) return
    // Destroyed before their end (a drain that gave up): the server closes its ends of the pipes.
    const cut = !child.stdout.readableEnded || !child.stderr.readableEnded
    if (cut && this.current === 'ready') this.send({ op: 'release', id: child.id })
    if (child.settled && this.children.delete(child.id)) this.updateRef()
  }

  /**
   * The server's pipes keep this process alive only while a command runs: an embedder that is
   * done exits as if the server did not exist.
   */
  private updateRef(): void {
    const proc = this.process
    if (!proc) return
    const busy = this.children.size > 0 || this.waiters.length > 0
    for (const stream of [proc.stdout, proc.stdin]) {
      const socket = stream as unknown as { ref?: () => void; unref?: () => void } | null
      if (busy) socket?.ref?.()
      else socket?.unref?.()
    }
    if (busy) proc.ref()
    else proc.unref()
  }

  private receive(chunk: Buffer): void {
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
    while (data.length >= HEADER_BYTES) {
      const length = data.readUInt32LE(5)
      if (data.length < HEADER_BYTES + length) break
      const type = data.readUInt8(0)
      const id = data.readUInt32LE(1)
      this.dispatch(type, id, data.subarray(HEADER_BYTES, HEADER_BYTES + length))
      data = data.subarray(HEADER_BYTES + length)
    }
    this.buffered = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data)
  }

  private dispatch(type: number, id: number, payload: Buffer): void {
    if (type === FRAME_READY) {
      if (this.current === 'starting') this.current = 'ready'
      this.updateRef()
      this.settle()
      return
    }
    const child = this.children.get(id)
    if (!child) return
    switch (type) {
      case FRAME_SPAWNED:
        child.pid = Number(payload.toString())
        child.emit('spawn')
        break
      case FRAME_ERROR: {
        const described = JSON.parse(payload.toString()) as {
          message: string
          code?: string
          errno?: number
          syscall?: string
          path?: string
          thrown?: boolean
        }
        const error = Object.assign(new Error(described.message), described) as NodeJS.ErrnoException
        child.settled = true
        this.children.delete(id)
        this.updateRef()
        child.emit('error', error)
        child.stdout.push(null)
        child.stderr.push(null)
        break
      }
      case FRAME_STDOUT:
        // A copy: the frame's bytes belong to a buffer that the next chunk reuses.
        child.stdout.push(Buffer.from(payload))
        break
      case FRAME_STDERR:
        child.stderr.push(Buffer.from(payload))
        break
      case FRAME_STDOUT_END:
        child.stdout.push(null)
        break
      case FRAME_STDERR_END:
        child.stderr.push(null)
        break
      case FRAME_EXIT: {
        const { code, signal } = JSON.parse(payload.toString()) as {
          code: number | null
          signal: NodeJS.Signals | null
        }
        child.exited(code, signal)
        if (child.stdout.destroyed && child.stderr.destroyed && this.children.delete(id)) this.updateRef()
        break
      }
    }
  }

  /** The server is gone (or never came): its commands are killed and end as killed. */
  private fail(): void {
    if (this.current === 'failed') return
    this.current = 'failed'
    this.settle()
    const proc = this.process
    this.process = undefined
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
    for (const child of this.children.values()) {
      if (child.pid === undefined) {
        child.settled = true
        child.emit('error', Object.assign(new Error('the spawn server stopped'), { code: 'ESPAWNSERVER' }))
      } else {
        try {
          // Detached: the command leads its own process group.
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
        child.exited(null, 'SIGKILL')
      }
      if (!child.stdout.readableEnded) child.stdout.push(null)
      if (!child.stderr.readableEnded) child.stderr.push(null)
    }
    this.children.clear()
  }
}

/** `spawn`'s `signal` for a served child. */
function abortWith(child: ServedChild, signal: AbortSignal): void {
  const abort = () => {
    if (child.settled) return
    // Not started yet: killed as soon as it is.
    if (child.pid === undefined) return void child.once('spawn', abort)
    try {
      process.kill(child.pid, 'SIGTERM')
    } catch {
      // Exited already; its exit is on its way.
    }
    child.emit(
      'error',
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }),
    )
  }
  if (signal.aborted) abort()
  else {
    signal.addEventListener('abort', abort, { once: true })
    child.once('close', () => signal.removeEventListener('abort', abort))
  }
}

let shared: SpawnServer | undefined

/**
 * The spawn server of this process, created on first use and shared by every runner that asks
 * for one (`createCommandRunner({ spawnServer: sharedSpawnServer() })`).
 */
export function sharedSpawnServer(): SpawnServer {
  shared ??= new SpawnServer()
  return shared
}
