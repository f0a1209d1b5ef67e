// The durable session: a Restate virtual object keyed by session id. `submit` runs one turn
// (exclusive: Restate queues a second prompt to the same session behind the first); `events`,
// `approve` and `interrupt` are shared handlers that run beside it. Everything the next turn
// needs (working directory, rollout, event log) is object state, so any worker can continue it.
import { randomUUID } from 'node:crypto'
import type { Event, RolloutLine } from '@agent/protocol'
import { ReviewDecision } from '@agent/protocol'
import * as restate from '@restatedev/restate-sdk'
import type {
  ApprovalAnswer,
  ApprovalGate,
  SessionFactory,
  SessionGrant,
  SteeringInbox,
  SteeringMessage,
  StepJournal,
} from './contract.js'
import {
  DEFAULT_MAX_EVENTS,
  EMPTY_INDEX,
  type EventIndex,
  EventLogWriter,
  eventKey,
  type StoredEvent,
} from './event-log.js'
import { EventPump, type TurnEnd } from './event-pump.js'

import { LivePublisher } from './live.js'
import { SESSION_OBJECT } from './names.js'
import { steeringObject } from './steering.js'

export { SESSION_OBJECT }

export interface SessionMetaState {
  cwd: string
  createdAt: string
}

export interface CurrentTurn {
  tag: string
  invocationId: string
  /** Sequence number of the turn's first event. */
  firstSeq: number
}

export interface SubmitRequest {
  prompt: string
  /** Identifies the submission; every event of its turn carries it (the CLI's idempotency key). */
  tag: string
  /** Creates the session in this working directory when it does not exist yet. */
  create?: { cwd: string }
  /** Fails unless the existing session works in this directory (`-C` given for an existing session). */
  expectCwd?: string
}

export interface SubmitResult {
  tag: string
  outcome: TurnEnd['type']
  lastMessage: string | null
  reason?: string
  /** Sequence numbers of the turn's first event and of the one after its last. */
  firstSeq: number
  nextSeq: number
}

export interface EventsRequest {
  /** Return events with a sequence number >= `after` (default: from the oldest stored). */
  from?: number
  /** At most this many (default 200). */
  limit?: number
}

export interface EventsPage {
  exists: boolean
  cwd?: string
  events: StoredEvent[]
  /** Oldest stored and next sequence numbers: a reader whose cursor is below `first` missed events. */
  first: number
  next: number
  current: CurrentTurn | null
  pendingApprovals: string[]
}

export interface SteerRequest extends SteeringMessage {}

export interface SteerResult {
  /** The turn (submission tag) the input joins at its next model request. */
  turn: string
  /** Messages waiting for that request, this one included. */
  queued: number
}

export interface ApproveRequest extends ApprovalAnswer {
  callId: string
}

export interface SessionObjectOptions {
  createSession: SessionFactory
  /** Events kept per session (default 2000); older ones are dropped. */
  maxEvents?: number
  /** Retry policy for turn attempts (after a worker dies, Restate retries on a live one). */
  retryPolicy?: restate.RetryPolicy
  /**
   * A turn waiting this long for an approval stops its MCP server processes (`HostedSession.idle`)
   * and starts them again with the answer. Default 30 s: below Restate's default inactivity
   * timeout (1 min), after which Restate suspends the turn and this worker's agent is abandoned.
   */
  idleAfterMs?: number
  /**
   * Restate's ingress URL as this worker reaches it: streaming deltas are pushed there (object
   * `AgentSessionLive`) for clients to preview. Absent: clients see finished items only.
   */
  liveIngressUrl?: string
}

export const DEFAULT_IDLE_AFTER_MS = 30_000

const APPROVAL_PREFIX = 'approval/'

interface StepOutcome {
  ok: boolean
  value?: unknown
  error?: { name: string; message: string }
}

