// Runs what the model asked to run: policy verdict → decision table → approval round trip →
// sandboxed attempt → on a sandbox denial, "retry without the sandbox?" → result for the model.
// Also decides patch approvals and gates interactive process starts the same way.
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ApprovalPolicy, EventMsg, FileChange, SandboxPolicy } from '@agent/protocol'
import type { CommandPolicy, PolicyDecision } from '../ports/policy.js'
import type { CommandRunner, ProcessSessions, RunResult } from '../ports/runner.js'
import type { Sandbox } from '../ports/sandbox.js'
import type { ApprovalGate, ApprovalWait } from '../ports/step-journal.js'
import type {
  ApprovalQuestion,
  ExecOutcome,
  ExecRequest,
  PatchApproval,
  PatchApprovalRequest,
} from '../tools/contract.js'
import { ToolRejectedError } from '../tools/errors.js'
import { type ApprovalAnswer, isWithin, type SessionApprovals } from './approvals.js'
import { type CwdTracker, trackCwd } from './cwd-tracking.js'
import { DECISION_TABLE, decideCommand } from './decision-table.js'
import type { ExecOutputFormatter } from './format.js'

/** The turn a call belongs to, as the orchestrator needs it. */
export interface TurnScope {
  cwd: string
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
  env: Record<string, string>
  signal: AbortSignal
  turnId: string
  emit(msg: EventMsg): void
  /**
   * Set when the turn runs with a journal: an approval nobody answered yet is not waited for
   * inside the call; the call stops there (see `SplitApprovals`) and the turn waits between steps.
   */
  approvals?: SplitApprovals
  /** The user answered `abort` to an approval: stop the whole turn. */
  abortTurn(): void
  /**
   * Runs before the user is asked (PermissionRequest hooks): an answer decides without asking.
   * `asked` runs once the request is out (Notification hooks).
   */
  beforeApproval?(request: ApprovalSubject): Promise<ApprovalAnswer | undefined>
  approvalRequested?(request: ApprovalSubject): void
  /**
   * Resolves once the turn's workspace snapshot (where `undo` and the turn diff start) is
   * taken. Whatever may change files waits for it first; a command the policy knows to be
   * read-only does not, so it can run while the snapshot is still being taken. Absent: nothing
   * to wait for (no workspace tracker, or the snapshot was taken before the calls started).
   */
  workspaceReady?(): Promise<unknown>
}

/**
 * One tool call run in attempts: each attempt runs the tool from the start with the answers the
 * previous attempts waited for, and stops at the first approval that has no answer yet.
 */
export interface SplitApprovals {
  /** Answers to this call's approval requests so far, in request order. */
  answered: ApprovalAnswer[]
  /** The request this attempt stopped at (set by `askUser`). */
  pending?: ApprovalWait
  /**
   * What the tool kept for its next attempt (JSON; see `ToolContext.attemptState`): recorded
   * with the attempt that stopped at an approval, given back to the attempt after the answer.
   */
  state?: unknown
}

/** Thrown through the tool when an attempt stops at an unanswered approval. */
export class ApprovalPending extends Error {
  override readonly name = 'ApprovalPending'
  constructor(readonly wait: ApprovalWait) {
    super(`waiting for the user's approval (${wait.callId})`)
  }
}

/** What an approval is about, for hooks. */
export interface ApprovalSubject {
  callId: string
  toolName: string
  toolInput: unknown
}

/** One tool call's approval state. */
export interface CallScope {
  callId: string
  toolName: string
  /** The arguments the tool was called with (after any PreToolUse rewrite). */
  toolInput: unknown
  /** A PreToolUse hook allowed the call, or the user approved it when a hook asked. */
  preApproved: boolean
  /** Approval requests made so far for this call (to give later ones distinct ids). */
  requests: number
}

export interface OrchestratorDeps {
  runner: CommandRunner
  sandbox: Sandbox
  policy: CommandPolicy
  processes?: ProcessSessions
  gate: ApprovalGate
  sessionApprovals: SessionApprovals
  format: ExecOutputFormatter
  defaultTimeoutMs: number
}

