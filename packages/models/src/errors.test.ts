import { describe, expect, test } from 'vitest'
import { classifyError, failureFromCode, ModelFailure, parseRetryAfter } from './errors.js'

const headers = (values: Record<string, string>) => new Headers(values)

describe('parseRetryAfter', () => {
  test('seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000)
    expect(parseRetryAfter(headers({ 'retry-after': '1.5' }))).toBe(1500)
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000)
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined()
    expect(parseRetryAfter(headers({}))).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})

describe('classifyError', () => {
  class APIError extends Error {
    constructor(
      readonly status: number | undefined,
      readonly error: unknown,
      message: string,
      readonly headers?: Headers,
    ) {
      super(message)
    }
  }
  class APIConnectionError extends Error {}

  test('HTTP statuses', () => {
    expect(classifyError(new APIError(401, {}, '401 bad key'))).toMatchObject({
      kind: 'auth',
      retryable: false,
      status: 401,
    })
    expect(classifyError(new APIError(429, {}, 'slow', headers({ 'retry-after': '3' })))).toMatchObject({
      kind: 'rate_limit',
      retryable: true,
      retryAfterMs: 3000,
    })
    expect(classifyError(new APIError(429, { code: 'insufficient_quota' }, 'quota'))).toMatchObject({
      kind: 'rate_limit',
      retryable: false,
    })
    expect(classifyError(new APIError(529, {}, 'overloaded'))).toMatchObject({
      kind: 'server',
      retryable: true,
    })
    expect(classifyError(new APIError(400, {}, 'prompt is too long: 210000 tokens'))).toMatchObject({
      kind: 'context_length',
    })
    expect(classifyError(new APIError(404, {}, 'model not found'))).toMatchObject({
      kind: 'invalid_request',
      retryable: false,
    })
  })

  test('errors inside a stream carry a code, not a status', () => {
    expect(
      classifyError(
        new APIError(undefined, { type: 'error', error: { type: 'overloaded_error' } }, 'Overloaded'),
      ),
    ).toMatchObject({
      kind: 'server',
      retryable: true,
    })
    expect(failureFromCode('context_length_exceeded', 'too long')).toMatchObject({ kind: 'context_length' })
    expect(failureFromCode('rate_limit_exceeded', 'x')).toMatchObject({ kind: 'rate_limit', retryable: true })
  })

  test('connections, aborts and anything else', () => {
    expect(classifyError(new APIConnectionError('Connection error.'))).toMatchObject({
      kind: 'network',
      retryable: true,
    })
    // As a minified bundle sees them: the class renamed, the message and cause chain intact.
    class Minified extends Error {}
    const refused = new Minified('Connection error.', {
      cause: new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
    })
    expect(classifyError(refused)).toMatchObject({
      kind: 'network',
      retryable: true,
      message:
        'could not reach the model server (ECONNREFUSED: nothing is listening at the base_url; is the server running?): Connection error.',
    })
    expect(classifyError(new Minified('Request was aborted.'))).toMatchObject({ kind: 'aborted' })
    expect(classifyError(new Minified('Request timed out.'))).toMatchObject({
      kind: 'network',
      retryable: true,
    })
    expect(classifyError(new TypeError('terminated'))).toMatchObject({ kind: 'network', retryable: true })
    expect(classifyError(Object.assign(new Error('x'), { name: 'AbortError' }))).toMatchObject({
      kind: 'aborted',
    })
    expect(classifyError(new SyntaxError('Unexpected token'))).toMatchObject({
      kind: 'bad_response',
      retryable: true,
    })
    expect(classifyError(new Error('weird'))).toMatchObject({ kind: 'other', retryable: false })
    const failure = new ModelFailure({ kind: 'server', message: 'm', status: 500, retryable: true })
    expect(classifyError(failure)).toBe(failure)
    expect(failure.toEvent()).toEqual({
      type: 'error',
      kind: 'server',
      message: 'm',
      retryable: true,
      status: 500,
    })
  })
})