export function createSessionObject(options: SessionObjectOptions) {
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS
  const idleAfterMs = options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS
  return restate.object({
    name: SESSION_OBJECT,
    handlers: {
      submit: async (ctx: restate.ObjectContext, request: SubmitRequest): Promise<SubmitResult> => {
        try {
          return await runTurn(ctx, validateSubmit(request), options, maxEvents, idleAfterMs)
        } catch (error) {
          // A turn that cannot go on releases the session for the next prompt.
          if (error instanceof restate.TerminalError) ctx.clear('current')
          throw error
        }
      },

      events: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, request: EventsRequest | null): Promise<EventsPage> => {
          const meta = await ctx.get<SessionMetaState>('meta')
          const index = (await ctx.get<EventIndex>('events')) ?? EMPTY_INDEX
          const current = await ctx.get<CurrentTurn>('current')
          if (!meta)
            return { exists: false, events: [], ...index, current: current ?? null, pendingApprovals: [] }
          const limit = Math.max(1, Math.min(request?.limit ?? 200, 1000))
          const from = Math.max(request?.from ?? index.first, index.first)
          const events: StoredEvent[] = []
          for (let seq = from; seq < index.next && events.length < limit; seq++) {
            const stored = await ctx.get<StoredEvent>(eventKey(seq))
            if (stored) events.push(stored)
          }
          return {
            exists: true,
            cwd: meta.cwd,
            events,
            ...index,
            current: current ?? null,
            pendingApprovals: await pendingApprovals(ctx),
          }
        },
      ),

      approve: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, request: ApproveRequest): Promise<{ callId: string }> => {
          const decision = ReviewDecision.safeParse(request?.decision)
          if (typeof request?.callId !== 'string' || !decision.success)
            throw new restate.TerminalError(
              `approve needs { callId: string, decision: ${ReviewDecision.options.join(' | ')} }`,
              { errorCode: 400 },
            )
          await requireSession(ctx)
          const pending = await ctx.get<{ awakeableId: string }>(APPROVAL_PREFIX + request.callId)
          if (!pending) {
            const open = await pendingApprovals(ctx)
            throw new restate.TerminalError(
              `session ${ctx.key} has no pending approval for call ${request.callId}` +
                (open.length ? ` (pending: ${open.join(', ')})` : ' (none is pending)'),
              { errorCode: 404 },
            )
          }
          const answer: ApprovalAnswer = { decision: decision.data }
          if (Array.isArray(request.prefix) && request.prefix.every((w) => typeof w === 'string'))
            answer.prefix = request.prefix
          if (typeof request.feedback === 'string') answer.feedback = request.feedback
          ctx.resolveAwakeable(pending.awakeableId, answer)
          return { callId: request.callId }
        },
      ),

      steer: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, request: SteerRequest): Promise<SteerResult> => {
          if (!request || typeof request.text !== 'string' || !request.text.trim())
            throw new restate.TerminalError('steer needs a non-empty `text`', { errorCode: 400 })
          if (
            request.images !== undefined &&
            !(Array.isArray(request.images) && request.images.every((url) => typeof url === 'string'))
          )
            throw new restate.TerminalError('steer: `images` must be a list of image URLs', {
              errorCode: 400,
            })
          await requireSession(ctx)
          const current = await ctx.get<CurrentTurn>('current')
          if (!current)
            throw new restate.TerminalError(
              `session ${ctx.key} has no turn running to steer: send the text as a prompt instead`,
              { errorCode: 409 },
            )
          const { queued } = await ctx.objectClient(steeringObject, ctx.key).push({
            tag: current.tag,
            text: request.text,
            ...(request.images ? { images: request.images } : {}),
          })
          return { turn: current.tag, queued }
        },
      ),

      interrupt: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext): Promise<{ interrupted: string | null }> => {
          await requireSession(ctx)
          const current = await ctx.get<CurrentTurn>('current')
          if (!current) return { interrupted: null }
          ctx.cancel(current.invocationId as restate.InvocationId)
          return { interrupted: current.tag }
        },
      ),
    },
    options: options.retryPolicy ? { retryPolicy: options.retryPolicy } : {},
  })
}

export type SessionObject = ReturnType<typeof createSessionObject>

async function requireSession(ctx: restate.ObjectSharedContext): Promise<SessionMetaState> {
  const meta = await ctx.get<SessionMetaState>('meta')
  if (!meta)
    throw new restate.TerminalError(`no session ${ctx.key}: start one with a prompt first`, {
      errorCode: 404,
    })
  return meta
}

