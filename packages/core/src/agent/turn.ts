// One turn: record the user's input, then sample the model and run the tools it calls until it
// answers without tool calls (or is interrupted, fails, or a hook stops it).
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type {
  ContentPart,
  EventMsg,
  FunctionCallOutputItem,
  Op,
  ResponseItem,
  StopReason,
} from '@agent/protocol'
import type { CallEnvironment } from '../orchestration/router.js'
import { runHook } from '../orchestration/router.js'
import { ReadWriteLock } from '../orchestration/rw-lock.js'
import type { WorkspaceSnapshot } from '../ports/workspace.js'
import { PREAMBLE_MARK } from '../store/rollout-history.js'
import { compactHistory, shouldAutoCompact } from './compaction.js'
import {
  DEFAULT_BASE_INSTRUCTIONS,
  readProjectDocs,
  renderEnvironmentContext,
  renderProjectDocs,
} from './instructions.js'
import { type SampleResult, sampleModel } from './sampling.js'
import { danglingCallOutputs, errorText, type Session, type TurnSettings } from './session.js'

type UserInputOp = Extract<Op, { type: 'user_input' }>

export async function runTurn(
  session: Session,
  subId: string,
  op: UserInputOp,
  active: { controller: AbortController; abortReason: 'interrupted' | 'shutdown' | undefined },
): Promise<void> {
  const signal = active.controller.signal
  const turnId = session.nextTurnId()
  const settings: TurnSettings = { ...session.settings }
  if (op.cwd) settings.cwd = op.cwd
  if (op.model) settings.model = op.model
  if (op.effort) settings.effort = op.effort
  if (op.approval_policy) settings.approvalPolicy = op.approval_policy
  if (op.sandbox_policy) settings.sandboxPolicy = op.sandbox_policy
  if (op.output_schema) settings.outputSchema = op.output_schema
  const emit = (msg: EventMsg) => session.emit(subId, msg)
  const started: EventMsg = { type: 'turn_started', turn_id: turnId }
  if (session.options.contextWindow) started.model_context_window = session.options.contextWindow
  emit(started)

  let stopReason: string | undefined
  let stopRequested = false
  const env: CallEnvironment = {
    cwd: settings.cwd,
    approvalPolicy: settings.approvalPolicy,
    sandboxPolicy: settings.sandboxPolicy,
    env: session.env,
    signal,
    emit,
    abortTurn: () => {
      active.abortReason ??= 'interrupted'
      active.controller.abort(new Error('aborted from an approval'))
    },
    sessionId: session.id,
    turnId,
    sessionState: session.sessionState,
    requestStop: (reason) => {
      stopRequested = true
      stopReason = reason
    },
  }
  if (session.rolloutPath) env.transcriptPath = session.rolloutPath
  const hooks = session.options.hooks
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
    env.approvalRequested = (subject) => {
      // Not awaited: a notification must never hold up the approval it announces.
      void runHook(hooks, env, {
        hook_event_name: 'Notification',
        notification_type: 'permission_prompt',
        message: `the agent needs your approval to use ${subject.toolName}`,
      })
    }
  }

  // The prompt, as UserPromptSubmit hooks may rewrite or block it.
  let text = op.items.flatMap((i) => (i.type === 'text' ? [i.text] : [])).join('\n')
  const prompt = await runHook(hooks, env, { hook_event_name: 'UserPromptSubmit', prompt: text })
  if (prompt.blocked) {
    emit({
      type: 'error',
      kind: 'prompt_blocked',
      message: `a UserPromptSubmit hook blocked the prompt: ${prompt.blocked.reason}`,
    })
    emit({ type: 'turn_aborted', turn_id: turnId, reason: 'error' })
    return
  }
  if (prompt.updatedPrompt !== undefined) text = prompt.updatedPrompt

  await recordContext(session, settings)
  session.persist([
    {
      timestamp: session.now(),
      type: 'turn_context',
      payload: {
        turn_id: turnId,
        cwd: settings.cwd,
        model: settings.model,
        approval_policy: settings.approvalPolicy,
        sandbox_policy: settings.sandboxPolicy,
        ...(settings.effort ? { effort: settings.effort } : {}),
      },
    },
  ])
  const content = await userContent(op, text, settings.cwd, emit)
  for (const extra of prompt.additionalContext ?? []) content.push({ type: 'input_text', text: extra })
  const images = op.items.flatMap((i) =>
    i.type === 'image' ? [i.image_url] : i.type === 'local_image' ? [i.path] : [],
  )
  emit(
    images.length > 0
      ? { type: 'user_message', message: text, images }
      : { type: 'user_message', message: text },
  )
  session.record([{ type: 'message', role: 'user', content }])

  // The workspace snapshot (a few git commands) must exist before the first tool runs, not
  // before the first request: it starts once the first request is on its way (the next
  // macrotask after sampling begins: the provider SDK builds and hands off the request in
  // microtasks), or at the model's first event if that comes sooner, and runs while the model
  // answers. Nothing of the agent's writes to the workspace before then.
  const tracker = session.options.workspace
  let snapshotTask: Promise<WorkspaceSnapshot | undefined> | undefined
  const takeSnapshot = (): Promise<WorkspaceSnapshot | undefined> => {
    snapshotTask ??= tracker
      ? // An interrupted turn still records where it started (undo goes back there).
        tracker.snapshot(settings.cwd, signal.aborted ? {} : { signal }).catch((error: unknown) => {
          emit({
            type: 'warning',
            message: `could not snapshot the workspace (no turn diff or undo for this turn): ${errorText(error)}`,
          })
          return undefined
        })
      : Promise.resolve(undefined)
    return snapshotTask
  }

  await session.toolsReady
  let lastMessage: string | null = null
  let lastStopReason: StopReason | undefined
  let stopContinuations = 0
  let failure: SampleResult['error']
  const maxRequests = session.options.maxModelRequestsPerTurn
  let requests = 0
  let limitReached = false
  for (;;) {
    if (signal.aborted || stopRequested) break
    if (maxRequests !== undefined && requests >= maxRequests) {
      limitReached = true
      break
    }
    requests++
    if (shouldAutoCompact(session)) await compactHistory(session, subId, settings, signal, 'auto')
    const before = await runHook(hooks, env, {
      hook_event_name: 'BeforeModelRequest',
      model: settings.model,
      turn_id: turnId,
    })
    if (before.blocked) {
      failure = {
        kind: 'hook_blocked',
        message: `a BeforeModelRequest hook blocked the request: ${before.blocked.reason}`,
      }
      break
    }
    const early = snapshotTask ? undefined : setImmediate(takeSnapshot)
    const result = await sampleModel(session, subId, settings, signal, takeSnapshot)
    if (early) clearImmediate(early)
    if (hooks && !signal.aborted) {
      await runHook(hooks, env, {
        hook_event_name: 'AfterModelResponse',
        model: settings.model,
        turn_id: turnId,
        last_assistant_message: result.lastMessage ?? null,
        tool_calls: result.calls.map((c) => c.name),
        ...(result.error ? { error: result.error.message } : {}),
      })
    }
    if (result.lastMessage !== undefined) lastMessage = result.lastMessage
    lastStopReason = result.stopReason
    if (result.error) {
      failure = result.error
      break
    }
    if (signal.aborted) break
    if (result.calls.length === 0) {
      const stop = await runHook(hooks, env, {
        hook_event_name: 'Stop',
        stop_hook_active: stopContinuations > 0,
      })
      if (stop.blocked && stopContinuations < MAX_STOP_CONTINUATIONS && !signal.aborted) {
        // Claude Code's contract: a blocking Stop hook makes the agent continue with its reason;
        // `stop_hook_active` tells the hook it already did, and a cap ends a hook that never yields.
        stopContinuations++
        session.record([
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: stop.blocked.reason }] },
        ])
        continue
      }
      break
    }
    await takeSnapshot()
    await runToolCalls(session, env, result.calls)
  }

  await finishTurn(session, env, await takeSnapshot())
  if (signal.aborted || failure) closeDanglingCalls(session, signal.aborted ? ABORTED_TEXT : FAILED_TEXT)
  if (signal.aborted) {
    emit({ type: 'turn_aborted', turn_id: turnId, reason: active.abortReason ?? 'interrupted' })
    return
  }
  if (failure) {
    const kind = failure.kind === 'hook_blocked' ? failure.kind : `model_${failure.kind}`
    emit({ type: 'error', kind, message: failure.message })
    emit({ type: 'turn_aborted', turn_id: turnId, reason: 'error' })
    return
  }
  if (stopRequested && stopReason)
    emit({ type: 'background_event', message: `stopped by a hook: ${stopReason}` })
  if (limitReached) {
    emit({
      type: 'error',
      kind: 'max_turns',
      message: `stopped after ${requests} model requests, the limit for one turn of this session; the task may be unfinished`,
    })
  }
  emit({
    type: 'turn_complete',
    turn_id: turnId,
    last_agent_message: lastMessage,
    ...(lastStopReason ? { stop_reason: lastStopReason } : {}),
  })
}

