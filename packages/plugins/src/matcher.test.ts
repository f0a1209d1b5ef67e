import { describe, expect, it } from 'vitest'
import { compileMatcher, matcherSelects, matches } from './matcher.js'

describe('compileMatcher / matches (Claude Code rules)', () => {
  it('empty, missing and * match everything', () => {
    for (const m of ['', '  ', '*', undefined]) {
      expect(matches(compileMatcher(m), 'Bash')).toBe(true)
      expect(matches(compileMatcher(m), undefined)).toBe(true)
    }
  })

  it('plain names are exact, case-sensitive, and | or , separated', () => {
    const m = compileMatcher('Edit|Write')
    expect(m.kind).toBe('names')
    expect(matches(m, 'Edit')).toBe(true)
    expect(matches(m, 'Write')).toBe(true)
    expect(matches(m, 'MultiEdit')).toBe(false)
    expect(matches(m, 'edit')).toBe(false)
    expect(matches(compileMatcher('Bash'), 'BashOutput')).toBe(false)
    expect(matches(compileMatcher('Read, Grep'), 'Grep')).toBe(true)
    expect(matches(compileMatcher('mcp__github__create-issue'), 'mcp__github__create-issue')).toBe(true)
  })

  it('anything else is an unanchored regular expression', () => {
    const m = compileMatcher('mcp__.*')
    expect(m.kind).toBe('regex')
    expect(matches(m, 'mcp__github__create_issue')).toBe(true)
    expect(matches(m, 'Bash')).toBe(false)
    expect(matches(compileMatcher('Notebook.*'), 'NotebookEdit')).toBe(true)
    expect(matches(compileMatcher('Edit.'), 'MultiEdits')).toBe(true)
    expect(matches(compileMatcher('^Bash$'), 'BashOutput')).toBe(false)
  })

  it('an invalid regex never matches and says why', () => {
    const m = compileMatcher('mcp__(unclosed')
    expect(m).toMatchObject({ kind: 'invalid', error: expect.stringContaining('Invalid regular expression') })
    expect(matches(m, 'mcp__(unclosed')).toBe(false)
  })
})

describe('matcherSelects: the field each event matches on', () => {
  it('uses tool_name for tool events, source/trigger/reason for the others, nothing for Stop', () => {
    const bash = compileMatcher('Bash')
    expect(matcherSelects(bash, { hook_event_name: 'PreToolUse', tool_name: 'Bash' })).toBe(true)
    expect(matcherSelects(bash, { hook_event_name: 'PostToolUse', tool_name: 'Read' })).toBe(false)
    expect(
      matcherSelects(compileMatcher('resume|clear'), { hook_event_name: 'SessionStart', source: 'clear' }),
    ).toBe(true)
    expect(matcherSelects(compileMatcher('auto'), { hook_event_name: 'PreCompact', trigger: 'manual' })).toBe(
      false,
    )
    expect(matcherSelects(bash, { hook_event_name: 'Stop' })).toBe(true)
    expect(matcherSelects(bash, { hook_event_name: 'UserPromptSubmit', prompt: 'x' })).toBe(true)
    expect(matcherSelects(bash, { hook_event_name: 'PreToolUse' })).toBe(false)
  })
})
