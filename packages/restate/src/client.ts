// A client of durable sessions over Restate's HTTP ingress: submit a prompt once (an idempotency
// key makes a resend after a broken connection return the same invocation), follow its events
// with a cursor, answer approvals, interrupt. It rides out a restarting Restate by retrying.
// Also exported alone as `@agent/restate/client`: it does not load the Restate SDK.
import { randomUUID } from 'node:crypto'
import type { Event } from '@agent/protocol'
import type { ApprovalAnswer, SteeringMessage } from './contract.js'
import type { StoredEvent } from './event-log.js'
import type { LiveBuffer } from './live.js'
import { LIVE_OBJECT, SESSION_OBJECT } from './names.js'
import type { EventsPage, SteerResult, SubmitRequest, SubmitResult } from './session-object.js'

/** Restate answered with an error about the request itself (unknown session, bad input...). */
export class DurableSessionError extends Error {
  override readonly name = 'DurableSessionError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** Restate could not be reached for longer than the client waits. */
export class IngressUnreachableError extends Error {
  override readonly name = 'IngressUnreachableError'
}

export interface ClientOptions {
  /** How long to keep retrying while Restate is unreachable (default 120 s). */
  reconnectTimeoutMs?: number
  /** Told once per outage, e.g. to print "reconnecting". */
  onReconnecting?: (reason: string) => void
  /** Delay between event polls when nothing new arrived (default 100 ms). */
  pollIntervalMs?: number
}

export interface FollowOptions {
  sessionId: string
  tag: string
  /** First sequence number to read. */
  from: number
  /** The turn's invocation, when known: its failure (not only its events) ends the follow. */
  invocationId?: string
  onEvent: (event: Event, stored: StoredEvent) => void | Promise<void>
  /**
   * Streaming deltas of the step running now (when workers publish them, see `liveIngressUrl`),
   * delivered while the turn's log has nothing newer. A preview: the step's finished items follow
   * as events; a step re-run after a crash streams again from its start.
   */
  onDelta?: (event: Event) => void | Promise<void>
  signal?: AbortSignal
}

export type FollowResult =
  | { type: 'completed'; lastMessage: string | null }
  | { type: 'aborted'; reason: string }
  | { type: 'failed'; message: string }

export class DurableSessionClient {
  private readonly base: string
  private readonly reconnectTimeoutMs: number
  private readonly pollIntervalMs: number

  constructor(
    ingressUrl: string,
    private readonly options: ClientOptions = {},
  ) {
    this.base = ingressUrl.replace(/\/+$/, '')
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 120_000
    this.pollIntervalMs = options.pollIntervalMs ?? 100
  }

  /** Sends a prompt; the same `idempotencyKey` always names the same turn (never submitted twice). */
  async submit(
    sessionId: string,
    request: SubmitRequest,
    idempotencyKey: string,
  ): Promise<{ invocationId: string }> {
    const body = await this.call<{ invocationId: string }>(
      `${this.objectPath(sessionId)}/submit/send`,
      request,
      {
        'idempotency-key': idempotencyKey,
      },
    )
    return { invocationId: body.invocationId }
  }

  events(sessionId: string, from?: number, limit?: number): Promise<EventsPage> {
    return this.call<EventsPage>(`${this.objectPath(sessionId)}/events`, {
      ...(from !== undefined ? { from } : {}),
      ...(limit !== undefined ? { limit } : {}),
    })
  }

