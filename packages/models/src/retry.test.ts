import type { ModelEvent } from '@agent/protocol'
import { describe, expect, test, vi } from 'vitest'
import { ModelFailure } from './errors.js'
import { backoffDelay, type RetryPolicy, runWithRetries } from './retry.js'

const policy: RetryPolicy = {
  requestMaxRetries: 3,
  streamMaxRetries: 2,
  baseDelayMs: 1,
  maxDelayMs: 1000,
  idleTimeoutMs: 5000,
}

async function collect(stream: AsyncIterable<ModelEvent>) {
  const events: ModelEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

describe('backoffDelay', () => {
  test('doubles per retry, is capped, and jitters within ±20%', () => {
    const fixed = { ...policy, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, fixed))).toEqual([100, 200, 400, 800, 1000])
    expect(backoffDelay(1, { ...fixed, random: () => 0 })).toBe(80)
    expect(backoffDelay(1, { ...fixed, random: () => 0.999999 })).toBe(120)
  })
})

describe('runWithRetries', () => {
  test('holds finished items back until the end, so a failed attempt leaves nothing behind', async () => {
    let attempt = 0
    const events = await collect(
      runWithRetries(async function* () {
        attempt++
        yield { type: 'text_delta', delta: `try ${attempt}` }
        yield {
          type: 'output_item',
          item: {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: `try ${attempt}` }],
          },
        }
        yield {
          type: 'usage',
          usage: {
            input_tokens: 1,
            cached_input_tokens: 0,
            output_tokens: 1,
            reasoning_output_tokens: 0,
            total_tokens: 2,
          },
        }
        if (attempt === 1) throw new TypeError('terminated')
        yield { type: 'completed', stop_reason: 'end_turn' }
      }, policy),
    )
    expect(events.map((e) => e.type)).toEqual([
      'text_delta',
      'retry',
      'text_delta',
      'output_item',
      'usage',
      'completed',
    ])
    expect(events[3]).toMatchObject({ item: { content: [{ text: 'try 2' }] } })
  })

  test('a stream that ends without completing is retried as a broken stream', async () => {
    let attempt = 0
    const events = await collect(
      runWithRetries(async function* () {
        attempt++
        yield { type: 'created' }
        if (attempt > 1) yield { type: 'completed', stop_reason: 'end_turn' }
      }, policy),
    )
    expect(events.map((e) => e.type)).toEqual(['created', 'retry', 'created', 'completed'])
    expect(events[1]).toMatchObject({ message: expect.stringContaining('before the response was complete') })
  })

  test('stream retries and request retries have separate budgets', async () => {
    const events = await collect(
      runWithRetries(async function* () {
        yield { type: 'created' }
        throw new ModelFailure({ kind: 'network', message: 'cut', retryable: true })
      }, policy),
    )
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(policy.streamMaxRetries)
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      kind: 'network',
      message: 'cut (gave up after 2 retries)',
    })
  })

  test('an error event is the last event; the iterator never throws', async () => {
    const events = await collect(
      runWithRetries(async function* () {
        yield* []
        throw new Error('boom')
      }, policy),
    )
    expect(events).toEqual([{ type: 'error', kind: 'other', message: 'boom', retryable: false }])
  })

  test('an already aborted signal yields only the aborted error', async () => {
    const controller = new AbortController()
    controller.abort()
    const events = await collect(runWithRetries(async function* () {}, policy, controller.signal))
    expect(events).toEqual([
      { type: 'error', kind: 'aborted', message: 'the request was aborted', retryable: false },
    ])
  })
})

describe('after the final event', () => {
  const completed: ModelEvent = { type: 'completed', stop_reason: 'end_turn' }

  test('the rest of the body is read to its end, not aborted, also when the caller stops at completed', async () => {
    let readToEnd = false
    let signal: AbortSignal | undefined
    let ended: () => void = () => undefined
    const end = new Promise<void>((resolve) => {
      ended = resolve
    })
    const stream = runWithRetries(async function* (s) {
      signal = s
      yield completed
      await end // the server's last bytes, after the final event
      readToEnd = true
    }, policy)
    for await (const event of stream) if (event.type === 'completed') break
    expect(readToEnd).toBe(false)
    ended()
    await vi.waitFor(() => expect(readToEnd).toBe(true))
    expect(signal?.aborted).toBe(false)
  })

  test('a stream that stays open after its final event is cut after two seconds', async () => {
    vi.useFakeTimers()
    try {
      let signal: AbortSignal | undefined
      const stream = runWithRetries(async function* (s) {
        signal = s
        yield completed
        await new Promise((_, reject) => s.addEventListener('abort', () => reject(new Error('aborted'))))
      }, policy)
      for await (const event of stream) if (event.type === 'completed') break
      expect(signal?.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(2_000)
      expect(signal?.aborted).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })
})
