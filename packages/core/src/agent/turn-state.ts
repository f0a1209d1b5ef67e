// The state of one running turn, shared by the turn loop (turn.ts) and its tool calls
// (tool-calls.ts), and the turn's hook runs as journal steps.
import type { EventMsg, StopReason } from '@agent/protocol'
import type { CallEnvironment } from '../orchestration/router.js'
import type { HookInput, HookOutcome } from '../ports/hooks.js'
import type { WorkspaceSnapshot } from '../ports/workspace.js'
import { runHookStep } from './hook-step.js'
import type { SampleResult } from './sampling.js'
import type { SessionContext, TurnSettings } from './session-context.js'

/** The running turn as its controller sees it. */
export interface TurnControl {
  controller: AbortController
  abortReason: 'interrupted' | 'shutdown' | undefined
}

/** One turn's state while it runs. */
export interface Turn {
  readonly session: SessionContext
  readonly subId: string
  readonly id: string
  readonly settings: TurnSettings
  /** The environment tool calls get (each call gets a copy with its own `emit`). */
  readonly env: CallEnvironment
  readonly signal: AbortSignal
  emit(msg: EventMsg): void
  requestStop(reason: string | undefined): void
  stopRequested: boolean
  stopReason: string | undefined
  lastMessage: string | null
  /** Why the last model response ended, for `turn_complete`. */
  lastStopReason: StopReason | undefined
  failure: SampleResult['error']
  requests: number
  limitReached: boolean
  stopContinuations: number
  /** Requests made again because the provider paused its own tool use (`pause_turn`). */
  pauses: number
  /** Hook runs so far by event, for unique step names. */
  readonly hookRuns: Map<string, number>
  /** The workspace snapshot, once something started it (see `takeSnapshot` in turn.ts). */
  snapshotTask: Promise<WorkspaceSnapshot | undefined> | undefined
  /**
   * Whether anything of the turn may have changed files: a call that waited for the workspace
   * (`env.workspaceReady`), or a hook that ran after the first request. A turn without any has
   * no diff and leaves nothing to undo.
   */
  mayChangeFiles: boolean
  /** The first model request is out: hooks from then on count as the turn's doing. */
  requested: boolean
}

/** Runs the hooks for one event as the step `turn/<n>/hook/<event>/<k>`. */
export function turnHook(turn: Turn, input: Omit<HookInput, 'session_id' | 'cwd'>): Promise<HookOutcome> {
  const event = input.hook_event_name as string
  const k = (turn.hookRuns.get(event) ?? 0) + 1
  turn.hookRuns.set(event, k)
  // In-process, a hook that runs once the model was asked waits for the snapshot first (its
  // command may change files); one before (UserPromptSubmit, the first BeforeModelRequest)
  // belongs to the turn's starting state. With a journal the snapshot is a step of its own,
  // never taken inside a hook's step.
  const inTurn = turn.requested && !turn.session.steps.journaled
  const { workspaceReady: _before, ...startingState } = turn.env
  const env = inTurn ? turn.env : startingState
  return runHookStep(turn.session, turn.subId, `turn/${turn.id}/hook/${event}/${k}`, env, input)
}
