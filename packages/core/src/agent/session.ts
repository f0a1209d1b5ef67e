import { basename } from 'node:path'
import {
  type ApprovalPolicy,
  type Event,
  type EventMsg,
  EventMsg as EventMsgSchema,
  type Op,
  parseSubmission,
  type ReasoningEffort,
  type ResponseItem,
  type RolloutLine,
  type SandboxPolicy,
  type TokenUsage,
} from '@agent/protocol'
import { type ApprovalAnswer, PendingApprovals, SessionApprovals } from '../orchestration/approvals.js'
import { formatExecResult } from '../orchestration/format.js'
import { Orchestrator } from '../orchestration/orchestrator.js'
import { ToolRouter } from '../orchestration/router.js'
import { systemClock } from '../ports/clock.js'
import type { ApprovalGate } from '../ports/step-journal.js'
import type { WorkspaceSnapshot } from '../ports/workspace.js'
import type { SessionWriter } from '../store/session-store.js'
import { AsyncQueue } from './async-queue.js'
import { compactHistory } from './compaction.js'
import { runHookStep } from './hook-step.js'
import { errorText } from './items.js'
import type { AgentOptions } from './options.js'
import { applyUsage } from './sampling.js'
import type { SessionContext, SteeringInput, TurnSettings } from './session-context.js'
import { listMcpTools, undoLastTurn } from './session-ops.js'
import { startSession } from './session-startup.js'
import { StepRunner, type StepSink } from './steps.js'
import { runTurn } from './turn.js'

/** Event types recorded in the rollout besides conversation items (the rest are transient). */
const PERSISTED_EVENTS = new Set<EventMsg['type']>([
  'user_message',
  'agent_message',
  'token_count',
  'turn_complete',
  'turn_aborted',
  'context_compacted',
  'error',
  'undo_completed',
  'turn_diff',
])

interface ActiveTurn {
  subId: string
  kind: 'turn' | 'compact' | 'undo'
  controller: AbortController
  abortReason: 'interrupted' | 'shutdown' | undefined
  done: Promise<void>
}

type Queued = { subId: string; op: Extract<Op, { type: 'user_input' | 'compact' | 'undo' }> }

/** Submission ids are unique across the agents of a process (handy when several run side by side). */
let submissionCounter = 0

export class Session implements SessionContext {
  readonly events = new AsyncQueue<Event>()
  readonly pending = new PendingApprovals()
  readonly sessionApprovals = new SessionApprovals()
  readonly sessionState = new Map<string, unknown>()
  readonly router: ToolRouter
  readonly clock
  readonly steps: StepRunner
  readonly gate: ApprovalGate
  id = ''
  rolloutPath: string | undefined
  history: ResponseItem[] = []
  settings: TurnSettings
  totalUsage: TokenUsage | undefined
  lastUsage: TokenUsage | undefined
  /** The preamble (instructions and environment) has been recorded in the history. */
  hasPreamble = false
  /** Environment context last shown to the model, to tell it when settings change. */
  lastEnvironment: string | undefined
  lastSnapshot: WorkspaceSnapshot | undefined
  undoUnavailable = 'no turn has changed the workspace yet'
  /** Context from SessionStart hooks, added to the preamble. */
  startContext: string[] = []
  toolsReady: Promise<void> = Promise.resolve()
  readonly env: Record<string, string>
  readonly shell: string
  writer: SessionWriter | undefined
  /** A rollout write failed and nothing has been written since (the disk is full, say). */
  private rolloutFailing = false
  private writeChain: Promise<void> = Promise.resolve()
  private active: ActiveTurn | undefined
  private readonly queue: Queued[] = []
  /** Input steering the running turn, waiting for its next model request. */
  private readonly steering: SteeringInput[] = []
  private turns = 0
  private compactions = 0
  /** With a journal submission ids are per session, so a replay tags events the same way. */
  private submissions = 0
  private shuttingDown: Promise<void> | undefined

  constructor(readonly options: AgentOptions) {
    this.clock = options.clock ?? systemClock
    this.steps = new StepRunner(options.journal, this.clock)
    if (options.sessionGrants) this.sessionApprovals.restore(options.sessionGrants)
    const pending = this.pending
    this.gate = options.approvals ?? { wait: (request, signal) => pending.wait(request.callId, signal) }
    this.settings = {
      cwd: options.cwd,
      model: options.modelName,
      approvalPolicy: options.approvalPolicy ?? 'on-request',
      sandboxPolicy: options.sandboxPolicy ?? {
        type: 'workspace-write',
        writable_roots: [],
        network_access: false,
      },
    }
    if (options.effort) this.settings.effort = options.effort
    this.env = options.env ?? stringEnv(process.env)
    this.shell = options.shell ?? (process.env.SHELL ? basename(process.env.SHELL) : 'bash')
    const orchestrator = new Orchestrator({
      runner: options.runner,
      sandbox: options.sandbox,
      policy: options.policy,
      ...(options.processes ? { processes: options.processes } : {}),
      gate: this.gate,
      sessionApprovals: this.sessionApprovals,
      format: options.formatExecOutput ?? ((r) => formatExecResult(r)),
      defaultTimeoutMs: options.commandTimeoutMs ?? 10 * 60_000,
    })
    this.router = new ToolRouter({
      tools: options.tools ?? [],
      ...(options.hooks ? { hooks: options.hooks } : {}),
      orchestrator,
      gate: this.gate,
    })
  }

