// The session's event log in Restate object state: one key per event (`event/<seq>`), a small
// index (`events`: first and next sequence numbers) and a bound. Readers page through it with a
// cursor, so a client can attach late or re-attach after losing its connection.
import type { Event } from '@agent/protocol'

/** Events kept per session unless configured otherwise; older ones are dropped first. */
export const DEFAULT_MAX_EVENTS = 2000

export interface StoredEvent {
  seq: number
  /** The submission (client tag) whose turn produced the event. */
  tag: string
  event: Event
}

export interface EventIndex {
  /** Oldest sequence number still stored. */
  first: number
  /** Sequence number the next event gets. */
  next: number
}

export const EMPTY_INDEX: EventIndex = { first: 0, next: 0 }
export const eventKey = (seq: number) => `event/${seq}`

/** The minimal state API (Restate's object context satisfies it). */
export interface StateWriter {
  set<T>(name: string, value: T): void
  clear(name: string): void
}

/**
 * Appends events in order. Writes are plain state writes in the handler's journal, so they must
 * be issued in the same order on replay (see `EventPump`).
 */
export class EventLogWriter {
  private index: EventIndex

  constructor(
    private readonly state: StateWriter,
    index: EventIndex,
    private readonly maxEvents: number = DEFAULT_MAX_EVENTS,
  ) {
    this.index = { ...index }
  }

  get next(): number {
    return this.index.next
  }

  append(tag: string, event: Event): number {
    const seq = this.index.next
    this.state.set<StoredEvent>(eventKey(seq), { seq, tag, event })
    let first = this.index.first
    while (seq + 1 - first > this.maxEvents) {
      this.state.clear(eventKey(first))
      first++
    }
    this.index = { first, next: seq + 1 }
    this.state.set<EventIndex>('events', this.index)
    return seq
  }
}