/** A command ready to start (possibly wrapped by the sandbox), or why it cannot start. */
type Launch =
  | { argv: string[]; env: Record<string, string>; extraFds: { fd: number; data: Uint8Array }[] | undefined }
  | { failure: string }

export class Orchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  async exec(turn: TurnScope, call: CallScope, request: ExecRequest): Promise<ExecOutcome> {
    const command = request.command
    if (command.length === 0 || command[0] === '') {
      return { status: 'rejected', reason: 'empty command: give the program and its arguments' }
    }
    const cwd = resolve(turn.cwd, request.cwd ?? '.')
    const gate = await this.gate(turn, call, command, cwd, request.escalate === true, request.justification)
    if (!gate.ok) return { status: 'rejected', reason: gate.reason }
    if (!gate.knownSafe) await turn.workspaceReady?.()

    const started = Date.now()
    let sandboxed = gate.sandboxed
    // Wrapping (async) comes before the begin event, so the command starts right after it: the
    // consumers of the event then run while the command does, not before it starts.
    // With `trackCwd`, the script runs wrapped so it reports its final directory; the policy,
    // the approval and the events see the command as the model wrote it.
    const tracker = request.trackCwd ? trackCwd(command) : undefined
    const runArgv = tracker?.argv ?? command
    const launch = await this.prepare(turn, runArgv, cwd, sandboxed)
    turn.emit({
      type: 'exec_command_begin',
      call_id: call.callId,
      command,
      cwd,
      sandbox: sandboxed ? sandboxLabel(turn.sandboxPolicy) : 'none',
    })
    let result = await this.attempt(turn, call, launch, cwd, request, tracker)
    const audit = sandboxed ? await this.afterSandboxed(turn, command, cwd, started) : null
    let note: string | undefined
    if (sandboxed && looksDenied(result) && this.deps.sandbox.isLikelySandboxDenial(result)) {
      if (DECISION_TABLE[turn.approvalPolicy].onSandboxDenial === 'ask') {
        let retry = gate.userApproved || this.deps.sessionApprovals.isCommandApproved(command)
        if (!retry) {
          const answer = await this.ask(turn, call, {
            type: 'exec_approval_request',
            call_id: '',
            command,
            cwd,
            reason: 'command failed in the sandbox; retry without the sandbox?',
            retry_without_sandbox: true,
          })
          retry = isApproval(answer)
          if (answer.decision === 'approved_for_session') {
            this.deps.sessionApprovals.approveCommand(command, answer.prefix)
          }
          if (!retry) note = declineNote(answer, 'the user declined to rerun it without the sandbox')
        }
        if (retry) {
          sandboxed = false
          const retryTracker = request.trackCwd ? trackCwd(command) : undefined
          const relaunch = await this.prepare(turn, retryTracker?.argv ?? command, cwd, false)
          result = await this.attempt(turn, call, relaunch, cwd, request, retryTracker)
        }
      } else {
        note = `it looks like the sandbox blocked it; the approval policy is ${turn.approvalPolicy}, so it cannot be rerun outside the sandbox`
      }
    }
    const finalCwd = result.finalCwd
    delete result.finalCwd
    let formatted = this.deps.format(result)
    if (note) formatted += `\n\nNote: ${note}`
    if (audit) {
      formatted += `\n\nNote: ${audit}`
      result = {
        ...result,
        stderr: `${result.stderr}${result.stderr && !result.stderr.endsWith('\n') ? '\n' : ''}${audit}\n`,
      }
    }
    turn.emit({
      type: 'exec_command_end',
      call_id: call.callId,
      exit_code: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      aggregated_output: result.aggregatedOutput,
      duration_ms: Math.max(0, Date.now() - started),
      timed_out: result.timedOut,
      formatted_output: formatted,
    })
    return {
      status: 'completed',
      result,
      sandboxed,
      formatted,
      ...(finalCwd !== undefined ? { finalCwd } : {}),
    }
  }

  async approvePatch(
    turn: TurnScope,
    call: CallScope,
    request: PatchApprovalRequest,
  ): Promise<PatchApproval> {
    const paths = patchPaths(turn.cwd, request.changes)
    const inside = paths.every((p) => isWritable(p, turn.sandboxPolicy, turn.cwd))
    const row = DECISION_TABLE[turn.approvalPolicy]
    const action = inside ? row.patchInsideWritableRoots : row.patchOutsideWritableRoots
    if (action === 'run') return { approved: true, autoApproved: true }
    if (action === 'reject') {
      return {
        approved: false,
        reason: `writing ${paths.join(', ')} is outside the writable roots of the ${turn.sandboxPolicy.type} sandbox and the approval policy is never; do not retry it`,
      }
    }
    if (call.preApproved || this.deps.sessionApprovals.arePathsApproved(paths)) {
      return { approved: true, autoApproved: true }
    }
    const msg: EventMsg = {
      type: 'apply_patch_approval_request',
      call_id: '',
      changes: request.changes,
    }
    if (request.reason) msg.reason = request.reason
    if (request.grantRoot) msg.grant_root = request.grantRoot
    const answer = await this.ask(turn, call, msg)
    if (answer.decision === 'approved_for_session') {
      this.deps.sessionApprovals.approvePaths(paths, request.grantRoot)
    }
    if (isApproval(answer)) return { approved: true, autoApproved: false }
    return { approved: false, reason: declineNote(answer, 'the user rejected the change') }
  }

  /** `ProcessSessions` whose `start` is gated and sandboxed like `exec`. */
  processesFor(turn: TurnScope, call: CallScope): ProcessSessions {
    const inner = this.deps.processes
    const missing = () =>
      new ToolRejectedError(
        'interactive processes are not available in this session (no ProcessSessions port)',
      )
    if (!inner) {
      return {
        start: async () => Promise.reject(missing()),
        write: async () => Promise.reject(missing()),
        read: async () => Promise.reject(missing()),
        kill: async () => Promise.reject(missing()),
      }
    }
    return {
      start: async (request) => {
        const cwd = resolve(turn.cwd, request.cwd)
        const gate = await this.gate(turn, call, request.argv, cwd, false, undefined)
        if (!gate.ok) throw new ToolRejectedError(gate.reason)
        // An interactive process may change files whatever it starts with.
        await turn.workspaceReady?.()
        const env = request.env ?? turn.env
        if (!gate.sandboxed) return inner.start({ ...request, cwd, env })
        const wrapped = await this.deps.sandbox.wrapCommand(turn.sandboxPolicy, {
          argv: request.argv,
          cwd,
          env,
        })
        return inner.start({
          ...request,
          argv: wrapped.argv,
          cwd,
          env: wrapped.env,
          extraFds: [...(request.extraFds ?? []), ...wrapped.fds],
        })
      },
      write: (id, chars) => inner.write(id, chars),
      read: (id, options) => inner.read(id, options),
      kill: (id) => inner.kill(id),
    }
  }

  /** Policy + table + approval: may this command run, and confined or not? */
  private async gate(
    turn: TurnScope,
    call: CallScope,
    command: string[],
    cwd: string,
    escalate: boolean,
    justification: string | undefined,
  ): Promise<
    | { ok: true; sandboxed: boolean; userApproved: boolean; knownSafe: boolean }
    | { ok: false; reason: string }
  > {
    let verdict: PolicyDecision
    try {
      verdict = await this.deps.policy.evaluate(command, {
        approvalPolicy: turn.approvalPolicy,
        sandboxPolicy: turn.sandboxPolicy,
        cwd,
      })
    } catch (error) {
      // A policy that cannot judge never lets a command through silently.
      verdict = { decision: 'prompt', reason: `the command policy failed: ${messageOf(error)}` }
    }
    const decision = decideCommand({
      approvalPolicy: turn.approvalPolicy,
      sandboxMode: turn.sandboxPolicy.type,
      verdict: verdict.decision,
      escalate,
      policyReason: verdict.reason,
    })
    if (decision.action === 'reject') return { ok: false, reason: decision.reason ?? 'command rejected' }
    const knownSafe = verdict.knownSafe === true
    if (decision.action === 'run') {
      return { ok: true, sandboxed: decision.sandboxed, userApproved: false, knownSafe }
    }
    if (call.preApproved || this.deps.sessionApprovals.isCommandApproved(command)) {
      return { ok: true, sandboxed: decision.sandboxed, userApproved: true, knownSafe }
    }
    const reason = escalate
      ? `the model asks to run this outside the sandbox${justification ? `: ${justification}` : ''}`
      : (justification ?? verdict.reason)
    const msg: EventMsg = { type: 'exec_approval_request', call_id: '', command, cwd, reason }
    const answer = await this.ask(turn, call, msg)
    if (answer.decision === 'approved_for_session') {
      this.deps.sessionApprovals.approveCommand(command, answer.prefix)
    }
    if (!isApproval(answer)) return { ok: false, reason: declineNote(answer, 'the user denied the command') }
    return { ok: true, sandboxed: decision.sandboxed, userApproved: true, knownSafe }
  }

  /** A tool's own question (see `ToolContext.askApproval`). */
  askApproval(turn: TurnScope, call: CallScope, question: ApprovalQuestion): Promise<ApprovalAnswer> {
    return this.ask(turn, call, { ...question, call_id: '' } as Extract<
      EventMsg,
      { type: 'exec_approval_request' | 'apply_patch_approval_request' }
    >)
  }

  /** Emits the request (with the call's next approval id) and waits for the answer. */
  private async ask(
    turn: TurnScope,
    call: CallScope,
    msg: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>,
  ): Promise<ApprovalAnswer> {
    return askUser(turn, call, msg, this.deps.gate)
  }

  /** The sandbox's after-command check (planted git hooks...), as a note, or null. */
  private async afterSandboxed(
    turn: TurnScope,
    command: string[],
    cwd: string,
    startedAt: number,
  ): Promise<string | null> {
    if (!this.deps.sandbox.afterCommand) return null
    try {
      return await this.deps.sandbox.afterCommand(
        turn.sandboxPolicy,
        { argv: command, cwd, env: turn.env },
        startedAt,
      )
    } catch (error) {
      return `the sandbox could not check the writable roots for planted git hooks after this command: ${messageOf(error)}`
    }
  }

  /** The command as it will run: wrapped by the sandbox when `sandboxed`, or why it cannot run. */
  private async prepare(
    turn: TurnScope,
    command: string[],
    cwd: string,
    sandboxed: boolean,
  ): Promise<Launch> {
    const env = turn.env
    if (!sandboxed) return { argv: command, env, extraFds: undefined }
    try {
      const wrapped = await this.deps.sandbox.wrapCommand(turn.sandboxPolicy, { argv: command, cwd, env })
      return {
        argv: wrapped.argv,
        env: wrapped.env,
        extraFds: wrapped.fds.length > 0 ? wrapped.fds : undefined,
      }
    } catch (error) {
      // Fail closed: the sandbox the policy asks for is not available, so nothing runs.
      return { failure: `sandbox unavailable, the command was not run: ${messageOf(error)}` }
    }
  }

  private async attempt(
    turn: TurnScope,
    call: CallScope,
    launch: Launch,
    cwd: string,
    request: ExecRequest,
    tracker?: CwdTracker,
  ): Promise<RunResult & { finalCwd?: string }> {
    if ('failure' in launch) return failedResult(launch.failure)
    const { argv, env, extraFds } = launch
    const delta = (stream: 'stdout' | 'stderr', chunk: string) => {
      if (chunk === '') return
      turn.emit({ type: 'exec_command_output_delta', call_id: call.callId, stream, chunk })
    }
    try {
      const result = await this.deps.runner.run({
        argv,
        cwd,
        env,
        timeoutMs: request.timeoutMs ?? this.deps.defaultTimeoutMs,
        signal: turn.signal,
        ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
        ...(extraFds ? { extraFds } : {}),
        onOutput: (chunk) =>
          delta(
            chunk.stream,
            tracker && chunk.stream === 'stdout' ? tracker.filterDelta(chunk.data) : chunk.data,
          ),
      })
      if (!tracker) return result
      delta('stdout', tracker.flush())
      const stdout = tracker.extract(result.stdout)
      const aggregated = tracker.extract(result.aggregatedOutput)
      return {
        ...result,
        stdout: stdout.text,
        aggregatedOutput: aggregated.text,
        ...(stdout.cwd !== undefined ? { finalCwd: stdout.cwd } : {}),
      }
    } catch (error) {
      return failedResult(`the command could not be run: ${messageOf(error)}`)
    }
  }
}

