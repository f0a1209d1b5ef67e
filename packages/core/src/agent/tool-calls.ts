// The tool calls of one model response. Consecutive read-only calls form a group that runs
// together; any other call runs alone; results go back in the model's order. Each call is the
// step `turn/<n>/tool/<call_id>`, and every step of a group starts before any is awaited, so a
// journal sees them in the model's order. With a journal an approval never waits inside a step:
// the call's step stops at the request, the gate waits between steps, and the call runs again
// as `turn/<n>/tool/<call_id>/<attempt>` with the answer (tools re-run up to their first approval
// request, which is before they change anything; a tool that does work first, like a subagent,
// carries what it did to the next attempt in `attemptState`, recorded with the stopped attempt).
import type { EventMsg, FunctionCallOutputItem } from '@agent/protocol'
import type { ApprovalAnswer } from '../orchestration/approvals.js'
import { toAnswer } from '../orchestration/orchestrator.js'
import { type CallEnvironment, runHook, type ToolCallRequest } from '../orchestration/router.js'
import type { ApprovalWait } from '../ports/step-journal.js'
import type { StepSink } from './steps.js'
import { type Turn, turnHook } from './turn-state.js'

type Prepared = ReturnType<Turn['session']['router']['prepare']>

/** What one attempt of a call records: its result, or the approval it stopped at. */
type Attempt =
  | { output: FunctionCallOutputItem; stop?: { reason?: string } }
  /** `state`: what the tool saved for its next attempt (ToolContext.attemptState). */
  | { pending: ApprovalWait; state?: unknown }

/** Runs one response's calls and records their results in the model's order. */
export async function runToolCalls(turn: Turn, calls: readonly ToolCallRequest[]): Promise<void> {
  const outputs: FunctionCallOutputItem[] = []
  for (const group of groups(turn, calls)) {
    const first = group.map((prepared) =>
      turn.signal.aborted ? undefined : attempt(turn, prepared, 1, [], undefined),
    )
    // Approval waits and later attempts follow the model's order too.
    for (const [i, prepared] of group.entries()) {
      const started = first[i]
      outputs.push(
        started ? await settle(turn, prepared, await started) : abortedOutput(prepared.call.call_id),
      )
    }
  }
  turn.session.record(outputs)
}

/** Consecutive read-only calls share a group; every other call is a group of its own. */
function groups(turn: Turn, calls: readonly ToolCallRequest[]): Prepared[][] {
  const out: Prepared[][] = []
  let reads: Prepared[] | undefined
  for (const call of calls) {
    const prepared = turn.session.router.prepare(call)
    if (prepared.readOnly) {
      if (!reads) {
        reads = []
        out.push(reads)
      }
      reads.push(prepared)
    } else {
      reads = undefined
      out.push([prepared])
    }
  }
  return out
}

/** The step name of a call; later attempts (after approvals) add their number. */
function stepName(turn: Turn, callId: string, n: number): string {
  const base = `turn/${turn.id}/tool/${callId}`
  return n === 1 ? base : `${base}/${n}`
}

/** One attempt of a call, as one step. */
function attempt(
  turn: Turn,
  prepared: Prepared,
  n: number,
  answered: ApprovalAnswer[],
  state: unknown,
): Promise<Attempt> {
  const { session } = turn
  return session.step(turn.subId, stepName(turn, prepared.call.call_id, n), async (sink) => {
    let stop: { reason?: string } | undefined
    const env = callEnvironment(turn, sink, prepared.call.call_id, answered, state, (reason) => {
      stop = reason === undefined ? {} : { reason }
    })
    const shown = !ownsEvents(prepared)
    // A later attempt (after an approval) continues the call the first one began.
    if (shown && n === 1) sink.emit(toolCallBegin(prepared.call))
    const started = Date.now()
    const output = await session.router.execute(prepared, env)
    const split = env.approvals
    if (split?.pending) {
      return split.state === undefined
        ? { pending: split.pending }
        : { pending: split.pending, state: split.state }
    }
    if (shown) sink.emit(toolCallEnd(prepared.call, output, Date.now() - started))
    return stop ? { output, stop } : { output }
  })
}

/** Waits for the approvals an attempt stopped at (between steps) until the call has its result. */
async function settle(turn: Turn, prepared: Prepared, first: Attempt): Promise<FunctionCallOutputItem> {
  const answered: ApprovalAnswer[] = []
  let result = first
  for (let n = 2; 'pending' in result; n++) {
    const answer = await waitForApproval(turn, result.pending, prepared.call.name)
    if (answer.decision === 'abort') {
      turn.env.abortTurn()
      const output: FunctionCallOutputItem = {
        type: 'function_call_output',
        call_id: prepared.call.call_id,
        output: `the user refused ${prepared.call.name} and stopped the turn`,
        is_error: true,
      }
      // The first attempt began the call; it ends here (from recorded values: replays the same).
      if (!ownsEvents(prepared)) turn.emit(toolCallEnd(prepared.call, output, 0))
      return output
    }
    answered.push(answer)
    result = await attempt(turn, prepared, n, answered, result.state)
  }
  if (result.stop) turn.requestStop(result.stop.reason)
  return result.output
}

