// A hook run at turn or session level as one journal step: its outcome (and the events the hooks
// emit) are recorded, and a `continue: false` is applied after the step, outside it.
import { runHook } from '../orchestration/router.js'
import type { HookInput, HookOutcome } from '../ports/hooks.js'
import type { SessionContext } from './session-context.js'

export interface HookStepEnv {
  sessionId: string
  cwd: string
  transcriptPath?: string
  signal: AbortSignal
  requestStop?(reason: string | undefined): void
  /** Awaited before any hook of the step runs (see `runHook`). */
  workspaceReady?(): Promise<unknown>
}

/** Runs the hooks for `input` as the step `name`; no step at all when the session has no hooks. */
export async function runHookStep(
  session: SessionContext,
  subId: string,
  name: string,
  env: HookStepEnv,
  input: Omit<HookInput, 'session_id' | 'cwd'>,
): Promise<HookOutcome> {
  const hooks = session.options.hooks
  if (!hooks) return {}
  const outcome = await session.step(subId, name, (sink) => {
    const stepEnv: Parameters<typeof runHook>[1] = {
      sessionId: env.sessionId,
      cwd: env.cwd,
      signal: env.signal,
      emit: sink.emit,
    }
    if (env.transcriptPath) stepEnv.transcriptPath = env.transcriptPath
    if (env.workspaceReady) stepEnv.workspaceReady = env.workspaceReady
    return runHook(hooks, stepEnv, input)
  })
  if (outcome.stop) env.requestStop?.(outcome.stop.reason)
  return outcome
}
