// Reading an agent's events in tests: collect until a condition, answering approvals on the way.
import type { Event } from '@agent/protocol'
import type { Agent } from '../agent/create-agent.js'

export type EventLog = Event[]

/**
 * Reads events until `stop` matches one (inclusive) and returns them all. `onEvent` may submit
 * ops (e.g. approvals). Rejects after `timeoutMs` (default 20 s) naming the events seen.
 */
export async function collectUntil(
  agent: Agent,
  stop: (event: Event) => boolean,
  options: { timeoutMs?: number; onEvent?: (event: Event) => void | Promise<void> } = {},
): Promise<EventLog> {
  const log: EventLog = []
  const timeoutMs = options.timeoutMs ?? 20_000
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; saw: ${log.map((e) => e.msg.type).join(', ')}`,
          ),
        ),
      timeoutMs,
    )
  })
  try {
    for (;;) {
      const event = await Promise.race([agent.nextEvent(), timeout])
      log.push(event)
      await options.onEvent?.(event)
      if (stop(event)) return log
    }
  } finally {
    clearTimeout(timer)
  }
}