/** Runs one response's calls: read-only ones together, others alone; results in the model's order. */
async function runToolCalls(
  session: Session,
  env: CallEnvironment,
  calls: readonly { call_id: string; name: string; arguments: string }[],
): Promise<void> {
  const lock = new ReadWriteLock()
  const outputs = await Promise.all(
    calls.map(async (call) => {
      const prepared = session.router.prepare(call)
      const release = await lock.acquire(prepared.readOnly ? 'read' : 'write')
      try {
        if (env.signal.aborted) return abortedOutput(call.call_id)
        return await session.router.execute(prepared, env)
      } finally {
        release()
      }
    }),
  )
  session.record(outputs)
}

async function finishTurn(session: Session, env: CallEnvironment, snapshot: WorkspaceSnapshot | undefined) {
  const tracker = session.options.workspace
  if (!tracker || !snapshot) return
  if (session.lastSnapshot && session.lastSnapshot !== snapshot) {
    await tracker.release?.(session.lastSnapshot).catch(() => undefined)
  }
  session.lastSnapshot = snapshot
  if (env.signal.aborted) return
  try {
    const diff = await tracker.diff(snapshot)
    if (diff) env.emit({ type: 'turn_diff', unified_diff: diff })
  } catch (error) {
    env.emit({ type: 'warning', message: `could not compute the turn diff: ${errorText(error)}` })
  }
}