  /** Loads or creates the rollout, runs SessionStart hooks, emits session_configured. */
  start(): Promise<void> {
    return startSession(this)
  }

  // ---- the queue pair ----------------------------------------------------------------------

  submit(op: unknown): string {
    const id = this.options.journal ? `s${++this.submissions}` : `s${++submissionCounter}`
    if (this.shuttingDown && !this.events.isClosed) {
      this.emit(id, {
        type: 'error',
        kind: 'shutting_down',
        message: 'the agent is shutting down; op ignored',
      })
      return id
    }
    const parsed = parseSubmission({ id, op })
    if (!parsed.ok) {
      this.emit(id, { type: 'error', kind: 'invalid_op', message: parsed.error.message })
      return id
    }
    this.handle(id, parsed.value.op)
    return id
  }

  private handle(subId: string, op: Op): void {
    switch (op.type) {
      case 'user_input':
        if (op.steer && this.active?.kind === 'turn' && !this.active.controller.signal.aborted) {
          this.steering.push({ subId, op })
          return
        }
        this.queue.push({ subId, op })
        this.startNext()
        return
      case 'compact':
        this.queue.push({ subId, op })
        this.startNext()
        return
      case 'interrupt':
        if (this.active) this.abortActive('interrupted')
        else this.emit(subId, { type: 'warning', message: 'nothing to interrupt: no turn is running' })
        return
      case 'exec_approval':
      case 'patch_approval': {
        const answer: ApprovalAnswer = { decision: op.decision }
        if (op.type === 'exec_approval' && op.prefix) answer.prefix = op.prefix
        if (op.feedback) answer.feedback = op.feedback
        const answered = this.pending.answer(op.id, answer)
        if (!answered) {
          this.emit(subId, {
            type: 'error',
            kind: 'invalid_op',
            message: `op.id: no approval request with id ${op.id} is waiting for an answer`,
          })
        }
        return
      }
      case 'override_turn_context':
        this.applyOverrides(op)
        return
      case 'undo':
        // Refused while a turn runs; otherwise it runs as the active work, so input sent right
        // after it starts its turn once the workspace is restored.
        if (this.active) {
          void undoLastTurn(this, subId, true)
          return
        }
        this.queue.push({ subId, op })
        this.startNext()
        return
      case 'list_mcp_tools':
        void listMcpTools(this, subId)
        return
      case 'shutdown':
        void this.shutdown(subId)
        return
    }
  }

  private applyOverrides(op: {
    cwd?: string
    model?: string
    effort?: ReasoningEffort
    approval_policy?: ApprovalPolicy
    sandbox_policy?: SandboxPolicy
  }): void {
    if (op.cwd) this.settings.cwd = op.cwd
    if (op.model) this.settings.model = op.model
    if (op.effort) this.settings.effort = op.effort
    if (op.approval_policy) this.settings.approvalPolicy = op.approval_policy
    if (op.sandbox_policy) this.settings.sandboxPolicy = op.sandbox_policy
  }

  /** Starts the next queued turn or compaction when none is running. */
  private startNext(): void {
    if (this.active || this.shuttingDown) return
    const next = this.queue.shift()
    if (!next) return
    const controller = new AbortController()
    const active: ActiveTurn = {
      subId: next.subId,
      kind: next.op.type === 'user_input' ? 'turn' : next.op.type,
      controller,
      abortReason: undefined,
      done: Promise.resolve(),
    }
    this.active = active
    const work =
      next.op.type === 'user_input'
        ? runTurn(this, next.subId, next.op, active)
        : next.op.type === 'undo'
          ? undoLastTurn(this, next.subId, false)
          : compactHistory(
              this,
              next.subId,
              this.settings,
              controller.signal,
              'manual',
              `compact/${++this.compactions}`,
            ).then(() => undefined)
    active.done = work
      .catch((error) => {
        // A bug, not a model or tool failure (those are handled in the turn); the client must
        // still see the turn end.
        this.emit(next.subId, {
          type: 'error',
          kind: 'internal',
          message: `internal error: ${errorText(error)}`,
        })
        if (next.op.type === 'user_input') this.emit(next.subId, { type: 'turn_aborted', reason: 'error' })
      })
      .finally(() => {
        if (this.active === active) this.active = undefined
        // Steering the turn never reached (it ended first) becomes the next turns, in order.
        this.queue.unshift(...this.steering.splice(0))
        this.startNext()
      })
  }