async function pendingApprovals(ctx: restate.ObjectSharedContext): Promise<string[]> {
  return (await ctx.stateKeys())
    .filter((key) => key.startsWith(APPROVAL_PREFIX))
    .map((key) => key.slice(APPROVAL_PREFIX.length))
}

function validateSubmit(request: SubmitRequest): SubmitRequest {
  if (!request || typeof request.prompt !== 'string' || !request.prompt.trim())
    throw new restate.TerminalError('submit needs a non-empty `prompt`', { errorCode: 400 })
  if (typeof request.tag !== 'string' || !request.tag)
    throw new restate.TerminalError('submit needs a `tag` identifying the submission', { errorCode: 400 })
  if (request.create && typeof request.create.cwd !== 'string')
    throw new restate.TerminalError('submit: `create.cwd` must be an absolute path', { errorCode: 400 })
  return request
}

async function runTurn(
  ctx: restate.ObjectContext,
  request: SubmitRequest,
  options: SessionObjectOptions,
  maxEvents: number,
  idleAfterMs: number,
): Promise<SubmitResult> {
  const createSession = options.createSession
  let meta = await ctx.get<SessionMetaState>('meta')
  if (!meta) {
    if (!request.create)
      throw new restate.TerminalError(
        `no session ${ctx.key}: leave out the session id to start a new one (with its working directory)`,
        { errorCode: 404 },
      )
    meta = { cwd: request.create.cwd, createdAt: await ctx.date.toJSON() }
    ctx.set('meta', meta)
  }
  if (request.expectCwd !== undefined && request.expectCwd !== meta.cwd)
    throw new restate.TerminalError(
      `session ${ctx.key} works in ${meta.cwd}, not ${request.expectCwd}: drop -C or pass that directory`,
      { errorCode: 409 },
    )

  const history = await ctx.get<RolloutLine[]>('history')
  const grants = (await ctx.get<SessionGrant[]>('grants')) ?? []
  const log = new EventLogWriter(ctx, (await ctx.get<EventIndex>('events')) ?? EMPTY_INDEX, maxEvents)
  const firstSeq = log.next
  ctx.set<CurrentTurn>('current', { tag: request.tag, invocationId: ctx.request().id, firstSeq })

  let interruptSent = false
  // One journaled call takes the steering inbox (in the pump's order, like every command).
  // `inOrder`: already inside the pump's chain (the closing events are being persisted).
  const takeSteering = async (inOrder = false): Promise<SteeringMessage[]> => {
    const issue = () => ({ call: ctx.objectClient(steeringObject, ctx.key).take({ tag: request.tag }) })
    const { call } = inOrder ? issue() : await pump.serialize(issue)
    try {
      const taken = await call
      // Input a turn that had already ended missed joins this one.
      return [...taken.late, ...taken.messages].map(({ text, images }) => ({
        text,
        ...(images ? { images } : {}),
      }))
    } catch (error) {
      if (error instanceof restate.CancelledError) {
        onCancelled()
        return []
      }
      throw error
    }
  }
  const steering: SteeringInbox = { take: () => takeSteering() }
  // Steering sent after the turn's last model request becomes the next turns, in order (as core
  // does in process); the closing events say so.
  const beforeTurnEnd = async (end: Event): Promise<Event[]> => {
    const left = await takeSteering(true)
    return left.map((message, i) => {
      ctx.genericSend({
        service: SESSION_OBJECT,
        method: 'submit',
        key: ctx.key,
        parameter: { prompt: message.text, tag: `${request.tag}/steer/${i + 1}` } satisfies SubmitRequest,
        inputSerde: restate.serde.json,
      })
      return {
        id: end.id,
        msg: {
          type: 'background_event',
          message: `steering input arrived after the turn's last model request; it runs as the next turn: ${message.text}`,
        },
      }
    })
  }
  const pump = new EventPump((event: Event) => log.append(request.tag, slim(event)), beforeTurnEnd)
  const onCancelled = () => {
    if (interruptSent) return
    interruptSent = true
    void hosted?.agent.submit({ type: 'interrupt' })
  }

  const journal: StepJournal = {
    run: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const issued = await pump.serialize(() => ({
        promise: ctx.run<StepOutcome>(name, async () => {
          try {
            return { ok: true, value: await fn() }
          } catch (error) {
            const e = error instanceof Error ? error : new Error(String(error))
            return { ok: false, error: { name: e.name, message: e.message } }
          }
        }),
      }))
      let outcome: StepOutcome
      try {
        outcome = await issued.promise
      } catch (error) {
        if (error instanceof restate.CancelledError) {
          onCancelled()
          throw Object.assign(new Error('the turn was interrupted'), { name: 'AbortError' })
        }
        throw error
      }
      if (!outcome.ok) {
        throw Object.assign(new Error(outcome.error?.message ?? 'step failed'), {
          name: outcome.error?.name ?? 'Error',
        })
      }
      return outcome.value as T
    },
  }

  const approvals: ApprovalGate = {
    wait: async (approval, signal) => {
      if (signal.aborted) return 'abort'
      const key = APPROVAL_PREFIX + approval.callId
      const { awakeable } = await pump.serialize(() => {
        const created = ctx.awakeable<ApprovalAnswer>()
        ctx.set(key, {
          awakeableId: created.id,
          kind: approval.kind,
          turnId: approval.turnId,
          request: approval.request,
        })
        return { awakeable: created }
      })
      // A long wait releases the agent's MCP server processes (Restate may suspend the turn and
      // abandon this agent meanwhile); they start again when the answer arrives. Not journaled:
      // it changes what the worker holds, not what the turn does.
      let idled: Promise<void> | undefined
      const idleTimer = setTimeout(() => {
        idled = hosted?.idle?.().catch(() => {})
      }, idleAfterMs)
      try {
        return await awakeable.promise
      } catch (error) {
        if (error instanceof restate.CancelledError) {
          onCancelled()
          return 'abort'
        }
        throw error
      } finally {
        clearTimeout(idleTimer)
        ctx.clear(key)
        if (idled) {
          await idled
          await hosted?.wake?.().catch(() => {})
        }
      }
    },
  }

  // Deltas go to the live buffer, placed before the event the log stores next. Not journaled.
  const publisher = options.liveIngressUrl ? new LivePublisher(options.liveIngressUrl, ctx.key) : undefined
  const attempt = randomUUID()
  const live = publisher && ((event: Event) => publisher.publish(request.tag, log.next, attempt, event))

  let hosted: Awaited<ReturnType<SessionFactory>> | undefined
  let end: TurnEnd
  let lines: RolloutLine[]
  let granted: SessionGrant[]
  try {
    try {
      hosted = await createSession({
        sessionId: ctx.key,
        cwd: meta.cwd,
        history,
        journal,
        approvals,
        steering,
        grants,
        ...(live ? { onStreamingEvent: live } : {}),
      })
    } catch (error) {
      // A configuration problem (model, sandbox, MCP): retrying the turn would fail the same way.
      const message = error instanceof Error ? error.message : String(error)
      throw new restate.TerminalError(`could not start the agent for session ${ctx.key}: ${message}`)
    }
    pump.attach(hosted.agent)
    await hosted.agent.submit({ type: 'user_input', items: [{ type: 'text', text: request.prompt }] })
    end = await pump.untilTurnEnds()
    const session = hosted
    lines = await ctx.run(`history/${request.tag}`, () => session.history())
    granted = session.grants?.() ?? grants
  } finally {
    await hosted?.close().catch(() => {})
  }
  ctx.set('history', lines)
  if (JSON.stringify(granted) !== JSON.stringify(grants)) ctx.set('grants', granted)
  ctx.clear('current')
  return {
    tag: request.tag,
    outcome: end.type,
    lastMessage: end.type === 'completed' ? end.lastMessage : null,
    ...(end.type === 'aborted' ? { reason: end.reason } : {}),
    firstSeq,
    nextSeq: log.next,
  }
}

/** Resumed sessions repeat their whole history in `session_configured`; the rollout already has it. */
function slim(event: Event): Event {
  if (event.msg.type !== 'session_configured' || !event.msg.initial_messages) return event
  const { initial_messages: _dropped, ...msg } = event.msg
  return { ...event, msg }
}
