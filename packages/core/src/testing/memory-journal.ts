// An in-memory durable journal and approval gate: what a durable engine does, small enough to
// read. The journal records each step's result as JSON; an agent created later over the same
// entries (`fork()`) replays them without running the steps, and fails loudly when the replay
// asks for a different step than the one recorded. `crashAfter` simulates a worker dying.
import type { ReviewDecision } from '@agent/protocol'
import type { ApprovalAnswer, ApprovalGate, ApprovalWait, StepJournal } from '../ports/step-journal.js'

export interface JournalEntry {
  name: string
  /** The step's result, as the JSON text a durable engine would store. */
  result: string
}

/** Thrown by a `MemoryJournal` that reached its `crashAfter` limit: the simulated worker is gone. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash'
}

export class MemoryJournal implements StepJournal {
  /** Every step name `run` was called with, in call order (replayed ones included). */
  readonly calls: string[] = []
  /** Steps whose `fn` actually ran (not replayed), in the order they started. */
  readonly executed: string[] = []
  /** Steps currently running their `fn`. */
  running = 0
  private position = 0
  private crashed = false

  constructor(
    readonly entries: JournalEntry[] = [],
    private readonly options: {
      /** Crash before the step that would be recorded after this many. */
      crashAfter?: number
      /** Crash when this step's `fn` has run, before its result is recorded (the step re-runs). */
      crashWhile?: string
    } = {},
  ) {}

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.crashed) throw new SimulatedCrash(`the worker crashed before step ${name}`)
    this.calls.push(name)
    const index = this.position++
    const recorded = this.entries[index]
    if (recorded) {
      if (recorded.name !== name) {
        throw new Error(
          `non-deterministic replay: step ${index + 1} was recorded as ${recorded.name} but the agent now asks for ${name}`,
        )
      }
      return JSON.parse(recorded.result) as T
    }
    const crashAfter = this.options.crashAfter
    if (crashAfter !== undefined && this.recorded() >= crashAfter) {
      this.crashed = true
      throw new SimulatedCrash(`the worker crashed before step ${name}`)
    }
    this.executed.push(name)
    this.running++
    let value: T
    try {
      value = await fn()
    } finally {
      this.running--
    }
    if (name === this.options.crashWhile) this.crashed = true
    if (this.crashed) throw new SimulatedCrash(`the worker crashed while step ${name} ran`)
    // Stored in the order results arrive, keyed by the position the call had: replays match by position.
    const json = JSON.stringify(value === undefined ? null : value)
    this.entries[index] = { name, result: json }
    return (value === undefined ? undefined : JSON.parse(json)) as T
  }

  private recorded(): number {
    return this.entries.filter((e) => e !== undefined).length
  }

  /**
   * A new journal over a copy of the entries recorded so far: the next worker's view. Only the
   * unbroken prefix is kept: a step that finished after one still running re-runs (at-least-once).
   */
  fork(options: { crashAfter?: number } = {}): MemoryJournal {
    const kept: JournalEntry[] = []
    for (const entry of this.entries) {
      if (!entry) break
      kept.push({ ...entry })
    }
    return new MemoryJournal(kept, options)
  }
}

/**
 * Approvals as durable promises: an answer given before or after the wait starts resolves it, and
 * survives the agent that asked (share the gate between the crashed agent and the next one).
 */
export class MemoryApprovalGate implements ApprovalGate {
  /** Every wait, in order (a replayed wait appears again). */
  readonly waits: ApprovalWait[] = []
  private readonly answers = new Map<string, ApprovalAnswer>()
  private readonly waiting = new Map<string, ((answer: ApprovalAnswer) => void)[]>()
  private readonly listeners: ((wait: ApprovalWait) => void)[] = []

  wait(request: ApprovalWait, signal: AbortSignal): Promise<ApprovalAnswer> {
    this.waits.push(request)
    for (const listener of this.listeners.splice(0)) listener(request)
    const known = this.answers.get(request.callId)
    if (known) return Promise.resolve(known)
    return new Promise((resolve) => {
      const onAbort = () => resolve({ decision: 'abort' })
      signal.addEventListener('abort', onAbort, { once: true })
      const list = this.waiting.get(request.callId) ?? []
      list.push((answer) => {
        signal.removeEventListener('abort', onAbort)
        resolve(answer)
      })
      this.waiting.set(request.callId, list)
    })
  }

  /** Answers approval `callId` (now or for a later wait). */
  answer(callId: string, answer: ReviewDecision | ApprovalAnswer): void {
    const value = typeof answer === 'string' ? { decision: answer } : answer
    this.answers.set(callId, value)
    for (const resolve of this.waiting.get(callId) ?? []) resolve(value)
    this.waiting.delete(callId)
  }

  /** Resolves when the next wait starts. */
  nextWait(): Promise<ApprovalWait> {
    return new Promise((resolve) => this.listeners.push(resolve))
  }
}
