// What a turn, a compaction, startup and the other ops see of their session: its settings, history
// and ports, and the ways to emit events, record items and run steps. `Session` implements it;
// the modules that run turns depend on this interface only, so nothing imports `session.ts` back.
import type {
  ApprovalPolicy,
  EventMsg,
  Op,
  OutputSchema,
  ReasoningEffort,
  ResponseItem,
  RolloutLine,
  SandboxPolicy,
  TokenUsage,
} from '@agent/protocol'
import type { ToolRouter } from '../orchestration/router.js'
import type { Clock } from '../ports/clock.js'
import type { ApprovalGate } from '../ports/step-journal.js'
import type { WorkspaceSnapshot } from '../ports/workspace.js'
import type { SessionWriter } from '../store/session-store.js'
import type { AgentOptions } from './options.js'
import type { StepRunner, StepSink } from './steps.js'

export interface TurnSettings {
  cwd: string
  model: string
  effort?: ReasoningEffort
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
  /** This turn's final answer must be JSON of this schema (from the `user_input` op; never kept). */
  outputSchema?: OutputSchema
}

/** A `user_input` op with `steer: true` that arrived while a turn ran. */
export interface SteeringInput {
  subId: string
  op: Extract<Op, { type: 'user_input' }>
}

export interface SessionContext {
  readonly options: AgentOptions
  readonly router: ToolRouter
  readonly clock: Clock
  readonly steps: StepRunner
  /** Where approvals wait: the injected gate, or the answering ops on the queue pair. */
  readonly gate: ApprovalGate
  readonly sessionState: Map<string, unknown>
  readonly env: Record<string, string>
  readonly shell: string
  id: string
  rolloutPath: string | undefined
  writer: SessionWriter | undefined
  history: ResponseItem[]
  settings: TurnSettings
  totalUsage: TokenUsage | undefined
  lastUsage: TokenUsage | undefined
  /** The preamble (instructions and environment) has been recorded in the history. */
  hasPreamble: boolean
  /** Environment context last shown to the model, to tell it when settings change. */
  lastEnvironment: string | undefined
  /** Where `undo` goes back to: the start of the last turn, when that turn may have changed files. */
  lastSnapshot: WorkspaceSnapshot | undefined
  /** Why there is nothing to undo, when `lastSnapshot` is unset. */
  undoUnavailable: string
  /** Context from SessionStart hooks, added to the preamble. */
  startContext: string[]
  toolsReady: Promise<void>
  nextTurnId(): string
  /** Takes the steering input that arrived since the last call. */
  takeSteering(): SteeringInput[]
  readonly hasSteering: boolean
  emit(subId: string, msg: EventMsg): void
  /** Appends to the history and the rollout, in order. */
  record(items: readonly ResponseItem[]): void
  persist(lines: RolloutLine[]): void
  now(): string
  /** Runs `fn` as the journal step `name`; its effects go to the submission `subId`. */
  step<T>(subId: string, name: string, fn: (sink: StepSink) => Promise<T>): Promise<T>
  hookEnv(
    subId: string,
    signal: AbortSignal,
  ): {
    sessionId: string
    cwd: string
    signal: AbortSignal
    emit(msg: EventMsg): void
    transcriptPath?: string
  }
}
