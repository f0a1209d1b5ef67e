// A local HTTP server that speaks a provider's wire format for end-to-end tests: each POST gets
// the next scripted turn as byte-exact SSE (or an HTTP error, a cut connection, a stall), and
// every request is recorded so tests can assert what the client sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { WireApi } from '../provider-config.js'
import type {
  EncodeContext,
  MockErrorTurn,
  MockResponseTurn,
  MockStreamOptions,
  MockTurn,
} from './mock-turn.js'
import { encodeAnthropicTurn } from './sse-anthropic.js'
import { encodeChatTurn } from './sse-chat.js'
import { encodeResponsesTurn } from './sse-responses.js'

export interface RecordedRequest {
  method: string
  /** Path and query, e.g. `/v1/responses`. */
  path: string
  headers: Record<string, string | string[] | undefined>
  /** The parsed JSON body (the raw text when it is not JSON). */
  body: unknown
}

export interface MockProviderServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** What to put in `base_url`: `<url>/v1` for the OpenAI wires, `<url>` for Anthropic. */
  readonly baseUrl: string
  readonly wire: WireApi
  /** Every request received, in order. */
  readonly requests: RecordedRequest[]
  /** Turns not yet served. */
  readonly pending: number
  /** TCP connections accepted so far: a client that reuses its keep-alive connection opens one. */
  readonly connections: number
  /**
   * Resolves once `count` requests have arrived, with the `performance.now()` time at which the
   * last of them did (its body fully read). Event-driven: benchmarks that time requests should
   * use it instead of polling `requests`, which keeps a core busy and slows what is measured.
   */
  waitForRequests(count: number, options?: { timeoutMs?: number }): Promise<number>
  /**
   * Resolves once `count` responses have been sent in full (the last byte handed to the socket),
   * with the `performance.now()` time of the last of them: with `waitForRequests`, the time a
   * client took from the end of one response to its next request.
   */
  waitForResponses(count: number, options?: { timeoutMs?: number }): Promise<number>
  /** Appends turns to the script. */
  push(...turns: MockTurn[]): void
  /** A provider config pointing at this server (`model_providers.<id>` shape). */
  providerConfig(): { base_url: string; wire_api: WireApi; env_key?: string }
  close(): Promise<void>
}

export interface MockProviderServerOptions {
  wire: WireApi
  turns?: MockTurn[]
  /** Port to listen on; default 0 (any free port). Always bound to 127.0.0.1. */
  port?: number
}

/** Encodes a scripted response turn in the given wire's SSE format (one string per event). */
export function encodeTurn(wire: WireApi, turn: MockResponseTurn, context: EncodeContext): string[] {
  switch (wire) {
    case 'responses':
      return encodeResponsesTurn(turn, context)
    case 'chat':
      return encodeChatTurn(turn, context)
    case 'anthropic':
      return encodeAnthropicTurn(turn, context)
  }
}

const STATUS_TEXT: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'invalid_request_error'],
  401: ['invalid_api_key', 'authentication_error'],
  403: ['permission_denied', 'permission_error'],
  404: ['model_not_found', 'not_found_error'],
  429: ['rate_limit_exceeded', 'rate_limit_error'],
  500: ['server_error', 'api_error'],
  503: ['server_error', 'overloaded_error'],
  529: ['server_error', 'overloaded_error'],
}