  private abortActive(reason: 'interrupted' | 'shutdown'): void {
    const active = this.active
    if (!active || active.controller.signal.aborted) return
    active.abortReason = reason
    active.controller.abort(new Error(reason))
  }

  takeSteering(): SteeringInput[] {
    return this.steering.splice(0)
  }

  get hasSteering(): boolean {
    return this.steering.length > 0
  }

  nextTurnId(): string {
    return String(++this.turns)
  }

  // ---- events and the rollout --------------------------------------------------------------

  emit(subId: string, msg: EventMsg): void {
    const parsed = EventMsgSchema.safeParse(msg)
    let value: EventMsg
    if (parsed.success) value = parsed.data
    else {
      const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')
      value = {
        type: 'error',
        kind: 'invalid_event',
        message: `dropped a malformed ${String(msg.type)} event (bad fields: ${where})`,
      }
    }
    this.events.push({ id: subId, msg: value })
    if (PERSISTED_EVENTS.has(value.type))
      this.persist([{ timestamp: this.now(), type: 'event_msg', payload: value }])
  }

  /** Appends to the history and the rollout, in order. */
  record(items: readonly ResponseItem[]): void {
    for (const item of items) this.history.push(item)
    const timestamp = this.now()
    this.persist(items.map((payload) => ({ timestamp, type: 'response_item', payload })))
  }

  persist(lines: RolloutLine[]): void {
    const writer = this.writer
    if (!writer || lines.length === 0) return
    this.writeChain = this.writeChain.then(() =>
      writer.append(lines).then(
        () => {
          if (!this.rolloutFailing) return
          this.rolloutFailing = false
          this.events.push({
            id: '',
            msg: {
              type: 'warning',
              message: 'the rollout is written again; the lines held in memory are on disk',
            },
          })
        },
        (error) => {
          // One warning per outage, not one per line.
          if (this.rolloutFailing) return
          this.rolloutFailing = true
          this.events.push({
            id: '',
            msg: { type: 'warning', message: `could not write the rollout: ${errorText(error)}` },
          })
        },
      ),
    )
  }

  /** Resolves once everything recorded so far is written. */
  flush(): Promise<void> {
    return this.writeChain
  }

  now(): string {
    return this.steps.now()
  }

  step<T>(subId: string, name: string, fn: (sink: StepSink) => Promise<T>): Promise<T> {
    const stream = this.options.onStreamingEvent
    return this.steps.run(name, this.sinkFor(subId), fn, stream && ((msg) => stream({ id: subId, msg })))
  }

  private sinkFor(subId: string): StepSink {
    return {
      emit: (msg) => this.emit(subId, msg),
      record: (items) => this.record(items),
      usage: (usage) => applyUsage(this, subId, usage),
    }
  }

  hookEnv(subId: string, signal: AbortSignal) {
    const env = {
      sessionId: this.id,
      cwd: this.settings.cwd,
      signal,
      emit: (msg: EventMsg) => this.emit(subId, msg),
    }
    return this.rolloutPath ? { ...env, transcriptPath: this.rolloutPath } : env
  }

  // ---- other ops ----------------------------------------------------------------------------

  shutdown(subId: string): Promise<void> {
    if (this.shuttingDown) return this.shuttingDown
    this.shuttingDown = (async () => {
      for (const queued of [...this.steering.splice(0), ...this.queue.splice(0)]) {
        this.emit(queued.subId, { type: 'turn_aborted', reason: 'shutdown' })
      }
      const active = this.active
      if (active) {
        this.abortActive('shutdown')
        await active.done
      }
      await runHookStep(
        this,
        subId,
        'session/hook/SessionEnd/1',
        this.hookEnv(subId, new AbortController().signal),
        {
          hook_event_name: 'SessionEnd',
          reason: 'exit',
        },
      )
      // The last turn's snapshot is kept for `undo` while the session lives; it holds files
      // (a git tracker's temporary index) that must not outlive it.
      const last = this.lastSnapshot
      this.lastSnapshot = undefined
      if (last) await this.options.workspace?.release?.(last).catch(() => undefined)
      await this.flush()
      await this.writer?.close().catch((error) => {
        this.events.push({ id: subId, msg: { type: 'warning', message: errorText(error) } })
      })
      this.writer = undefined
      this.events.push({ id: subId, msg: { type: 'shutdown_complete' } })
      this.events.close()
    })()
    return this.shuttingDown
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value
  return out
}
