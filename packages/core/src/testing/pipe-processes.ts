// Interactive processes over plain pipes, for tests and embedders without `@agent/exec`:
// start, write to stdin, read what arrived since the last read (waiting up to a yield time), kill.
import { type ChildProcess, spawn } from 'node:child_process'
import type { ProcessSessions } from '../ports/runner.js'

interface Live {
  child: ChildProcess
  buffer: string
  exited: boolean
  exitCode: number | null
  wake: (() => void) | undefined
}

export class PipeProcessSessions implements ProcessSessions {
  private readonly live = new Map<string, Live>()
  private next = 0
  readonly started: { argv: string[]; cwd: string }[] = []

  async start(request: {
    argv: string[]
    cwd: string
    env?: Record<string, string>
  }): Promise<{ sessionId: string }> {
    const [file, ...args] = request.argv
    if (!file) throw new Error('empty command')
    this.started.push({ argv: request.argv, cwd: request.cwd })
    const child = spawn(file, args, {
      cwd: request.cwd,
      env: request.env ?? process.env,
      detached: true,
      stdio: 'pipe',
    })
    const sessionId = String(++this.next)
    const live: Live = { child, buffer: '', exited: false, exitCode: null, wake: undefined }
    const onData = (data: Buffer) => {
      live.buffer += data.toString('utf8')
      live.wake?.()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.stdin?.on('error', () => undefined)
    child.on('error', (error) => {
      live.buffer += `${error.message}\n`
      live.exited = true
      live.exitCode = 127
      live.wake?.()
    })
    child.on('close', (code) => {
      live.exited = true
      live.exitCode = code
      live.wake?.()
    })
    this.live.set(sessionId, live)
    return { sessionId }
  }

  async write(sessionId: string, chars: string): Promise<void> {
    const live = this.get(sessionId)
    live.child.stdin?.write(chars)
  }

  async read(sessionId: string, options: { yieldTimeMs: number; maxBytes?: number }) {
    const live = this.get(sessionId)
    if (!live.exited) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.yieldTimeMs)
        function done() {
          clearTimeout(timer)
          live.wake = undefined
          resolve()
        }
        // Return early only on exit; output keeps accumulating until the yield time passes.
        live.wake = () => {
          if (live.exited) done()
        }
      })
    }
    let output = live.buffer
    let truncated = false
    if (options.maxBytes !== undefined && output.length > options.maxBytes) {
      output = output.slice(output.length - options.maxBytes)
      truncated = true
    }
    live.buffer = ''
    if (live.exited) this.live.delete(sessionId)
    return { output, exited: live.exited, exitCode: live.exitCode, truncated }
  }

  async kill(sessionId: string): Promise<void> {
    const live = this.live.get(sessionId)
    if (!live) return
    try {
      if (live.child.pid) process.kill(-live.child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
    this.live.delete(sessionId)
  }

  /** Kills everything still running. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.kill(id)))
  }

  private get(sessionId: string): Live {
    const live = this.live.get(sessionId)
    if (!live) throw new Error(`no process session ${sessionId} (it exited or was killed)`)
    return live
  }
}