  /**
   * Answers a pending approval. The answer is handed to Restate durably first: when no worker is
   * up it waits there (`queued`) and takes effect once one is; an answer Restate's worker rejects
   * (no such pending call) is thrown as a `DurableSessionError`.
   */
  async approve(
    sessionId: string,
    callId: string,
    answer: ApprovalAnswer,
    options: { waitMs?: number } = {},
  ): Promise<{ status: 'answered' } | { status: 'queued'; invocationId: string }> {
    const { invocationId } = await this.call<{ invocationId: string }>(
      `${this.objectPath(sessionId)}/approve/send`,
      { callId, ...answer },
      { 'idempotency-key': randomUUID() },
    )
    const timeout = new AbortController()
    const timer = setTimeout(() => timeout.abort(), options.waitMs ?? 5000)
    try {
      await this.attach(invocationId, timeout.signal)
      return { status: 'answered' }
    } catch (error) {
      if (timeout.signal.aborted) return { status: 'queued', invocationId }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Steers the session's running turn: the text reaches the model at the turn's next request (or,
   * sent after its last one, runs as the next turn). Fails when no turn is running.
   */
  steer(sessionId: string, message: SteeringMessage): Promise<SteerResult> {
    return this.call<SteerResult>(`${this.objectPath(sessionId)}/steer`, message)
  }

  /** The deltas of the step a session's turn is running now (see `FollowOptions.onDelta`). */
  live(sessionId: string): Promise<LiveBuffer | null> {
    return this.call<LiveBuffer | null>(`/${LIVE_OBJECT}/${encodeURIComponent(sessionId)}/read`, null)
  }

  interrupt(sessionId: string): Promise<{ interrupted: string | null }> {
    return this.call(`${this.objectPath(sessionId)}/interrupt`, null)
  }

  /** Waits for a turn's invocation to end and returns its result (or its terminal error). */
  async attach(invocationId: string, signal?: AbortSignal): Promise<SubmitResult> {
    return this.request<SubmitResult>(
      `/restate/invocation/${encodeURIComponent(invocationId)}/attach`,
      { method: 'GET' },
      signal,
    )
  }

  /**
   * Reads the session's events from `from` on and hands the turn's own (those carrying `tag`) to
   * `onEvent` until the turn ends. A broken connection is retried; nothing is read twice.
   */
  async follow(options: FollowOptions): Promise<FollowResult> {
    let cursor = options.from
    const stop = new AbortController()
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true })
    let failure: string | undefined
    let invocationDone = false
    let delivered = { key: '', next: 0 }
    if (options.invocationId) {
      this.attach(options.invocationId, stop.signal).then(
        () => {
          invocationDone = true
        },
        (error: unknown) => {
          if (stop.signal.aborted) return
          invocationDone = true
          failure = error instanceof Error ? error.message : String(error)
        },
      )
    }
    try {
      for (;;) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted')
        const finished = invocationDone
        const page = await this.events(options.sessionId, cursor)
        if (cursor < page.first) cursor = page.first
        for (const stored of page.events) {
          cursor = stored.seq + 1
          if (stored.tag !== options.tag) continue
          await options.onEvent(stored.event, stored)
          const msg = stored.event.msg
          if (msg.type === 'turn_complete') return { type: 'completed', lastMessage: msg.last_agent_message }
          if (msg.type === 'turn_aborted') return { type: 'aborted', reason: msg.reason }
        }
        if (cursor < page.next) continue
        if (options.onDelta) {
          const buffer = await this.live(options.sessionId)
          if (buffer && buffer.tag === options.tag && buffer.at === cursor) {
            const key = `${buffer.at}/${buffer.attempt}`
            if (key !== delivered.key) delivered = { key, next: 0 }
            const start = Math.max(delivered.next, buffer.first)
            for (const event of buffer.events.slice(start - buffer.first)) await options.onDelta(event)
            delivered.next = buffer.first + buffer.events.length
          }
        }
        // The invocation ended and its events are all read, yet no end event: it failed.
        if (finished) return { type: 'failed', message: failure ?? 'the turn ended without finishing' }
        await sleep(this.pollIntervalMs, stop.signal)
      }
    } finally {
      stop.abort()
    }
  }

  private objectPath(sessionId: string): string {
    return `/${SESSION_OBJECT}/${encodeURIComponent(sessionId)}`
  }

  private call<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  }

  /** One request, retried while Restate is unreachable or restarting (connection errors, 5xx before a handler ran). */
  private async request<T>(path: string, init: RequestInit, signal?: AbortSignal): Promise<T> {
    const started = Date.now()
    let told = false
    let delay = 100
    for (;;) {
      let reason: string
      try {
        const response = await fetch(this.base + path, { ...init, signal: signal ?? null })
        const text = await response.text()
        if (response.ok) return (text ? JSON.parse(text) : null) as T
        const message = errorMessage(text)
        // Restate is up but not ready (starting, no partition leader yet): retry.
        if (response.status === 503 || response.status === 502 || response.status === 504) reason = message
        else throw new DurableSessionError(message, response.status)
      } catch (error) {
        if (error instanceof DurableSessionError || signal?.aborted) throw error
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause
        reason = `cannot reach Restate at ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`
      }
      if (Date.now() - started > this.reconnectTimeoutMs)
        throw new IngressUnreachableError(
          `${reason} (gave up after ${Math.round(this.reconnectTimeoutMs / 1000)} s)`,
        )
      if (!told) {
        told = true
        this.options.onReconnecting?.(reason)
      }
      await sleep(delay, signal)
      delay = Math.min(delay * 2, 1000)
    }
  }
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string }
    if (body.message) return body.message
  } catch {
    // not JSON
  }
  return text || 'no details'
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
}

export type { StoredEvent } from './event-log.js'
export type { LiveBuffer } from './live.js'
export { SESSION_OBJECT } from './names.js'
export type { EventsPage, SteerResult, SubmitRequest, SubmitResult } from './session-object.js'