/**
 * The approval round trip shared by commands, patches and hook-requested approvals:
 * PermissionRequest hooks may decide first; otherwise the request goes out (with the call's
 * next approval id) and the gate brings the answer. In a split call (a journal) an answer from
 * an earlier attempt is reused, and a new request stops the attempt instead of waiting.
 */
export async function askUser(
  turn: TurnScope,
  call: CallScope,
  msg: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>,
  gate: ApprovalGate,
): Promise<ApprovalAnswer> {
  const subject = { callId: call.callId, toolName: call.toolName, toolInput: call.toolInput }
  let answer = await turn.beforeApproval?.(subject)
  if (!answer) {
    call.requests++
    const id = call.requests === 1 ? call.callId : `${call.callId}#${call.requests}`
    msg.call_id = id
    const wait: ApprovalWait = {
      callId: id,
      toolCallId: call.callId,
      turnId: turn.turnId,
      kind: msg.type === 'exec_approval_request' ? 'exec' : 'patch',
      request: msg,
    }
    const split = turn.approvals
    answer = split?.answered[call.requests - 1]
    if (!answer) {
      if (split) {
        split.pending = wait
        throw new ApprovalPending(wait)
      }
      const waiting = gate.wait(wait, turn.signal)
      turn.emit(msg)
      turn.approvalRequested?.(subject)
      answer = toAnswer(await waiting)
    }
  }
  if (answer.decision === 'abort') turn.abortTurn()
  return answer
}

