// Failures as values: every way a model call can fail becomes a `ModelFailure` with a kind from
// the protocol, a message a user can act on, and whether trying again could help.
import type { ModelErrorKind, ModelEventOf } from '@agent/protocol'

/** A classified failure of one attempt; the retry loop decides whether to try again. */
export class ModelFailure extends Error {
  readonly kind: ModelErrorKind
  readonly retryable: boolean
  readonly status: number | undefined
  /** Delay the server asked for (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(init: {
    kind: ModelErrorKind
    message: string
    retryable?: boolean
    status?: number | undefined
    retryAfterMs?: number | undefined
    cause?: unknown
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'ModelFailure'
    this.kind = init.kind
    this.retryable = init.retryable ?? false
    this.status = init.status
    this.retryAfterMs = init.retryAfterMs
  }

  toEvent(): ModelEventOf<'error'> {
    return {
      type: 'error',
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      ...(this.status === undefined ? {} : { status: this.status }),
    }
  }
}

/** A provider configuration that cannot work (unknown provider, missing API key, bad URL). */
export class ModelConfigError extends Error {
  readonly kind = 'config' as const
  constructor(
    message: string,
    /** The environment variable to set, when that is the fix. */
    readonly envVar?: string,
  ) {
    super(message)
    this.name = 'ModelConfigError'
  }
}

/**
 * Parses `Retry-After` (seconds or an HTTP date) and OpenAI's `retry-after-ms`.
 * Returns milliseconds, or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return Math.max(0, Number(ms))
  }
  const value = headers.get('retry-after')
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

interface SdkErrorShape {
  name?: string
  message?: string
  status?: number
  headers?: { get(name: string): string | null }
  error?: unknown
  code?: unknown
  type?: unknown
  cause?: unknown
}

const CONTEXT_PATTERNS = [
  /context[_ ]length/i,
  /context window/i,
  /prompt is too long/i,
  /maximum context/i,
  /too many tokens/i,
]

/**
 * The provider's own words from an SDK error: the SDKs prefix the status and, for Anthropic,
 * inline the whole JSON body; the nested `message` reads better.
 */
function providerMessage(e: SdkErrorShape): string | undefined {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined
  const nested = body?.error?.message ?? body?.message
  if (typeof nested === 'string' && nested !== '') return nested
  if (typeof e.status === 'number' && e.message?.startsWith(`${e.status} `)) {
    return e.message.slice(String(e.status).length + 1)
  }
  return undefined
}

/** The provider-specific error code, wherever the SDK or the payload put it. */
function errorCode(e: SdkErrorShape): string | undefined {
  const inner = e.error as { code?: unknown; type?: unknown; error?: { type?: unknown } } | undefined
  for (const candidate of [e.code, inner?.code, inner?.error?.type, e.type, inner?.type]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'error') return candidate
  }
  return undefined
}

/** Classifies an in-band error code (a stream `error` event, `response.failed`). */
export function failureFromCode(code: string | undefined, message: string, status?: number): ModelFailure {
  const text = `${code ?? ''} ${message}`
  if (code === 'insufficient_quota' || code === 'billing_error') {
    return new ModelFailure({
      kind: 'rate_limit',
      message: `${message} (quota exhausted: check the account's plan and billing)`,
      status,
    })
  }
  if (CONTEXT_PATTERNS.some((p) => p.test(text))) {
    return new ModelFailure({ kind: 'context_length', message, status })
  }
  if (code === 'rate_limit_exceeded' || code === 'rate_limit_error') {
    return new ModelFailure({ kind: 'rate_limit', message, retryable: true, status })
  }
  if (
    code === 'overloaded_error' ||
    code === 'server_error' ||
    code === 'api_error' ||
    code === 'server_is_overloaded' ||
    code === 'slow_down'
  ) {
    return new ModelFailure({ kind: 'server', message, retryable: true, status })
  }
  if (code === 'authentication_error' || code === 'permission_error' || code === 'invalid_api_key') {
    return new ModelFailure({ kind: 'auth', message, status })
  }
  if (code === 'invalid_request_error' || code === 'invalid_prompt' || code === 'not_found_error') {
    return new ModelFailure({ kind: 'invalid_request', message, status })
  }
  return new ModelFailure({ kind: 'other', message, status })
}

