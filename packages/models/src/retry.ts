// The retry loop shared by every wire client: backoff with jitter, Retry-After, an idle timeout
// per stream, and the rule that decides when a broken stream may be replayed without the caller
// seeing anything twice.
import type { ModelEvent } from '@agent/protocol'
import { classifyError, ModelFailure } from './errors.js'
import { sleep } from './sleep.js'

export interface RetryPolicy {
  /** Retries for failures before the stream produced anything (HTTP 429/5xx, refused connection). */
  requestMaxRetries: number
  /** Retries for streams that broke after they started. */
  streamMaxRetries: number
  baseDelayMs: number
  /** Longest delay between attempts; a Retry-After longer than this is not waited for. */
  maxDelayMs: number
  /** A stream that sends nothing for this long is abandoned (and retried). */
  idleTimeoutMs: number
  /** Source of jitter, replaceable for tests; returns [0, 1). */
  random?: () => number
}

/** One attempt at a request: yields normalised events and ends with `completed`, or throws. */
export type Attempt = (signal: AbortSignal) => AsyncIterable<ModelEvent>

/** Exponential backoff (`base * 2^(retry-1)`, capped) with ±20% jitter. */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const random = policy.random ?? Math.random
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.round(exponential * (0.8 + 0.4 * random()))
}

const IDLE = Symbol('idle')

function abortedEvent(): ModelEvent {
  return { type: 'error', kind: 'aborted', message: 'the request was aborted', retryable: false }
}

/**
 * Reads a stream item by item, giving up on an item after `idleMs` or when `signal` aborts. One
 * timer (re-armed per item) and one abort listener serve the whole stream: a model response is
 * dozens of events, and a timer plus a listener per event showed up in every step's profile.
 */
class IdleGuard<T> {
  private wake: ((result: IteratorResult<T> | typeof IDLE) => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly onAbort = () => this.wake?.({ done: true, value: undefined })

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly idleMs: number,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true })
  }

  async next(): Promise<IteratorResult<T> | typeof IDLE> {
    const pending = this.iterator.next()
    const stop = new Promise<IteratorResult<T> | typeof IDLE>((resolve) => {
      this.wake = resolve
    })
    if (this.timer) this.timer.refresh().ref()
    else this.timer = setTimeout(() => this.wake?.(IDLE), this.idleMs)
    try {
      const result = await Promise.race([pending, stop])
      // The losing `next()` may still reject once the attempt is torn down; that is expected.
      if (result === IDLE || this.signal.aborted) pending.catch(() => {})
      return result
    } finally {
      this.wake = undefined
      // Between items the timer must not keep the process alive (a consumer may stop reading).
      this.timer.unref()
    }
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.signal.removeEventListener('abort', this.onAbort)
  }
}

/** How long the rest of a completed response's body may take before the request is cut. */
const REST_OF_BODY_MS = 2_000

/**
 * After a response's final event: reads the rest of its body in the background (the server ends
 * it right after). Stopping at the final event instead makes the provider SDKs abort the request
 * (an abort, and its DOMException, on every model request: ~1.5 ms a step in a profile); read to
 * the end, the connection simply goes back to the pool. A server that keeps the stream open is
 * cut after `REST_OF_BODY_MS`.
 */
async function readRest(iterator: AsyncIterator<ModelEvent>, controller: AbortController): Promise<void> {
  const timer = setTimeout(() => controller.abort(), REST_OF_BODY_MS)
  timer.unref()
  try {
    for (;;) if ((await iterator.next()).done) return
  } catch {
    // Cut, or broken after the response was complete: nothing of it is lost.
  } finally {
    clearTimeout(timer)
    if (controller.signal.aborted) iterator.return?.().catch(() => {})
  }
}

function describe(failure: ModelFailure): string {
  return failure.status === undefined ? failure.message : `${failure.message} [HTTP ${failure.status}]`
}

