// The UI's only view of an agent: submit ops, read events. `createAgent`'s result from
// @agent/core satisfies it as is, and so can a client of an agent in another process.
import type { Event, Op } from '@agent/protocol'

export interface AgentConnection {
  /** Sends an op; resolves with its submission id. */
  submit(op: Op): Promise<string>
  /** Every event until the agent shuts down. Read by one consumer (the UI). */
  events(): AsyncIterable<Event>
}
