// Starts a real `restate-server` (the binary shipped by npm `@restatedev/restate-server`) on free
// 127.0.0.1 ports with its data in a temp dir, for tests and benchmarks. It can be SIGKILLed and
// restarted on the same ports and data, which is what the crash tests need.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface RestateServerOptions {
  /** Data directory; default a fresh temp dir removed by `stop()`. */
  baseDir?: string
  /** Delay before Restate retries a failed invocation attempt (default 100 ms: tests want it short). */
  retryInitialIntervalMs?: number
  /** Upper bound of the retry backoff (default 500 ms). */
  retryMaxIntervalMs?: number
  /** Fixed ports (default: free ones picked at start). */
  adminPort?: number
  ingressPort?: number
  /** Extra environment for the server (e.g. `RESTATE_LOG_FILTER`). */
  env?: Record<string, string>
}

export interface RestateServer {
  readonly ingressUrl: string
  readonly adminUrl: string
  readonly baseDir: string
  /** The server's process id while it runs. */
  readonly pid: number | undefined
  /** Kills the server with a signal (SIGKILL for crash tests) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same ports and data (after `kill`). */
  restart(): Promise<void>
  /** Kills the server and removes a temp data dir it created. */
  stop(): Promise<void>
  /** Everything the server printed, for failure messages. */
  output(): string
}

/** Path of the restate-server binary for this platform (from the npm package's optional dependency). */
export function restateServerBinary(): string {
  const require = createRequire(import.meta.url)
  let pkg: string
  try {
    pkg = require.resolve('@restatedev/restate-server/package.json')
  } catch {
    throw new Error(
      'restate-server is not installed: add the npm package @restatedev/restate-server (a dev dependency)',
    )
  }
  const fromPkg = createRequire(pkg)
  const platform = `@restatedev/restate-server-${process.platform}-${process.arch}`
  try {
    return join(dirname(fromPkg.resolve(`${platform}/package.json`)), 'bin', 'restate-server')
  } catch {
    throw new Error(`no restate-server binary for ${process.platform}-${process.arch}: install ${platform}`)
  }
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startRestateServer(options: RestateServerOptions = {}): Promise<RestateServer> {
  const ownDir = options.baseDir === undefined
  const baseDir = options.baseDir ?? mkdtempSync(join(tmpdir(), 'restate-'))
  const [ingress, admin, fabric, pgsql] = await Promise.all([
    options.ingressPort ?? freePort(),
    options.adminPort ?? freePort(),
    freePort(),
    freePort(),
  ])
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ingress}`,
    RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${admin}`,
    RESTATE_BIND_ADDRESS: `127.0.0.1:${fabric}`,
    RESTATE_ADVERTISED_ADDRESS: `http://127.0.0.1:${fabric}/`,
    RESTATE_ADMIN__QUERY_ENGINE__PGSQL_BIND_ADDRESS: `127.0.0.1:${pgsql}`,
    RESTATE_NODE_NAME: 'test-node',
    RESTATE_DISABLE_TELEMETRY: 'true',
    // Few partitions: the machine is small, and one node needs no more.
    RESTATE_DEFAULT_NUM_PARTITIONS: '2',
    RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: `${options.retryInitialIntervalMs ?? 100}ms`,
    RESTATE_DEFAULT_RETRY_POLICY__MAX_INTERVAL: `${options.retryMaxIntervalMs ?? 500}ms`,
    RESTATE_DEFAULT_RETRY_POLICY__MAX_ATTEMPTS: 'unlimited',
    RESTATE_LOG_FILTER: 'warn',
    RESTATE_LOG_DISABLE_ANSI_CODES: 'true',
    ...options.env,
  }
  const binary = restateServerBinary()
  let child: ChildProcess | undefined
  let log = ''

  const launch = async () => {
    const proc = spawn(
      binary,
      ['--base-dir', baseDir, '--no-logo', '--listen-mode', 'tcp', '--auto-provision', 'true'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    child = proc
    proc.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8')
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8')
    })
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) =>
        reject(new Error(`restate-server exited (${signal ?? code}) while starting:\n${log.slice(-4000)}`)),
      ),
    )
    exited.catch(() => {})
    await Promise.race([waitUntilReady(`http://127.0.0.1:${admin}`, `http://127.0.0.1:${ingress}`), exited])
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    proc.kill(signal)
    await gone
  }

  await launch()
  return {
    ingressUrl: `http://127.0.0.1:${ingress}`,
    adminUrl: `http://127.0.0.1:${admin}`,
    baseDir,
    get pid() {
      return child?.pid
    },
    kill,
    restart: launch,
    stop: async () => {
      await kill('SIGKILL')
      if (ownDir) rmSync(baseDir, { recursive: true, force: true })
    },
    output: () => log,
  }
}

/** Polls the health endpoints until both answer: startup takes a few seconds on a busy machine. */
async function waitUntilReady(adminUrl: string, ingressUrl: string): Promise<void> {
  for (;;) {
    try {
      const [admin, ingress] = await Promise.all([
        fetch(`${adminUrl}/health`),
        fetch(`${ingressUrl}/restate/health`),
      ])
      if (admin.ok && ingress.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
