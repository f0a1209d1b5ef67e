// Helpers for the tests that run real processes: a restate-server with a worker and a client,
// worker processes (SIGKILLable), a round-robin TCP proxy, and waiting on a file's contents.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Event } from '@agent/protocol'
import { DurableSessionClient, type FollowResult } from '../src/index.js'
import { freePort, type RestateServer, startRestateServer } from '../src/testing/index.js'

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

/** A restate-server, one scripted worker registered with it, a client and temp workspaces. */
export interface TestCluster {
  server: RestateServer
  readonly worker: WorkerProcess
  client: DurableSessionClient
  /** What the client reported while Restate was unreachable. */
  reconnects: string[]
  /** A new temp directory (removed by `stop`). */
  workspace(): string
  /** Submits `prompt` and follows its turn; `seen` fills as events arrive. */
  start(sessionId: string, prompt: string, cwd?: string): StartedTurn
  /** SIGKILLs the worker, runs `meanwhile` while none is up, starts a new one on the same port. */
  replaceWorker(meanwhile?: () => unknown): Promise<void>
  stop(): Promise<void>
}

export interface StartedTurn {
  tag: string
  seen: Event[]
  done: Promise<FollowResult>
}

export async function startCluster(): Promise<TestCluster> {
  const server = await startRestateServer()
  const port = await freePort()
  const env = { INGRESS_URL: server.ingressUrl }
  let worker = await startWorkerProcess({ port, adminUrl: server.adminUrl, env })
  const reconnects: string[] = []
  const client = new DurableSessionClient(server.ingressUrl, {
    pollIntervalMs: 50,
    onReconnecting: (reason) => reconnects.push(reason),
  })
  const dirs: string[] = []
  return {
    server,
    get worker() {
      return worker
    },
    client,
    reconnects,
    workspace: () => {
      const dir = mkdtempSync(join(tmpdir(), 'durable-ws-'))
      dirs.push(dir)
      return dir
    },
    start: (sessionId, prompt, cwd) => {
      const tag = randomUUID()
      const seen: Event[] = []
      const done = (async () => {
        const before = await client.events(sessionId)
        const { invocationId } = await client.submit(
          sessionId,
          { prompt, tag, ...(cwd ? { create: { cwd } } : {}) },
          tag,
        )
        return client.follow({
          sessionId,
          tag,
          from: before.next,
          invocationId,
          onEvent: (event) => void seen.push(event),
        })
      })()
      return { tag, seen, done }
    },
    replaceWorker: async (meanwhile = () => {}) => {
      await worker.kill('SIGKILL')
      await meanwhile()
      worker = await startWorkerProcess({ port, env })
    },
    stop: async () => {
      await worker.kill()
      await server.stop()
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    },
  }
}
