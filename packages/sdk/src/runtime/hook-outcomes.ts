// Merging the outcomes of several hooks for one event, by Claude Code's rules: a block or a stop
// from any wins; deny > ask > allow; context and messages add up; later input edits win.
import type { HookInput, HookOutcome, HookRunner } from '@agent/core'

const rank = (decision: HookOutcome['permissionDecision']) =>
  decision === 'deny' ? 3 : decision === 'ask' ? 2 : decision === 'allow' ? 1 : 0

export function mergeHookOutcomes(a: HookOutcome, b: HookOutcome): HookOutcome {
  const strongest = rank(b.permissionDecision) > rank(a.permissionDecision) ? b : a
  const merged: HookOutcome = { ...a, ...b }
  delete merged.permissionDecision
  delete merged.permissionDecisionReason
  if (strongest.permissionDecision) merged.permissionDecision = strongest.permissionDecision
  if (strongest.permissionDecisionReason) merged.permissionDecisionReason = strongest.permissionDecisionReason
  const blocked = a.blocked ?? b.blocked
  if (blocked) merged.blocked = blocked
  const context = [...(a.additionalContext ?? []), ...(b.additionalContext ?? [])]
  if (context.length > 0) merged.additionalContext = context
  const messages = [...(a.systemMessages ?? []), ...(b.systemMessages ?? [])]
  if (messages.length > 0) merged.systemMessages = messages
  const stop = a.stop ?? b.stop
  if (stop) merged.stop = stop
  return merged
}

/** The input the next hook sees: the tool input or prompt as edited by the hooks before it. */
export function applyEdits(input: HookInput, outcome: HookOutcome): HookInput {
  return {
    ...input,
    ...(outcome.updatedInput !== undefined ? { tool_input: outcome.updatedInput } : {}),
    ...(outcome.updatedPrompt !== undefined ? { prompt: outcome.updatedPrompt } : {}),
  }
}

/** Both runners for every hook event, the second after the first; a block stops there. */
export function chainHooks(first: HookRunner, second: HookRunner): HookRunner {
  const willRun = async (runner: HookRunner, input: HookInput) =>
    runner.willRun ? runner.willRun(input) : true
  return {
    // Asked of both: a reload check the second makes is then in hand when it runs.
    willRun: async (input) => {
      const [a, b] = await Promise.all([willRun(first, input), willRun(second, input)])
      return a || b
    },
    async run(input, options) {
      const a = await first.run(input, options)
      if (a.blocked) return a
      return mergeHookOutcomes(a, await second.run(applyEdits(input, a), options))
    },
  }
}