function errorBody(wire: WireApi, turn: MockErrorTurn): unknown {
  if (turn.body !== undefined) return turn.body
  const [openaiCode, anthropicType] = STATUS_TEXT[turn.status] ?? ['server_error', 'api_error']
  const message = turn.message ?? `mock provider error ${turn.status}`
  if (wire === 'anthropic') return { type: 'error', error: { type: anthropicType, message } }
  return { error: { message, type: openaiCode, param: null, code: openaiCode } }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * Closes the connection in the middle of the chunked body, after what was written has been
 * flushed (a TCP reset could make the client discard data it has not read yet).
 */
function cut(res: ServerResponse): void {
  res.socket?.end()
}

async function streamEvents(
  res: ServerResponse,
  events: string[],
  options: MockStreamOptions,
): Promise<void> {
  res.flushHeaders()
  for (const [i, event] of events.entries()) {
    if (res.destroyed) return
    if (options.cutAfterEvents === i) return cut(res)
    if (options.cutInsideEvent === i) {
      res.write(event.slice(0, Math.max(1, Math.floor(event.length / 2))))
      return cut(res)
    }
    // A stall keeps the socket open until the client gives up or the server closes.
    if (options.stallAfterEvents === i) return
    if (options.delayMs) await sleep(options.delayMs)
    res.write(event)
  }
  if (options.cutAfterEvents === events.length) return cut(res)
  if (options.stallAfterEvents === events.length) return
  res.end()
}

/** Starts a mock provider on 127.0.0.1 (a free port unless one is given). */
export async function startMockProviderServer(
  options: MockProviderServerOptions,
): Promise<MockProviderServer> {
  const { wire } = options
  const turns: MockTurn[] = [...(options.turns ?? [])]
  const requests: RecordedRequest[] = []
  const arrivals = timeline('requests arrived', 'waitForRequests')
  const responses = timeline('responses were sent', 'waitForResponses')
  const sockets = new Set<Socket>()
  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    const index = requests.length
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body })
    arrivals.record()
    res.once('finish', () => responses.record())
    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `mock provider: no route for ${req.method} ${req.url}` } }))
      return
    }
    const turn = turns.shift()
    if (!turn) {
      const message = `mock provider server: no scripted turn left for request #${index + 1} (${req.url})`
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify(errorBody(wire, { type: 'error', status: 400, message })))
      return
    }
    if (turn.holdUntil) await turn.holdUntil.catch(() => undefined)
    if (turn.type === 'error') {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...turn.headers }
      if (turn.retryAfter !== undefined) headers['retry-after'] = String(turn.retryAfter)
      res.writeHead(turn.status, headers)
      res.end(JSON.stringify(errorBody(wire, turn)))
      return
    }
    const sse = {
      'content-type': turn.type === 'raw' ? (turn.contentType ?? 'text/event-stream') : 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': `req_mock_${index}`,
    }
    res.writeHead(turn.type === 'raw' ? (turn.status ?? 200) : 200, sse)
    const events = turn.type === 'raw' ? turn.events : encodeTurn(wire, turn, { index, requestBody: body })
    await streamEvents(res, events, turn)
  })
  let connections = 0
  server.on('connection', (socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const baseUrl = wire === 'anthropic' ? url : `${url}/v1`
  return {
    url,
    baseUrl,
    wire,
    requests,
    get pending() {
      return turns.length
    },
    get connections() {
      return connections
    },
    push: (...more) => {
      turns.push(...more)
    },
    waitForRequests: arrivals.waitFor,
    waitForResponses: responses.waitFor,
    providerConfig: () => ({ base_url: baseUrl, wire_api: wire }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Times of a series of events, and promises of the time of the n-th. */
function timeline(what: string, method: string) {
  const times: number[] = []
  const waiters = new Set<{ count: number; resolve: (at: number) => void }>()
  return {
    record() {
      times.push(performance.now())
      for (const waiter of waiters) {
        if (times.length >= waiter.count) {
          waiters.delete(waiter)
          waiter.resolve(times[waiter.count - 1]!)
        }
      }
    },
    waitFor(count: number, { timeoutMs }: { timeoutMs?: number } = {}): Promise<number> {
      if (!Number.isInteger(count) || count < 1) {
        return Promise.reject(new RangeError(`${method}: count must be a positive integer, got ${count}`))
      }
      if (times.length >= count) return Promise.resolve(times[count - 1]!)
      return new Promise<number>((resolve, reject) => {
        const waiter = {
          count,
          resolve: (at: number) => {
            if (timer) clearTimeout(timer)
            resolve(at)
          },
        }
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                waiters.delete(waiter)
                reject(
                  new Error(
                    `mock provider server: ${times.length} of ${count} ${what} within ${timeoutMs} ms`,
                  ),
                )
              }, timeoutMs)
        waiters.add(waiter)
      })
    },
  }
}
