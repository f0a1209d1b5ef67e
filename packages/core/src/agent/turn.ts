// One turn, as a list of steps. Each non-deterministic one runs through the session's journal
// (`SessionContext.step`), under a name unique in the session:
//   1. begin: the turn id, its settings and call environment; `turn_started`
//   2. `turn/<n>/hook/UserPromptSubmit/1`: hooks may rewrite or block the prompt
//   3. `turn/<n>/input`: read the project docs (first turn) and local images; then record the
//      preamble or environment change, the turn context and the user message
//   4. per model request k, until the model answers without tool calls:
//      s. `turn/<n>/steer/<k>`: input sent to steer the turn since the last request (always a
//         step with a journal; in-process only when there is some), after taking what a
//         `SteeringInbox` holds (a durable engine journals that); recorded before the request
//      a. `turn/<n>/compact/<k>/…` when the context is nearly full
//      b. `turn/<n>/hook/BeforeModelRequest/<k>`
//      c. `turn/<n>/sample/<k>`: the complete response (items, tool calls, usage)
//      d. `turn/<n>/hook/AfterModelResponse/<k>`
//      e. no tool calls: `turn/<n>/hook/Stop/<k>` (a blocking Stop hook continues the turn); done
//      f. `turn/<n>/snapshot`, once (in-process: taken while a slow model answers, else before
//         the first call that may change files; a turn without one takes none)
//      g. tool calls (tool-calls.ts): `turn/<n>/tool/<call_id>` each, read-only ones together
//   5. `turn/<n>/diff`: the turn diff; calls left without a result are closed; the closing events
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type { ContentPart, EventMsg, Op, ResponseItem } from '@agent/protocol'
import { PREAMBLE_MARK } from '../store/rollout-history.js'
import { compactHistory, shouldAutoCompact } from './compaction.js'
import {
  type ProjectDoc,
  readProjectDocs,
  renderEnvironmentContext,
  renderProjectDocs,
} from './instructions.js'
import { danglingCallOutputs, errorText } from './items.js'
import { sampleModel } from './sampling.js'
import type { SessionContext, SteeringInput, TurnSettings } from './session-context.js'
import type { StepSink } from './steps.js'
import { runToolCalls } from './tool-calls.js'
import { closeSnapshot, SnapshotPrefetch, takeSnapshot } from './turn-snapshot.js'
import { type Turn, type TurnControl, turnHook } from './turn-state.js'

type UserInputOp = Extract<Op, { type: 'user_input' }>

export async function runTurn(
  session: SessionContext,
  subId: string,
  op: UserInputOp,
  control: TurnControl,
): Promise<void> {
  const turn = beginTurn(session, subId, op, control)
  const text = await submitPrompt(turn, op)
  if (text === undefined) return
  await recordInput(turn, op, text.prompt, text.extra)
  await session.toolsReady
  while (await modelRequest(turn)) {
    // each pass: one model request and the tool calls it asked for
  }
  await endTurn(turn, control)
}

/** Step 1: the turn's id, settings and call environment. */
function beginTurn(session: SessionContext, subId: string, op: UserInputOp, control: TurnControl): Turn {
  const signal = control.controller.signal
  const id = session.nextTurnId()
  const settings: TurnSettings = { ...session.settings }
  if (op.cwd) settings.cwd = op.cwd
  if (op.model) settings.model = op.model
  if (op.effort) settings.effort = op.effort
  if (op.approval_policy) settings.approvalPolicy = op.approval_policy
  if (op.sandbox_policy) settings.sandboxPolicy = op.sandbox_policy
  if (op.output_schema) settings.outputSchema = op.output_schema
  const emit = (msg: EventMsg) => session.emit(subId, msg)
  const turn: Turn = {
    session,
    subId,
    id,
    settings,
    signal,
    emit,
    requestStop: (reason) => {
      turn.stopRequested = true
      turn.stopReason = reason
    },
    stopRequested: false,
    stopReason: undefined,
    lastMessage: null,
    lastStopReason: undefined,
    failure: undefined,
    requests: 0,
    limitReached: false,
    stopContinuations: 0,
    pauses: 0,
    hookRuns: new Map(),
    snapshotTask: undefined,
    mayChangeFiles: false,
    requested: false,
    env: {
      cwd: settings.cwd,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy: settings.sandboxPolicy,
      env: session.env,
      signal,
      emit,
      abortTurn: () => {
        control.abortReason ??= 'interrupted'
        control.controller.abort(new Error('aborted from an approval'))
      },
      sessionId: session.id,
      turnId: id,
      sessionState: session.sessionState,
      requestStop: (reason) => turn.requestStop(reason),
      workspaceReady: () => {
        turn.mayChangeFiles = true
        return takeSnapshot(turn)
      },
    },
  }
  if (session.rolloutPath) turn.env.transcriptPath = session.rolloutPath
  const started: EventMsg = { type: 'turn_started', turn_id: id }
  if (session.options.contextWindow) started.model_context_window = session.options.contextWindow
  emit(started)
  return turn
}

