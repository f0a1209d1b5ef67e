// What a turn, a compaction, startup and the other ops see of their session: its settings, history
// and ports, and the ways to emit events, record items and run steps. `Session` implements it;
// the modules that run turns depend on this interface only, so nothing imports `session.ts` back.
import type {
  ApprovalPolicy,
  EventMsg,
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
  lastSnapshot: WorkspaceSnapshot | undefined
  /** Context from SessionStart hooks, added to the preamble. */
  startContext: string[]
  toolsReady: Promise<void>
  nextTurnId(): string
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
