// The HTTP side of an OpenAI-wire stream. The SDK builds the URL and headers (auth, organization
// and project, user agent, configured headers and query) once per client; each request is then
// one `node:http(s)` request on a keep-alive agent, and every failure becomes the error the SDK
// itself would have thrown. Per request, the SDK's call path (options, headers and log records
// rebuilt every time) and `fetch` with its web streams cost over 1 ms of CPU for a short
// response, more than the rest of an agent step; Node's HTTP client does the same in a third.
import type http from 'node:http'
import type OpenAI from 'openai'

type Sdk = InstanceType<typeof OpenAI>

/** The SDK's error classes, taken from the lazily loaded module. */
export interface OpenAiErrors {
  APIError: typeof OpenAI.APIError
  APIConnectionError: typeof OpenAI.APIConnectionError
  APIConnectionTimeoutError: typeof OpenAI.APIConnectionTimeoutError
  APIUserAbortError: typeof OpenAI.APIUserAbortError
}

/** A response whose headers are in and whose body streams. */
export interface StreamingResponse {
  status: number
  headers: Headers
  body: AsyncIterable<Uint8Array>
}

interface Prepared {
  url: URL
  headers: Record<string, string>
  timeout: number
  agent: http.Agent
  request: typeof http.request
}

function safeJson(text: string): object | undefined {
  try {
    return JSON.parse(text) as object
  } catch {
    return undefined
  }
}

function headersOf(message: http.IncomingMessage): Headers {
  const headers = new Headers()
  const raw = message.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string)
  return headers
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = []
  for await (const chunk of body) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts).toString('utf8')
}

const TIMED_OUT = 'request timed out'

/**
 * A function that POSTs `body` as JSON to `path` and resolves once the response headers are in.
 * As the SDK does: no response within the client's `timeout` is `APIConnectionTimeoutError`, an
 * abort of `signal` is `APIUserAbortError`, a failure to connect is `APIConnectionError`, and a
 * non-2xx status is `APIError.generate(status, body, ...)`. Redirects are not followed (the API
 * does not redirect), and nothing is asked to be compressed.
 */
export function openAiStreamPost(
  sdk: Sdk,
  errors: OpenAiErrors,
  path: string,
): (body: Record<string, unknown>, signal: AbortSignal) => Promise<StreamingResponse> {
  let prepared: Promise<Prepared> | undefined
  const prepare = async (): Promise<Prepared> => {
    const { req, url, timeout } = await sdk.buildRequest({ method: 'post', path, body: {}, stream: true })
    const headers: Record<string, string> = {}
    new Headers(req.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, name) => {
      headers[name] = value
    })
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    if (!secure && target.protocol !== 'http:') throw new Error(`unsupported base URL protocol: ${url}`)
    // Loaded here, not at start-up (node:https brings TLS in); still far cheaper than the first
    // `fetch`, which sets up undici.
    const client = secure ? await import('node:https') : await import('node:http')
    // Idle keep-alive sockets are unreferenced by the agent: they never hold the process open.
    const agent = new client.Agent({ keepAlive: true })
    return { url: target, headers, timeout, agent, request: client.request }
  }

  return async (body, signal) => {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined
      throw error
    })
    const target = await prepared
    if (signal.aborted) throw new errors.APIUserAbortError()
    const payload = JSON.stringify(body)
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = target.request(target.url, {
        method: 'POST',
        agent: target.agent,
        headers: { ...target.headers, 'content-length': String(Buffer.byteLength(payload)) },
        signal,
      })
      const timer = setTimeout(() => req.destroy(new Error(TIMED_OUT)), target.timeout)
      req.once('response', (res) => {
        clearTimeout(timer)
        resolve(res)
      })
      req.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      req.end(payload)
    }).catch((error: unknown) => {
      if (signal.aborted) throw new errors.APIUserAbortError()
      const text =
        error instanceof Error ? `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}` : ''
      if (/timed? ?out/i.test(text)) throw new errors.APIConnectionTimeoutError()
      throw new errors.APIConnectionError({
        cause: error instanceof Error ? error : new Error(String(error)),
      })
    })
    const status = response.statusCode ?? 0
    if (status < 200 || status > 299) {
      const text = await readText(response).catch((error: unknown) =>
        String((error as Error)?.message ?? error),
      )
      const json = safeJson(text)
      throw errors.APIError.generate(status, json, json ? undefined : text, headersOf(response))
    }
    return {
      status,
      // Built on first use: only errors raised inside the stream need them.
      get headers() {
        return headersOf(response)
      },
      body: response,
    }
  }
}