/** A gate may answer with a bare decision. */
export function toAnswer(answer: ApprovalAnswer | ApprovalAnswer['decision']): ApprovalAnswer {
  return typeof answer === 'string' ? { decision: answer } : answer
}

function isApproval(answer: ApprovalAnswer): boolean {
  return answer.decision === 'approved' || answer.decision === 'approved_for_session'
}

function declineNote(answer: ApprovalAnswer, base: string): string {
  if (answer.decision === 'abort') return `${base}, and stopped the turn`
  return answer.feedback ? `${base}: ${answer.feedback}` : base
}

function looksDenied(result: RunResult): boolean {
  return result.exitCode !== 0 && !result.timedOut && !result.aborted
}

function sandboxLabel(policy: SandboxPolicy): 'none' | 'read-only' | 'workspace-write' {
  return policy.type === 'danger-full-access' ? 'none' : policy.type
}

function failedResult(message: string): RunResult {
  return {
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: message,
    aggregatedOutput: message,
    durationMs: 0,
    timedOut: false,
    aborted: false,
    truncated: false,
    error: message,
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function patchPaths(cwd: string, changes: Record<string, FileChange>): string[] {
  const out: string[] = []
  for (const [path, change] of Object.entries(changes)) {
    out.push(resolve(cwd, path))
    if (change.type === 'update' && change.move_path) out.push(resolve(cwd, change.move_path))
  }
  return out
}

/** Protected inside writable roots, as the sandbox keeps them read-only. */
const PROTECTED = ['.git', '.agent']

/** Whether the sandbox policy lets a write to `path` through. */
export function isWritable(path: string, policy: SandboxPolicy, cwd: string): boolean {
  if (policy.type === 'danger-full-access') return true
  if (policy.type === 'read-only') return false
  const roots = [resolve(cwd), ...policy.writable_roots.map((r) => resolve(cwd, r))]
  if (!policy.exclude_tmp) roots.push('/tmp', resolve(tmpdir()))
  // Protected paths of any root stay read-only even when another (wider) root contains them.
  const protectedPath = roots.some((root) => PROTECTED.some((p) => isWithin(join(root, p), path)))
  return !protectedPath && roots.some((root) => isWithin(root, path))
}
