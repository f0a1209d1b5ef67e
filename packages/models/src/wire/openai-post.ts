// The HTTP side of an OpenAI-wire stream. The SDK builds the URL and headers (auth, organization
// and project, user agent, configured headers and query) once per client; each request is then
// one plain `fetch`, and every failure becomes the error the SDK itself would have thrown. The
// SDK's per-call path (options, headers and log records rebuilt for every request) cost about
// 0.2 ms of CPU per model request, a noticeable share of a short agent step.
import type OpenAI from 'openai'

type Sdk = InstanceType<typeof OpenAI>

/** The SDK's error classes, taken from the lazily loaded module. */
export interface OpenAiErrors {
  APIError: typeof OpenAI.APIError
  APIConnectionError: typeof OpenAI.APIConnectionError
  APIConnectionTimeoutError: typeof OpenAI.APIConnectionTimeoutError
  APIUserAbortError: typeof OpenAI.APIUserAbortError
}

interface Prepared {
  url: string
  headers: Headers
  timeout: number
  /** Client-wide fetch options (`fetchOptions`), passed through as the SDK does. */
  init: RequestInit
}

function safeJson(text: string): object | undefined {
  try {
    return JSON.parse(text) as object
  } catch {
    return undefined
  }
}

function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError'
}

/**
 * A function that POSTs `body` as JSON to `path` and resolves with the streaming response once
 * its headers are in. Like the SDK: no response within the client's `timeout` is a connection
 * timeout, an abort of `signal` is a user abort, a non-2xx status is `APIError.generate(...)`.
 */
export function openAiStreamPost(
  sdk: Sdk,
  errors: OpenAiErrors,
  path: string,
): (body: Record<string, unknown>, signal: AbortSignal) => Promise<Response> {
  let prepared: Promise<Prepared> | undefined
  const prepare = async (): Promise<Prepared> => {
    const { req, url, timeout } = await sdk.buildRequest({ method: 'post', path, body: {}, stream: true })
    const { headers, body: _body, signal: _signal, method: _method, ...init } = req
    return { url, headers: new Headers(headers as ConstructorParameters<typeof Headers>[0]), timeout, init }
  }
  return async (body, signal) => {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined
      throw error
    })
    const { url, headers, timeout, init } = await prepared
    if (signal.aborted) throw new errors.APIUserAbortError()
    // Our own controller: the header timeout aborts it without touching the caller's signal.
    const controller = new AbortController()
    const abort = () => controller.abort()
    signal.addEventListener('abort', abort, { once: true })
    const timer = setTimeout(abort, timeout)
    let response: Response
    try {
      response = await fetch(url, {
        ...init,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      })
    } catch (error) {
      if (signal.aborted) throw new errors.APIUserAbortError()
      const described =
        String(error) + (error instanceof Error && 'cause' in error ? String(error.cause) : '')
      if (isAbortError(error) || /timed? ?out/i.test(described)) throw new errors.APIConnectionTimeoutError()
      throw new errors.APIConnectionError({
        cause: error instanceof Error ? error : new Error(String(error)),
      })
    } finally {
      clearTimeout(timer)
    }
    if (!response.ok) {
      const text = await response.text().catch((error: unknown) => String((error as Error)?.message ?? error))
      const json = safeJson(text)
      throw errors.APIError.generate(response.status, json, json ? undefined : text, response.headers)
    }
    return response
  }
}
