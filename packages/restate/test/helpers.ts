// Helpers for the tests that run real processes: worker processes (SIGKILLable), a round-robin
// TCP proxy, and waiting on a file's contents.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

const here = import.meta.dirname

export interface WorkerProcess {
  proc: ChildProcess
  url: string
  output(): string
  kill(signal?: NodeJS.Signals): Promise<void>
}

/** Starts the scripted worker fixture in its own Node process and waits for `listening`. */
export async function startWorkerProcess(options: {
  port: number
  adminUrl?: string
  registerUrl?: string
  env?: Record<string, string>
  script?: string
}): Promise<WorkerProcess> {
  const script = options.script ?? join(here, 'fixtures', 'scripted-worker.ts')
  const proc = spawn(process.execPath, ['--conditions=@agent/source', '--import', 'tsx', script], {
    env: {
      ...process.env,
      PORT: String(options.port),
      ...(options.adminUrl ? { ADMIN_URL: options.adminUrl } : {}),
      ...(options.registerUrl ? { REGISTER_URL: options.registerUrl } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const match = /listening (\S+)/.exec(out)
      if (match?.[1]) resolve(match[1])
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    proc.once('exit', (code, signal) => reject(new Error(`worker exited (${signal ?? code}):\n${out}`)))
  })
  return {
    proc,
    url,
    output: () => out,
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      proc.kill(signal)
      await gone
    },
  }
}

/** Resolves once `predicate(read())` holds, checking whenever `poll` ms pass. */
export async function waitFor<T>(
  read: () => T,
  predicate: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (predicate(value)) return value
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/** A round-robin TCP proxy: each new connection goes to the next target. */
export async function startRoundRobinProxy(
  port: number,
  targets: number[],
): Promise<{ close(): Promise<void>; counts: number[] }> {
  let next = 0
  const counts = targets.map(() => 0)
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const index = next++ % targets.length
    counts[index] = (counts[index] ?? 0) + 1
    const upstream = connect(targets[index] as number, '127.0.0.1')
    sockets.add(client)
    sockets.add(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  return {
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
