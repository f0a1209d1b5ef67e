// Steps: how the session runs each non-deterministic piece of work (a model sampling, a tool
// call, a hook run, reading the clock) through the `StepJournal` port. Without a journal a step
// is a plain call whose effects apply as they happen (today's behaviour, no cost). With one, a
// step's effects (events, history items, token usage) are buffered, recorded with its result and
// the time it ended, and applied after `run` returns: a replay applies exactly the same effects
// in the same order, and timestamps the session writes come from the journal, not the clock.
import type { EventMsg, ResponseItem, TokenUsage } from '@agent/protocol'
import type { Clock } from '../ports/clock.js'
import type { StepJournal } from '../ports/step-journal.js'

/** What a step may do to the session besides returning its value. */
export interface StepSink {
  emit(msg: EventMsg): void
  record(items: ResponseItem[]): void
  usage(usage: TokenUsage): void
}

type StepEffect = { event: EventMsg } | { items: ResponseItem[] } | { usage: TokenUsage }

/** What the journal records for one step (JSON). */
interface RecordedStep<T> {
  value: T
  effects: StepEffect[]
  /** When the step ended (ISO 8601): the session's clock until the next step ends. */
  at: string
}

/**
 * Streaming deltas are not journaled: the finished items they add up to are. With a journal they
 * go to `AgentOptions.onStreamingEvent` as they happen (live only: a replay does not repeat them).
 */
const STREAMING_EVENTS = new Set<EventMsg['type']>([
  'agent_message_delta',
  'agent_reasoning_delta',
  'exec_command_output_delta',
])

export class StepRunner {
  private time: string | undefined

  constructor(
    private readonly journal: StepJournal | undefined,
    private readonly clock: Clock,
  ) {}

  /** With a journal the loop must stay deterministic (approvals wait between steps, not inside). */
  get journaled(): boolean {
    return this.journal !== undefined
  }

  /** The time the session writes: the clock, or with a journal the end of the last step. */
  now(): string {
    return this.journal && this.time !== undefined ? this.time : this.clock.now().toISOString()
  }

  /**
   * Runs `fn` as the step `name`. `live` applies effects to the session; `fn` must report every
   * effect through the sink it is given, and its value must be JSON data.
   */
  run<T>(
    name: string,
    live: StepSink,
    fn: (sink: StepSink) => Promise<T>,
    stream?: (msg: EventMsg) => void,
  ): Promise<T> {
    const journal = this.journal
    if (!journal) return fn(live)
    return journal
      .run<RecordedStep<T>>(name, async () => {
        const effects: StepEffect[] = []
        const value = await fn({
          emit: (event) => {
            if (!STREAMING_EVENTS.has(event.type)) effects.push({ event })
            else stream?.(event)
          },
          record: (items) => {
            if (items.length > 0) effects.push({ items })
          },
          usage: (usage) => effects.push({ usage }),
        })
        return { value, effects, at: this.clock.now().toISOString() }
      })
      .then((recorded) => {
        this.time = recorded.at
        for (const effect of recorded.effects) {
          if ('event' in effect) live.emit(effect.event)
          else if ('items' in effect) live.record(effect.items)
          else live.usage(effect.usage)
        }
        return recorded.value
      })
  }
}
