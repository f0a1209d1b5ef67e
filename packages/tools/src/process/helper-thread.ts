// The worker thread that spawns the tools' helper programs, so that the fork and exec of each
// (the spawning thread waits until the child has exec'd) stall that thread, not the event loop
// of the agent. One per process, started at the first helper run, unreferenced while idle.
import { Worker } from 'node:worker_threads'

export interface HelperRequest {
  program: string
  args: string[]
  cwd: string
  env: Record<string, string | undefined>
  input?: string | Uint8Array
  maxBytes: number
  /** The caller's signal was aborted already: the child is killed as soon as it starts. */
  aborted: boolean
}

export type HelperReply =
  | { type: 'done'; code: number; stdout: Uint8Array; stderr: string; truncated: boolean }
  | { type: 'not_found' }
  /** The child failed to start, or was aborted; `message` is its error's. */
  | { type: 'failed'; message: string }
  /** `spawn` threw synchronously (invalid arguments). */
  | { type: 'invalid'; message: string }

// Plain CommonJS run with `eval`, so it works from the ESM build and from bundles alike. The
// same steps runHelper took in the main thread: piped stdio, output capped at `maxBytes`,
// stderr kept to 64 KiB, stdin written and closed, the exit code (128 for a signal).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { spawn } = require('node:child_process')
const running = new Map()
parentPort.on('message', (message) => {
  if (message.abort !== undefined) {
    running.get(message.abort)?.abort()
    return
  }
  const { id, program, args, cwd, env, input, maxBytes, aborted } = message
  const controller = new AbortController()
  if (aborted) controller.abort()
  running.set(id, controller)
  const reply = (result) => {
    if (!running.delete(id)) return
    parentPort.postMessage({ id, ...result })
  }
  let child
  try {
    child = spawn(program, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], signal: controller.signal })
  } catch (error) {
    reply({ type: 'invalid', message: error.message })
    return
  }
  const out = []
  let size = 0
  let truncated = false
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    if (size + chunk.length > maxBytes) {
      truncated = true
      const room = maxBytes - size
      if (room > 0) out.push(chunk.subarray(0, room))
      size = maxBytes
      return
    }
    out.push(chunk)
    size += chunk.length
  })
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8')
  })
  child.on('error', (error) => {
    reply(error.code === 'ENOENT' ? { type: 'not_found' } : { type: 'failed', message: error.message })
  })
  child.on('close', (code, signal) => {
    reply({ type: 'done', code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr, truncated })
  })
  child.stdin.on('error', () => {})
  child.stdin.end(input ?? '')
})
`

interface HelperThread {
  run(request: HelperRequest, settle: (reply: HelperReply) => void): { abort(): void }
}

let current: HelperThread | undefined

/** The process's helper thread, started on first use (and again if it ever dies). */
export function helperThread(): HelperThread {
  current ??= startHelperThread()
  return current
}

function startHelperThread(): HelperThread {
  // No execArgv: the parent's flags (a profiler's, a loader's) are not all valid in a worker,
  // and this one needs none.
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], name: 'agent-helpers' })
  const pending = new Map<number, (reply: HelperReply) => void>()
  let nextId = 0
  // Idle, the thread does not keep the process alive; a pending run does, as its child would.
  worker.unref()
  const thread: HelperThread = {
    run(request, settle) {
      const id = nextId++
      pending.set(id, settle)
      if (pending.size === 1) worker.ref()
      worker.postMessage({ id, ...request })
      return { abort: () => worker.postMessage({ abort: id }) }
    },
  }
  worker.on('message', (message: HelperReply & { id: number }) => {
    const settle = pending.get(message.id)
    if (!settle) return
    pending.delete(message.id)
    if (pending.size === 0) worker.unref()
    settle(message)
  })
  const fail = (reason: string) => {
    if (current === thread) current = undefined
    for (const settle of pending.values()) settle({ type: 'failed', message: `helper thread ${reason}` })
    pending.clear()
  }
  worker.on('error', (error) => fail(`failed: ${error.message}`))
  worker.on('exit', (code) => fail(`exited with code ${code}`))
  return thread
}