/** Step 2: the prompt as UserPromptSubmit hooks rewrite it; undefined when a hook blocked it. */
async function submitPrompt(
  turn: Turn,
  op: UserInputOp,
): Promise<{ prompt: string; extra: string[] } | undefined> {
  const text = op.items.flatMap((i) => (i.type === 'text' ? [i.text] : [])).join('\n')
  const outcome = await turnHook(turn, { hook_event_name: 'UserPromptSubmit', prompt: text })
  if (outcome.blocked) {
    turn.emit({
      type: 'error',
      kind: 'prompt_blocked',
      message: `a UserPromptSubmit hook blocked the prompt: ${outcome.blocked.reason}`,
    })
    turn.emit({ type: 'turn_aborted', turn_id: turn.id, reason: 'error' })
    return undefined
  }
  return { prompt: outcome.updatedPrompt ?? text, extra: outcome.additionalContext ?? [] }
}

/** Step 3: reads what the input refers to (one step), then records the turn's opening items. */
async function recordInput(turn: Turn, op: UserInputOp, text: string, extra: string[]): Promise<void> {
  const { session, settings } = turn
  const needsDocs = !session.hasPreamble
  const read = await session.step(turn.subId, `turn/${turn.id}/input`, async (sink) => ({
    docs: needsDocs ? await readProjectDocs(settings.cwd, session.options.projectDoc).catch(() => []) : [],
    content: await userContent(op, text, settings.cwd, sink),
  }))
  recordContext(session, settings, read.docs)
  session.persist([
    {
      timestamp: session.now(),
      type: 'turn_context',
      payload: {
        turn_id: turn.id,
        cwd: settings.cwd,
        model: settings.model,
        approval_policy: settings.approvalPolicy,
        sandbox_policy: settings.sandboxPolicy,
        ...(settings.effort ? { effort: settings.effort } : {}),
      },
    },
  ])
  const content = read.content
  for (const text of extra) content.push({ type: 'input_text', text })
  const images = op.items.flatMap((i) =>
    i.type === 'image' ? [i.image_url] : i.type === 'local_image' ? [i.path] : [],
  )
  turn.emit(
    images.length > 0
      ? { type: 'user_message', message: text, images }
      : { type: 'user_message', message: text },
  )
  session.record([{ type: 'message', role: 'user', content }])
}