/** Every function call in the history gets an output, so the next request is well formed. */
function closeDanglingCalls(session: Session, text: string): void {
  session.record(danglingCallOutputs(session.history, text))
}

/** Continuations a blocking Stop hook may force in one turn (as for SubagentStop in plugins). */
const MAX_STOP_CONTINUATIONS = 8

const ABORTED_TEXT = 'aborted: the user interrupted the turn'
const FAILED_TEXT = 'not run: the model request failed before the call could run'

function abortedOutput(callId: string): FunctionCallOutputItem {
  return {
    type: 'function_call_output',
    call_id: callId,
    output: 'aborted: the user interrupted the turn',
    is_error: true,
  }
}

/** Records the instructions preamble once, and the environment context whenever it changes. */
async function recordContext(session: Session, settings: TurnSettings): Promise<void> {
  const environment = renderEnvironmentContext({
    cwd: settings.cwd,
    approvalPolicy: settings.approvalPolicy,
    sandboxPolicy: settings.sandboxPolicy,
    shell: session.shell,
  })
  const items: ResponseItem[] = []
  if (!session.hasPreamble) {
    const parts: string[] = []
    if (session.options.userInstructions)
      parts.push(`# User instructions\n\n${session.options.userInstructions}`)
    const docs = await readProjectDocs(settings.cwd, session.options.projectDoc).catch(() => [])
    if (docs.length > 0) parts.push(renderProjectDocs(docs))
    parts.push(...session.startContext)
    parts.push(environment)
    items.push(contextMessage(parts.join('\n\n')))
    session.hasPreamble = true
  } else if (session.lastEnvironment !== undefined && session.lastEnvironment !== environment) {
    items.push(contextMessage(environment))
  }
  session.lastEnvironment = environment
  if (items.length > 0) session.record(items)
}

function contextMessage(text: string): ResponseItem {
  return {
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text: `${PREAMBLE_MARK}\n${text}` }],
  }
}

export function baseInstructions(session: Session): string {
  return session.options.instructions ?? DEFAULT_BASE_INSTRUCTIONS
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
}

async function userContent(
  op: UserInputOp,
  text: string,
  cwd: string,
  emit: (msg: EventMsg) => void,
): Promise<ContentPart[]> {
  const content: ContentPart[] = []
  if (text) content.push({ type: 'input_text', text })
  for (const item of op.items) {
    if (item.type === 'image') content.push({ type: 'input_image', image_url: item.image_url })
    if (item.type === 'local_image') {
      const path = resolve(cwd, item.path)
      const mime = IMAGE_TYPES[extname(path).toLowerCase()]
      if (!mime) {
        emit({
          type: 'warning',
          message: `${path}: not a supported image type (png, jpeg, gif, webp); left out`,
        })
        continue
      }
      try {
        const data = await readFile(path)
        content.push({ type: 'input_image', image_url: `data:${mime};base64,${data.toString('base64')}` })
      } catch (error) {
        emit({ type: 'warning', message: `cannot read image ${path}: ${errorText(error)}; left out` })
      }
    }
  }
  if (content.length === 0) content.push({ type: 'input_text', text: '' })
  return content
}
