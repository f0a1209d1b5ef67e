// Claude Code's hook matcher rules: empty or `*` matches everything; a matcher made only of
// `[A-Za-z0-9_ ,|-]` is a list of exact names (`Edit|Write`); anything else is an unanchored
// regular expression (`mcp__.*`, `Notebook.*`).

export type CompiledMatcher =
  | { kind: 'all' }
  | { kind: 'names'; names: Set<string> }
  | { kind: 'regex'; regex: RegExp }
  /** A regex that does not compile never matches; `error` says why. */
  | { kind: 'invalid'; error: string }

const plainNames = /^[A-Za-z0-9_ ,|-]+$/

export function compileMatcher(matcher: string | undefined): CompiledMatcher {
  const text = (matcher ?? '').trim()
  if (text === '' || text === '*') return { kind: 'all' }
  if (plainNames.test(text)) {
    const names = text
      .split(/[|,]/)
      .map((n) => n.trim())
      .filter((n) => n !== '')
    return { kind: 'names', names: new Set(names) }
  }
  try {
    return { kind: 'regex', regex: new RegExp(text) }
  } catch (error) {
    return { kind: 'invalid', error: (error as Error).message }
  }
}

/** Whether `value` (a tool name, a session start source...) is selected by the matcher. */
export function matches(matcher: CompiledMatcher, value: string | undefined): boolean {
  switch (matcher.kind) {
    case 'all':
      return true
    case 'names':
      return value !== undefined && matcher.names.has(value)
    case 'regex':
      return value !== undefined && matcher.regex.test(value)
    case 'invalid':
      return false
  }
}

/**
 * The input field each event's matcher is tested against (Claude Code's choices, plus ours).
 * Events absent here ignore their matcher, as Claude Code does for `UserPromptSubmit` and `Stop`.
 */
export const MATCHER_FIELD: Record<string, string> = {
  PreToolUse: 'tool_name',
  PostToolUse: 'tool_name',
  PermissionRequest: 'tool_name',
  SessionStart: 'source',
  SessionEnd: 'reason',
  PreCompact: 'trigger',
  Notification: 'notification_type',
  SubagentStop: 'agent_type',
  BeforeModelRequest: 'model',
  AfterModelResponse: 'model',
}

/** Whether a registration with `matcher` runs for this event input. */
export function matcherSelects(matcher: CompiledMatcher, input: Record<string, unknown>): boolean {
  const field = MATCHER_FIELD[String(input.hook_event_name)]
  if (field === undefined) return true
  const value = input[field]
  return matches(matcher, typeof value === 'string' ? value : undefined)
}