/** Step 4: one model request and the tools it calls. Returns false when the turn should end. */
async function modelRequest(turn: Turn): Promise<boolean> {
  const { session, settings, signal } = turn
  if (signal.aborted || turn.stopRequested) return false
  const maxRequests = session.options.maxModelRequestsPerTurn
  if (maxRequests !== undefined && turn.requests >= maxRequests) {
    turn.limitReached = true
    return false
  }
  const k = ++turn.requests
  await injectSteering(turn, k)
  if (shouldAutoCompact(session)) {
    await compactHistory(session, turn.subId, settings, signal, 'auto', `turn/${turn.id}/compact/${k}`)
  }
  const before = await turnHook(turn, {
    hook_event_name: 'BeforeModelRequest',
    model: settings.model,
    turn_id: turn.id,
  })
  if (before.blocked) {
    turn.failure = {
      kind: 'hook_blocked',
      message: `a BeforeModelRequest hook blocked the request: ${before.blocked.reason}`,
    }
    return false
  }
  // In-process the workspace snapshot (a few git processes) is taken while the model answers,
  // when it takes long enough to leave the time idle (a real model does); one that answers
  // sooner leaves it to the first call that may change files (`env.workspaceReady`), so a turn
  // that only reads takes none, and its processes never compete with the calls for the CPU.
  // With a journal it is a step of its own, before the tools.
  const inProcess = !session.steps.journaled
  const prefetch =
    inProcess && !turn.snapshotTask ? new SnapshotPrefetch(() => void takeSnapshot(turn)) : undefined
  turn.requested = true
  const result = await session
    .step(turn.subId, `turn/${turn.id}/sample/${k}`, (sink: StepSink) =>
      sampleModel(session, settings, signal, sink, prefetch && (() => prefetch.answering())),
    )
    .finally(() => prefetch?.cancel())
  if (session.options.hooks && !signal.aborted) {
    await turnHook(turn, {
      hook_event_name: 'AfterModelResponse',
      model: settings.model,
      turn_id: turn.id,
      last_assistant_message: result.lastMessage ?? null,
      tool_calls: result.calls.map((c) => c.name),
      ...(result.error ? { error: result.error.message } : {}),
    })
  }
  if (result.lastMessage !== undefined) turn.lastMessage = result.lastMessage
  turn.lastStopReason = result.stopReason
  if (result.error) {
    turn.failure = result.error
    return false
  }
  if (signal.aborted) return false
  if (result.calls.length === 0) {
    // A paused server-tool turn (Anthropic's long web searches) continues from the history as
    // it stands, like a tool round; a cap ends one that never finishes.
    if (result.stopReason === 'pause_turn' && turn.pauses < MAX_PAUSE_CONTINUATIONS) {
      turn.pauses++
      return true
    }
    return continueAfterStop(turn)
  }
  // In-process, calls wait for the snapshot only before they may change files (the env's
  // `workspaceReady`), so a read-only first command runs while it is taken. With a journal it
  // is a step of its own, finished before the calls' steps.
  if (!inProcess) await takeSnapshot(turn)
  await runToolCalls(turn, result.calls)
  return true
}

/** Step 4s: steering input reaches the model at this request; its `user_message` carries its own submission id. */
async function injectSteering(turn: Turn, k: number): Promise<void> {
  const { session, settings } = turn
  // With a journal the step runs even when nothing waits, so a replay (where the input is not
  // pending again) makes the same calls and gets the recorded input back.
  const inbox = session.options.steeringInbox
  if (!session.steps.journaled && !session.hasSteering && !inbox) return
  // Steering from outside the process arrives through the inbox (journaled by its engine), joins
  // the turn's own submission and reaches the model with the queue pair's.
  const outside: SteeringInput[] = inbox
    ? (await inbox.take({ turnId: turn.id, request: k })).map((message) => ({
        subId: turn.subId,
        op: {
          type: 'user_input',
          steer: true,
          items: [
            { type: 'text', text: message.text },
            ...(message.images ?? []).map((url) => ({ type: 'image' as const, image_url: url })),
          ],
        },
      }))
    : []
  if (!session.steps.journaled && !session.hasSteering && outside.length === 0) return
  const inputs = await session.step(turn.subId, `turn/${turn.id}/steer/${k}`, (sink) =>
    Promise.all(
      [...outside, ...session.takeSteering()].map(async ({ subId, op }) => {
        const text = op.items.flatMap((i) => (i.type === 'text' ? [i.text] : [])).join('\n')
        const images = op.items.flatMap((i) =>
          i.type === 'image' ? [i.image_url] : i.type === 'local_image' ? [i.path] : [],
        )
        return { subId, text, images, content: await userContent(op, text, settings.cwd, sink) }
      }),
    ),
  )
  for (const input of inputs) {
    session.emit(
      input.subId,
      input.images.length > 0
        ? { type: 'user_message', message: input.text, images: input.images }
        : { type: 'user_message', message: input.text },
    )
    session.record([{ type: 'message', role: 'user', content: input.content }])
  }
}

