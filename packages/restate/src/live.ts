// Live deltas: the text a running step streams (model output as it is typed, command output as it
// comes) is not part of the journaled event log (a replay could not repeat it). Workers push it,
// coalesced, to a second object keyed by session that keeps only the current step's deltas (a
// short-lived buffer); a following client merges them with the log while it waits for the step's
// finished items. Best effort: a lost push loses a preview, never an event.
import type { Event } from '@agent/protocol'
import * as restate from '@restatedev/restate-sdk'
import { LIVE_OBJECT } from './names.js'

/** Deltas kept for one step; older ones are dropped first (`first` says how many). */
export const MAX_LIVE_EVENTS = 1000

export interface LivePush {
  /** The turn (submission tag) streaming. */
  tag: string
  /** The event log's `next` when the deltas were produced: they precede the event stored there. */
  at: number
  /** One run of the turn on one worker: a replayed step streams again under a new attempt. */
  attempt: string
  events: Event[]
}

export interface LiveBuffer {
  tag: string
  at: number
  attempt: string
  /** Number of the first kept event (those before it were dropped); `events[i]` is number first + i. */
  first: number
  events: Event[]
}

const LIVE = 'live'

export const liveObject = restate.object({
  name: LIVE_OBJECT,
  handlers: {
    push: async (ctx: restate.ObjectContext, push: LivePush): Promise<void> => {
      const stored = await ctx.get<LiveBuffer>(LIVE)
      const same =
        stored && stored.tag === push.tag && stored.at === push.at && stored.attempt === push.attempt
      const buffer: LiveBuffer = same
        ? stored
        : { tag: push.tag, at: push.at, attempt: push.attempt, first: 0, events: [] }
      buffer.events.push(...push.events)
      const over = buffer.events.length - MAX_LIVE_EVENTS
      if (over > 0) {
        buffer.events.splice(0, over)
        buffer.first += over
      }
      ctx.set(LIVE, buffer)
    },
    read: restate.handlers.object.shared(
      async (ctx: restate.ObjectSharedContext): Promise<LiveBuffer | null> =>
        (await ctx.get<LiveBuffer>(LIVE)) ?? null,
    ),
  },
})

/**
 * Pushes one turn's deltas through Restate's ingress: one request in flight at a time, and what
 * arrives meanwhile goes in the next one, with consecutive text deltas of one kind joined.
 */
export class LivePublisher {
  /** Batches not sent yet, in order; the one being sent is no longer here. */
  private readonly queue: LivePush[] = []
  private sending = false

  constructor(
    private readonly ingressUrl: string,
    private readonly sessionId: string,
  ) {}

  publish(tag: string, at: number, attempt: string, event: Event): void {
    let batch = this.queue.at(-1)
    if (!batch || batch.at !== at || batch.tag !== tag || batch.attempt !== attempt) {
      batch = { tag, at, attempt, events: [] }
      this.queue.push(batch)
    }
    const last = batch.events.at(-1)
    if (!(last && last.id === event.id && joinDeltas(last, event))) batch.events.push(structuredClone(event))
    this.flush()
  }

  private flush(): void {
    if (this.sending) return
    const batch = this.queue.shift()
    if (!batch) return
    this.sending = true
    void this.send(batch).finally(() => {
      this.sending = false
      this.flush()
    })
  }

  private async send(batch: LivePush): Promise<void> {
    const url = `${this.ingressUrl.replace(/\/+$/, '')}/${LIVE_OBJECT}/${encodeURIComponent(this.sessionId)}/push/send`
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      })
      await response.arrayBuffer()
    } catch {
      // A preview: the finished items reach the event log whatever happens here.
    }
  }
}

function joinDeltas(into: Event, next: Event): boolean {
  const a = into.msg
  const b = next.msg
  if (a.type === 'agent_message_delta' && b.type === 'agent_message_delta') a.delta += b.delta
  else if (a.type === 'agent_reasoning_delta' && b.type === 'agent_reasoning_delta') a.delta += b.delta
  else return false
  return true
}
