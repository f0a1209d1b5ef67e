// A worker: an HTTP/2 endpoint serving the session object to Restate, and its registration with
// the Restate admin API. Restate calls workers (not the other way round), so a worker is just an
// address; several workers behind one address share the load.
import './node-compat.js'
import { createServer, type Http2Server } from 'node:http2'
import * as restate from '@restatedev/restate-sdk'
import { liveObject } from './live.js'
import type { SessionObject } from './session-object.js'
import { steeringObject } from './steering.js'

export interface WorkerOptions {
  object: SessionObject
  port: number
  /** Interface to listen on (default 127.0.0.1). */
  host?: string
}

export interface Worker {
  /** The URL Restate is told to call (`http://127.0.0.1:PORT`). */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export async function serveWorker(options: WorkerOptions): Promise<Worker> {
  const host = options.host ?? '127.0.0.1'
  const handler = restate.createEndpointHandler({ services: [options.object, steeringObject, liveObject] })
  const server: Http2Server = createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} on ${host} is in use: pick another --port`)
          : error,
      ),
    )
    server.listen(options.port, host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const sessions = new Set<import('node:http2').Http2Session>()
  server.on('session', (session) => {
    sessions.add(session)
    session.once('close', () => sessions.delete(session))
  })
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy()
        server.close(() => resolve())
      }),
  }
}

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError'
}

export interface RegisterOptions {
  /** Gives up after this long without an answer from the admin API (default: never). */
  timeoutMs?: number
  /** Called before each retry with what went wrong (e.g. to log "waiting for Restate"). */
  onRetry?: (reason: string, attempt: number) => void
  signal?: AbortSignal
}

/**
 * Registers a worker's URL with the Restate admin API. Idempotent: registering the same address
 * again (a restarted worker) is accepted. Retries while Restate is unreachable or starting; an
 * answer that says the request is wrong fails at once.
 */
export async function registerWorker(
  adminUrl: string,
  workerUrl: string,
  options: RegisterOptions = {},
): Promise<{ deploymentId: string; services: string[] }> {
  const started = Date.now()
  let delay = 100
  for (let attempt = 1; ; attempt++) {
    let reason: string
    try {
      const response = await fetch(new URL('/deployments', adminUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uri: workerUrl, force: true }),
        signal: options.signal ?? null,
      })
      const text = await response.text()
      if (response.ok) {
        const body = JSON.parse(text) as { id: string; services: { name: string }[] }
        return { deploymentId: body.id, services: body.services.map((s) => s.name) }
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429)
        throw new RegistrationError(
          `Restate at ${adminUrl} refused to register ${workerUrl} (${response.status}): ${text}`,
        )
      reason = `Restate answered ${response.status}: ${text.slice(0, 300)}`
    } catch (error) {
      if (error instanceof RegistrationError || options.signal?.aborted) throw error
      reason = `cannot reach the Restate admin API at ${adminUrl}: ${(error as Error).cause ?? (error as Error).message}`
    }
    if (options.timeoutMs !== undefined && Date.now() - started + delay > options.timeoutMs)
      throw new RegistrationError(`${reason} (gave up after ${Math.round((Date.now() - started) / 1000)} s)`)
    options.onRetry?.(reason, attempt)
    await new Promise((resolve) => setTimeout(resolve, delay))
    delay = Math.min(delay * 2, 2000)
  }
}
