// Hooks as functions: the embedder's `hooks` option as core's HookRunner port. Matchers select
// tool events by tool name, like Claude Code's (a regular expression over the whole name).
import type { HookInput, HookOutcome, HookRunner } from '@agent/core'
import { ConfigError } from '../config/errors.js'
import { applyEdits, mergeHookOutcomes } from '../runtime/hook-outcomes.js'
import type { HookFunction, Hooks } from './types.js'

export function functionHooks(hooks: Hooks): HookRunner {
  const compiled = new Map<string, { matcher?: RegExp; fn: HookFunction }[]>()
  for (const [event, entries] of Object.entries(hooks)) {
    const list: { matcher?: RegExp; fn: HookFunction }[] = []
    for (const [i, entry] of (entries ?? []).entries()) {
      if (typeof entry === 'function') {
        list.push({ fn: entry })
        continue
      }
      let matcher: RegExp | undefined
      if (entry.matcher !== undefined && entry.matcher !== '' && entry.matcher !== '*') {
        try {
          matcher = new RegExp(`^(?:${entry.matcher})$`)
        } catch (error) {
          throw new ConfigError(`hooks.${event}[${i}].matcher: ${(error as Error).message}`)
        }
      }
      for (const fn of entry.hooks) list.push(matcher ? { matcher, fn } : { fn })
    }
    compiled.set(event, list)
  }
  const selects = (entry: { matcher?: RegExp }, input: HookInput) =>
    !entry.matcher || (input.tool_name !== undefined && entry.matcher.test(input.tool_name))
  return {
    willRun: (input) => (compiled.get(input.hook_event_name) ?? []).some((entry) => selects(entry, input)),
    async run(input, options) {
      let outcome: HookOutcome = {}
      let current = input
      for (const entry of compiled.get(input.hook_event_name) ?? []) {
        const { fn } = entry
        if (!selects(entry, current)) continue
        const result = await fn(current, options.signal ? { signal: options.signal } : {})
        if (!result) continue
        outcome = mergeHookOutcomes(outcome, result)
        if (outcome.blocked) break
        current = applyEdits(current, result)
      }
      return outcome
    },
  }
}
