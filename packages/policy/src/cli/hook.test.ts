import { describe, expect, it } from 'vitest'
import { bare, ctx } from '../../test/helpers.js'
import { PolicyError } from '../errors.js'
import { answerHook } from '../index.js'

const payload = (tool_name: string, tool_input: object) =>
  JSON.stringify({ hook_event_name: 'PreToolUse', tool_name, tool_input })

describe('answerHook', () => {
  it('maps decisions to allow / ask / deny, and defers for merely unknown commands', async () => {
    const policy = await bare()
    expect(
      answerHook(payload('Bash', { command: 'ls' }), policy, ctx('untrusted'))?.hookSpecificOutput
        .permissionDecision,
    ).toBe('allow')
    expect(
      answerHook(payload('Bash', { command: 'git clean -fdx' }), policy, ctx('untrusted'))?.hookSpecificOutput
        .permissionDecision,
    ).toBe('ask')
    expect(
      answerHook(payload('Bash', { command: 'git clean -fdx' }), policy, ctx('never'))?.hookSpecificOutput
        .permissionDecision,
    ).toBe('deny')
    expect(
      answerHook(payload('Bash', { command: 'ls "open' }), policy, ctx('untrusted'))?.hookSpecificOutput
        .permissionDecision,
    ).toBe('ask')
    expect(answerHook(payload('Bash', { command: 'make' }), policy, ctx('untrusted'))).toBeUndefined()
    expect(answerHook(payload('Edit', { file_path: 'x' }), policy, ctx('untrusted'))).toBeUndefined()
  })

  it('rejects payloads that are not PreToolUse payloads', async () => {
    const policy = await bare()
    expect(() => answerHook('[]', policy, ctx('untrusted'))).toThrow(PolicyError)
    expect(() => answerHook('{"tool_name": 1}', policy, ctx('untrusted'))).toThrow(
      'needs "tool_name" (string) and "tool_input" (object)',
    )
  })
})
