// A subagent's steps over a durable parent. The parent's Task call is one step of the parent's
// journal, and a call that asks for approval runs again from the start once answered; the child
// agent therefore records its own steps here, saved with the parent's stopped attempt (core's
// `attemptState`), and the next attempt replays them: the child's model requests and finished
// commands are not repeated, and its answered approval is not asked again.
import type { StepJournal } from '@agent/core'

/** One recorded step: its name and its result as JSON text. */
export interface SubagentStep {
  name: string
  result: string
}

export class SubagentJournal implements StepJournal {
  private position = 0
  private readonly entries: SubagentStep[]

  /** `recorded`: what an earlier attempt saved; `save` is called with the steps after each new one. */
  constructor(
    recorded: unknown,
    private readonly save: (steps: SubagentStep[]) => void,
  ) {
    this.entries = Array.isArray(recorded) ? (recorded as SubagentStep[]).slice() : []
  }

  private frozen = false

  /**
   * Stops saving: called before the child is shut down, so the steps its shutdown takes (an
   * aborted turn's diff, SessionEnd hooks) are not replayed as if the child had taken them.
   */
  freeze(): void {
    this.frozen = true
  }

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const index = this.position++
    const recorded = this.entries[index]
    if (recorded) {
      if (recorded.name !== name) {
        throw new Error(
          `the subagent did not replay as recorded: step ${index + 1} was ${recorded.name}, now ${name}`,
        )
      }
      return JSON.parse(recorded.result) as T
    }
    const value = await fn()
    const result = JSON.stringify(value === undefined ? null : value)
    this.entries[index] = { name, result }
    if (!this.frozen) this.save(this.unbroken())
    return (value === undefined ? undefined : JSON.parse(result)) as T
  }

  /** The steps recorded without a gap (parallel steps may finish out of order). */
  private unbroken(): SubagentStep[] {
    const out: SubagentStep[] = []
    for (const entry of this.entries) {
      if (!entry) break
      out.push(entry)
    }
    return out
  }
}
