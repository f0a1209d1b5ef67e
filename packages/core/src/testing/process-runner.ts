// A small real CommandRunner for tests and embedders without `@agent/exec`: spawns the process
// in its own process group, streams output, and kills the whole group on timeout or abort.
// `@agent/exec` is the production runner (bounded capture, env policy, grace periods).
import { spawn } from 'node:child_process'
import type { CommandRunner, RunRequest, RunResult } from '../ports/runner.js'

const MAX_CAPTURE = 1024 * 1024

export class ProcessRunner implements CommandRunner {
  /** Every request received, in order. */
  readonly requests: RunRequest[] = []

  run(request: RunRequest): Promise<RunResult> {
    this.requests.push(request)
    const started = Date.now()
    return new Promise((resolve) => {
      const [file, ...args] = request.argv
      if (!file) return resolve(notStarted('empty command', started))
      const extra = request.extraFds ?? []
      // No input: /dev/null rather than a pipe. Node's pipes are sockets, and bash sources
      // ~/.bashrc when its stdin is a socket (Debian's SSH_SOURCE_BASHRC), which can stall.
      const stdio: ('pipe' | 'ignore')[] = [request.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
      for (const { fd } of extra) {
        while (stdio.length < fd) stdio.push('ignore')
        stdio[fd] = 'pipe'
      }
      const child = spawn(file, args, {
        cwd: request.cwd,
        env: request.env ?? process.env,
        detached: true,
        stdio,
      })
      let stdout = ''
      let stderr = ''
      let aggregated = ''
      let truncated = false
      let timedOut = false
      let aborted = false
      const collect = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
        const text = data.toString('utf8')
        request.onOutput?.({ stream, data: text })
        if (aggregated.length + text.length > MAX_CAPTURE) {
          truncated = true
          return
        }
        aggregated += text
        if (stream === 'stdout') stdout += text
        else stderr += text
      }
      child.stdout?.on('data', collect('stdout'))
      child.stderr?.on('data', collect('stderr'))
      child.stdin?.on('error', () => undefined)
      if (request.stdin !== undefined) child.stdin?.end(request.stdin)
      else child.stdin?.end()
      for (const { fd, data } of extra) {
        const pipe = child.stdio[fd] as NodeJS.WritableStream | null
        pipe?.on('error', () => undefined)
        pipe?.end(Buffer.from(data))
      }
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
      const timer = request.timeoutMs
        ? setTimeout(() => {
            timedOut = true
            killGroup()
          }, request.timeoutMs)
        : undefined
      const onAbort = () => {
        aborted = true
        killGroup()
      }
      if (request.signal?.aborted) onAbort()
      else request.signal?.addEventListener('abort', onAbort, { once: true })
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer)
        request.signal?.removeEventListener('abort', onAbort)
        const message = error.code === 'ENOENT' ? `command not found: ${file}` : error.message
        resolve(notStarted(message, started, error.code === 'ENOENT' ? 127 : 126))
      })
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        request.signal?.removeEventListener('abort', onAbort)
        // Grandchildren left in the group must not outlive the command.
        killGroup()
        const exitCode = timedOut ? 124 : (code ?? (signal ? 128 + signalNumber(signal) : 1))
        resolve({
          exitCode,
          signal: signal ?? null,
          stdout,
          stderr,
          aggregatedOutput: aggregated,
          durationMs: Date.now() - started,
          timedOut,
          aborted,
          truncated,
        })
      })
    })
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGKILL: 9,
    SIGTERM: 15,
    SIGSYS: 31,
  }
  return numbers[signal] ?? 0
}

function notStarted(message: string, started: number, exitCode = 127): RunResult {
  return {
    exitCode,
    signal: null,
    stdout: '',
    stderr: message,
    aggregatedOutput: message,
    durationMs: Date.now() - started,
    timedOut: false,
    aborted: false,
    truncated: false,
    error: message,
  }
}

/** A runner that answers from a function instead of running anything. */
export class ScriptedRunner implements CommandRunner {
  readonly requests: RunRequest[] = []
  constructor(
    private readonly answer: (request: RunRequest) => Partial<RunResult> | Promise<Partial<RunResult>>,
  ) {}

  async run(request: RunRequest): Promise<RunResult> {
    this.requests.push(request)
    const partial = await this.answer(request)
    const stdout = partial.stdout ?? ''
    const stderr = partial.stderr ?? ''
    return {
      exitCode: 0,
      signal: null,
      durationMs: 0,
      timedOut: false,
      aborted: false,
      truncated: false,
      ...partial,
      stdout,
      stderr,
      aggregatedOutput: partial.aggregatedOutput ?? stdout + stderr,
    }
  }
}