/** The approval request goes out and the gate waits for the answer (never inside a step). */
async function waitForApproval(turn: Turn, wait: ApprovalWait, toolName: string): Promise<ApprovalAnswer> {
  const waiting = turn.session.gate.wait(wait, turn.signal)
  turn.emit(wait.request)
  await turnHook(turn, {
    hook_event_name: 'Notification',
    notification_type: 'permission_prompt',
    message: `the agent needs your approval to use ${toolName}`,
  })
  return toAnswer(await waiting)
}

/** The call's own environment: its events go to the step's sink, its command sees the step id. */
function callEnvironment(
  turn: Turn,
  sink: StepSink,
  callId: string,
  answered: ApprovalAnswer[],
  state: unknown,
  requestStop: (reason: string | undefined) => void,
): CallEnvironment {
  const journaled = turn.session.steps.journaled
  const env: CallEnvironment = { ...turn.env, emit: sink.emit, requestStop }
  if (journaled) {
    env.env = { ...turn.env.env, AGENT_STEP_ID: stepName(turn, callId, 1) }
    env.approvals = state === undefined ? { answered } : { answered, state }
  }
  const hooks = turn.session.options.hooks
  if (hooks) {
    env.beforeApproval = async (subject) => {
      const outcome = await runHook(hooks, env, {
        hook_event_name: 'PermissionRequest',
        tool_name: subject.toolName,
        tool_input: subject.toolInput,
        tool_use_id: subject.callId,
      })
      if (outcome.permissionDecision === 'deny' || outcome.blocked) {
        const reason =
          outcome.blocked?.reason ?? outcome.permissionDecisionReason ?? 'denied by a PermissionRequest hook'
        return { decision: outcome.stop ? 'abort' : 'denied', feedback: reason }
      }
      if (outcome.permissionDecision === 'allow') return { decision: 'approved' }
      return undefined
    }
    // In-process only: with a journal the Notification hooks are a step before the gate waits.
    if (!journaled) {
      env.approvalRequested = (subject) => {
        // Not awaited: a notification must never hold up the approval it announces.
        void runHook(hooks, env, {
          hook_event_name: 'Notification',
          notification_type: 'permission_prompt',
          message: `the agent needs your approval to use ${subject.toolName}`,
        })
      }
    }
  }
  return env
}

/**
 * Whether the call shows itself: MCP calls emit `mcp_tool_call_*` and tools that say so emit
 * their own events; for every other call (an invalid one too) core emits `tool_call_*`.
 */
function ownsEvents(prepared: Prepared): boolean {
  if (prepared.kind === 'provided') return true
  if (prepared.kind !== 'builtin') return false
  const own = prepared.def.emitsOwnEvents
  if (typeof own !== 'function') return own === true
  try {
    return own(prepared.args)
  } catch {
    return false
  }
}

function toolCallBegin(call: ToolCallRequest): EventMsg {
  let args: unknown = call.arguments
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments)
  } catch {
    // not JSON (a freeform call, or a malformed one): shown as its text
  }
  return { type: 'tool_call_begin', call_id: call.call_id, tool: call.name, arguments: args }
}

/** How much of a result `tool_call_end` carries: enough for a summary, not a whole file. */
export const TOOL_CALL_OUTPUT_CHARS = 4096

function toolCallEnd(call: ToolCallRequest, item: FunctionCallOutputItem, durationMs: number): EventMsg {
  const text =
    typeof item.output === 'string'
      ? item.output
      : item.output
          .map((part) => ('text' in part ? part.text : `[${part.type.replace('input_', '')}]`))
          .join('\n')
  const cut = text.length > TOOL_CALL_OUTPUT_CHARS
  return {
    type: 'tool_call_end',
    call_id: call.call_id,
    tool: call.name,
    success: item.is_error !== true,
    duration_ms: Math.max(0, durationMs),
    output: cut ? text.slice(0, TOOL_CALL_OUTPUT_CHARS) : text,
    ...(cut ? { output_chars: text.length } : {}),
  }
}

function abortedOutput(callId: string): FunctionCallOutputItem {
  return {
    type: 'function_call_output',
    call_id: callId,
    output: 'aborted: the user interrupted the turn',
    is_error: true,
  }
}
