// Moves the agent's events into the durable event log so that a replay writes exactly what the
// first execution wrote, in the same places of the journal. Core emits events only at step
// boundaries; before every journaled command (a step, an approval wait) the pump persists every
// event the agent has already emitted. "Already emitted" is read without waiting: a queued event
// is an already-settled promise, which wins a race against a fresh resolved marker.
import type { Event } from '@agent/protocol'
import type { QueuePairAgent } from './contract.js'

const NOT_READY = Symbol('not ready')

export type TurnEnd =
  | { type: 'completed'; lastMessage: string | null }
  | { type: 'aborted'; reason: string }
  | { type: 'shutdown' }

export class EventPump {
  private agent: QueuePairAgent | undefined
  private pending: Promise<Event> | undefined
  private chain: Promise<unknown> = Promise.resolve()
  private ended: TurnEnd | undefined

  constructor(
    private readonly persist: (event: Event) => void,
    /** Runs before a turn's closing event is persisted; the events it returns go first. */
    private readonly beforeTurnEnd?: (end: Event) => Promise<Event[]>,
  ) {}

  attach(agent: QueuePairAgent): void {
    this.agent = agent
  }

  get turnEnd(): TurnEnd | undefined {
    return this.ended
  }

  /**
   * Runs `issue` after persisting every ready event, one caller at a time, in call order (parallel
   * steps are issued in the order core started them).
   */
  serialize<T>(issue: () => T): Promise<T> {
    const next = this.chain.then(async () => {
      await this.drainReady()
      return issue()
    })
    this.chain = next.catch(() => {})
    return next
  }

  /** Persists events as they come until the turn ends; resolves with how it ended. */
  async untilTurnEnds(): Promise<TurnEnd> {
    const agent = this.agent
    if (!agent) throw new Error('EventPump: no agent attached')
    for (;;) {
      if (this.ended) return this.ended
      this.pending ??= agent.nextEvent()
      try {
        await this.pending
      } catch {
        this.pending = undefined
        this.finish({ type: 'shutdown' })
        continue
      }
      await this.serialize(() => undefined)
    }
  }

  private async drainReady(): Promise<void> {
    const agent = this.agent
    if (!agent) return
    while (!this.ended) {
      this.pending ??= agent.nextEvent()
      let event: Event | typeof NOT_READY
      try {
        event = await Promise.race([this.pending, Promise.resolve(NOT_READY)])
      } catch {
        this.pending = undefined
        this.finish({ type: 'shutdown' })
        return
      }
      if (event === NOT_READY) return
      this.pending = undefined
      const msg = event.msg
      if (this.beforeTurnEnd && (msg.type === 'turn_complete' || msg.type === 'turn_aborted'))
        for (const extra of await this.beforeTurnEnd(event)) this.persist(extra)
      this.persist(event)
      if (msg.type === 'turn_complete')
        this.finish({ type: 'completed', lastMessage: msg.last_agent_message })
      else if (msg.type === 'turn_aborted') this.finish({ type: 'aborted', reason: msg.reason })
      else if (msg.type === 'shutdown_complete') this.finish({ type: 'shutdown' })
    }
  }

  private finish(end: TurnEnd): void {
    this.ended = end
  }
}