/**
 * Runs attempts until one completes. Text and reasoning deltas pass through live; finished
 * message/reasoning items and usage are held back until the first tool call or the end, so a
 * retried attempt never leaves a duplicate item behind (consumers drop partial deltas when they
 * see `retry`). Once a tool call has been emitted a failure is final: replaying the request could
 * make the model ask for different tools.
 */
export async function* runWithRetries(
  attempt: Attempt,
  policy: RetryPolicy,
  signal?: AbortSignal,
): AsyncGenerator<ModelEvent> {
  let requestRetries = 0
  let streamRetries = 0
  let toolCallEmitted = false
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (signal?.aborted) {
      yield abortedEvent()
      return
    }
    const controller = new AbortController()
    const forwardAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', forwardAbort, { once: true })
    let held: ModelEvent[] = []
    let usage: ModelEvent | undefined
    let started = false
    let completed = false
    let failure: ModelFailure | undefined
    const iterator = attempt(controller.signal)[Symbol.asyncIterator]()
    const guard = new IdleGuard(iterator, policy.idleTimeoutMs, controller.signal)
    try {
      for (;;) {
        const result = await guard.next()
        if (result === IDLE) {
          controller.abort()
          throw new ModelFailure({
            kind: 'idle_timeout',
            message: `the model server sent nothing for ${policy.idleTimeoutMs} ms`,
            retryable: true,
          })
        }
        if (signal?.aborted) break
        if (result.done) {
          throw new ModelFailure({
            kind: 'network',
            message: 'the stream ended before the response was complete',
            retryable: true,
          })
        }
        const event = result.value
        started = true
        if (event.type === 'output_item' && !toolCallEmitted) {
          if (event.item.type !== 'function_call' && event.item.type !== 'custom_tool_call') {
            held.push(event)
            continue
          }
          yield* held
          held = []
          toolCallEmitted = true
          yield event
        } else if (event.type === 'usage') {
          usage = event
        } else if (event.type === 'completed') {
          completed = true
          yield* held
          if (usage) yield usage
          yield event
          return
        } else {
          yield event
        }
      }
    } catch (error) {
      failure = classifyError(error)
    } finally {
      guard.dispose()
      signal?.removeEventListener('abort', forwardAbort)
      if (!controller.signal.aborted && failure) controller.abort()
      if (completed && !controller.signal.aborted) void readRest(iterator, controller)
      else iterator.return?.().catch(() => {})
    }
    if (signal?.aborted || !failure || failure.kind === 'aborted') {
      yield abortedEvent()
      return
    }
    if (!failure.retryable) {
      yield failure.toEvent()
      return
    }
    if (toolCallEmitted) {
      yield {
        ...failure.toEvent(),
        message: `the stream broke after a tool call had been emitted, so it is not retried (the tool calls would run twice): ${failure.message}`,
        retryable: false,
      }
      return
    }
    const retries = started ? ++streamRetries : ++requestRetries
    const limit = started ? policy.streamMaxRetries : policy.requestMaxRetries
    if (retries > limit) {
      yield {
        ...failure.toEvent(),
        message: `${failure.message} (gave up after ${limit} ${limit === 1 ? 'retry' : 'retries'})`,
      }
      return
    }
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxDelayMs) {
      yield {
        ...failure.toEvent(),
        message: `${failure.message} (the server asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the retry limit of ${Math.ceil(policy.maxDelayMs / 1000)} s)`,
      }
      return
    }
    const delay = failure.retryAfterMs ?? backoffDelay(retries, policy)
    yield {
      type: 'retry',
      attempt: attemptNumber,
      delay_ms: delay,
      message: `${describe(failure)}; retrying in ${delay < 1000 ? `${delay} ms` : `${(delay / 1000).toFixed(1)} s`} (${retries}/${limit})`,
    }
    if (!(await sleep(delay, signal))) {
      yield abortedEvent()
      return
    }
  }
}