function classifyStatus(status: number, message: string, code: string | undefined, retryAfterMs?: number) {
  const text = `${code ?? ''} ${message}`
  if (status === 401 || status === 403) {
    return new ModelFailure({
      kind: 'auth',
      message: `${message} (check the API key and its permissions)`,
      status,
    })
  }
  if (status === 429) {
    if (code === 'insufficient_quota') return failureFromCode(code, message, status)
    return new ModelFailure({ kind: 'rate_limit', message, retryable: true, status, retryAfterMs })
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new ModelFailure({ kind: 'server', message, retryable: true, status, retryAfterMs })
  }
  if (status === 413 || CONTEXT_PATTERNS.some((p) => p.test(text))) {
    return new ModelFailure({ kind: 'context_length', message, status })
  }
  return new ModelFailure({ kind: 'invalid_request', message, status })
}

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: ': nothing is listening at the base_url; is the server running?',
  ENOTFOUND: ': the host name of the base_url does not resolve',
  EAI_AGAIN: ': the host name of the base_url does not resolve',
  ETIMEDOUT: ': the connection timed out',
  ECONNRESET: ': the server reset the connection',
}

/** The first system error code (`ECONNREFUSED`...) in an error's cause chain. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code } = current as { code?: unknown }
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Turns anything an SDK call or stream iteration threw into a `ModelFailure`. Works on the
 * structural shape of the `openai` and `@anthropic-ai/sdk` errors so neither SDK is imported.
 */
export function classifyError(error: unknown): ModelFailure {
  if (error instanceof ModelFailure) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape
  const message = providerMessage(e) ?? (e.message || String(error))
  // The SDKs' error classes do not all set `name`; their constructor names are stable.
  const ctor = (error as { constructor?: { name?: string } } | null)?.constructor?.name
  const name = ctor && ctor !== 'Object' && ctor !== 'Error' ? ctor : (e.name ?? '')
  // A minified bundle renames the SDKs' classes, so each case also has a structural test: the
  // SDKs' fixed messages, and the system error code (ECONNREFUSED...) in the cause chain.
  if (name === 'APIUserAbortError' || name === 'AbortError' || e.message === 'Request was aborted.') {
    return new ModelFailure({ kind: 'aborted', message: 'the request was aborted', cause: error })
  }
  if (name === 'APIConnectionTimeoutError' || /^Request timed out\.?$/.test(e.message ?? '')) {
    return new ModelFailure({
      kind: 'network',
      message: `request timed out: ${message}`,
      retryable: true,
      cause: error,
    })
  }
  const systemCode = networkCode(error)
  if (name === 'APIConnectionError' || (e.message === 'Connection error.' && e.status === undefined)) {
    const cause = e.cause as { message?: string } | undefined
    const detail = systemCode ?? cause?.message
    return new ModelFailure({
      kind: 'network',
      message: `could not reach the model server${detail ? ` (${detail}${NETWORK_HINTS[detail] ?? ''})` : ''}: ${message}`,
      retryable: true,
      cause: error,
    })
  }
  const code = errorCode(e)
  if (typeof e.status === 'number') {
    return classifyStatus(e.status, message, code, parseRetryAfter(e.headers))
  }
  if (name === 'APIError' || e.error !== undefined) {
    // An error event inside an otherwise successful stream.
    return failureFromCode(code, message)
  }
  if (error instanceof SyntaxError) {
    return new ModelFailure({
      kind: 'bad_response',
      message: `the server sent an event that is not valid JSON: ${message}`,
      retryable: true,
      cause: error,
    })
  }
  // undici reports a dropped connection as `TypeError: terminated` (cause: SocketError).
  if (error instanceof TypeError || /terminated|ECONNRESET|socket|other side closed/i.test(message)) {
    const cause = (e.cause as { message?: string } | undefined)?.message
    return new ModelFailure({
      kind: 'network',
      message: `the connection to the model server broke: ${message}${cause ? ` (${cause})` : ''}`,
      retryable: true,
      cause: error,
    })
  }
  return new ModelFailure({ kind: 'other', message, cause: error })
}