/** Step 4e: a blocking Stop hook makes the agent continue with its reason (Claude Code's contract). */
async function continueAfterStop(turn: Turn): Promise<boolean> {
  const stop = await turnHook(turn, { hook_event_name: 'Stop', stop_hook_active: turn.stopContinuations > 0 })
  if (!stop.blocked || turn.stopContinuations >= MAX_STOP_CONTINUATIONS || turn.signal.aborted) return false
  // `stop_hook_active` tells the hook it already did, and a cap ends a hook that never yields.
  turn.stopContinuations++
  turn.session.record([
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: stop.blocked.reason }] },
  ])
  return true
}

/** Step 5: the turn diff, results for calls left without one, and the closing events. */
async function endTurn(turn: Turn, control: TurnControl): Promise<void> {
  const { session, signal, emit } = turn
  await closeSnapshot(turn)
  if (signal.aborted || turn.failure) {
    session.record(danglingCallOutputs(session.history, signal.aborted ? ABORTED_TEXT : FAILED_TEXT))
  }
  if (signal.aborted) {
    emit({ type: 'turn_aborted', turn_id: turn.id, reason: control.abortReason ?? 'interrupted' })
    return
  }
  const failure = turn.failure
  if (failure) {
    const kind = failure.kind === 'hook_blocked' ? failure.kind : `model_${failure.kind}`
    emit({ type: 'error', kind, message: failure.message })
    emit({ type: 'turn_aborted', turn_id: turn.id, reason: 'error' })
    return
  }
  if (turn.stopRequested && turn.stopReason)
    emit({ type: 'background_event', message: `stopped by a hook: ${turn.stopReason}` })
  if (turn.limitReached) {
    emit({
      type: 'error',
      kind: 'max_turns',
      message: `stopped after ${turn.requests} model requests, the limit for one turn of this session; the task may be unfinished`,
    })
  }
  emit({
    type: 'turn_complete',
    turn_id: turn.id,
    last_agent_message: turn.lastMessage,
    ...(turn.lastStopReason ? { stop_reason: turn.lastStopReason } : {}),
  })
}

/** Continuations a blocking Stop hook may force in one turn (as for SubagentStop in plugins). */
const MAX_STOP_CONTINUATIONS = 8
/** Paused server-tool turns continued per turn (each pause is up to ten searches on Anthropic). */
const MAX_PAUSE_CONTINUATIONS = 8

const ABORTED_TEXT = 'aborted: the user interrupted the turn'
const FAILED_TEXT = 'not run: the model request failed before the call could run'

/** Records the instructions preamble once, and the environment context whenever it changes. */
function recordContext(session: SessionContext, settings: TurnSettings, docs: readonly ProjectDoc[]): void {
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
  sink: StepSink,
): Promise<ContentPart[]> {
  const content: ContentPart[] = []
  if (text) content.push({ type: 'input_text', text })
  for (const item of op.items) {
    if (item.type === 'image') content.push({ type: 'input_image', image_url: item.image_url })
    if (item.type === 'local_image') {
      const path = resolve(cwd, item.path)
      const mime = IMAGE_TYPES[extname(path).toLowerCase()]
      if (!mime) {
        sink.emit({
          type: 'warning',
          message: `${path}: not a supported image type (png, jpeg, gif, webp); left out`,
        })
        continue
      }
      try {
        const data = await readFile(path)
        content.push({ type: 'input_image', image_url: `data:${mime};base64,${data.toString('base64')}` })
      } catch (error) {
        sink.emit({ type: 'warning', message: `cannot read image ${path}: ${errorText(error)}; left out` })
      }
    }
  }
  if (content.length === 0) content.push({ type: 'input_text', text: '' })
  return content
}
