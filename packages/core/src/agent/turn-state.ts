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
  snapshotTask: Promise<WorkspaceSnapshot | undefined> | undefined
}

/** Runs the hooks for one event as the step `turn/<n>/hook/<event>/<k>`. */
export function turnHook(turn: Turn, input: Omit<HookInput, 'session_id' | 'cwd'>): Promise<HookOutcome> {
  const event = input.hook_event_name as string
  const k = (turn.hookRuns.get(event) ?? 0) + 1
  turn.hookRuns.set(event, k)
  return runHookStep(turn.session, turn.subId, `turn/${turn.id}/hook/${event}/${k}`, turn.env, input)
}
