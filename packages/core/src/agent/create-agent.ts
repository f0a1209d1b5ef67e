// The public face of the agent: the queue pair. Ops go in through `submit`, events come out of
// `nextEvent` / `events`, each event tagged with the id of the submission it answers.
import type { Event } from '@agent/protocol'
import type { SessionGrant } from '../orchestration/approvals.js'
import type { AgentOptions } from './options.js'
import { Session } from './session.js'

export interface Agent {
  /** The session id (also the rollout's file name). */
  readonly sessionId: string
  /** The rollout file, when the session store writes files. */
  readonly rolloutPath: string | undefined
  /**
   * Submits an op; resolves with its submission id. A malformed op is not thrown: an `error`
   * event (kind `invalid_op`) names the bad field, and the agent keeps working.
   */
  submit(op: unknown): Promise<string>
  /** The next event; rejects once the agent has shut down and every event was read. */
  nextEvent(): Promise<Event>
  /** Every event until `shutdown_complete` (inclusive). One reader at a time. */
  events(): AsyncIterable<Event>
  /**
   * Resolves once every rollout line recorded so far is in the session store (e.g. before a
   * durable worker copies the rollout out of a `MemorySessionStore` after `turn_complete`).
   */
  flush(): Promise<void>
  /** Interrupts any running turn, runs SessionEnd hooks, flushes the rollout, ends the event stream. */
  shutdown(): Promise<void>
  /** What the user approved for the rest of the session so far (`approved_for_session` answers). */
  sessionGrants(): SessionGrant[]
}

export async function createAgent(options: AgentOptions): Promise<Agent> {
  const session = new Session(options)
  await session.start()
  return {
    get sessionId() {
      return session.id
    },
    get rolloutPath() {
      return session.rolloutPath
    },
    submit: async (op) => session.submit(op),
    nextEvent: () => session.events.shift(),
    events: () => iterate(session),
    flush: () => session.flush(),
    shutdown: () => session.shutdown(''),
    sessionGrants: () => session.sessionApprovals.grants(),
  }
}

async function* iterate(session: Session): AsyncGenerator<Event> {
  for (;;) {
    if (session.events.isClosed && session.events.size === 0) return
    let event: Event
    try {
      event = await session.events.shift()
    } catch {
      return
    }
    yield event
    if (event.msg.type === 'shutdown_complete') return
  }
}
