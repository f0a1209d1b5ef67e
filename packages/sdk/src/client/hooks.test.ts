import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config/errors.js'
import { chainHooks } from '../runtime/hook-outcomes.js'
import { functionHooks } from './hooks.js'

const input = (tool: string) => ({
  session_id: 's',
  cwd: '/w',
  hook_event_name: 'PreToolUse' as const,
  tool_name: tool,
  tool_input: { a: 1 },
})

describe('functionHooks', () => {
  it('runs matching hooks in order, passing edits on and merging outcomes (deny beats allow)', async () => {
    const seen: unknown[] = []
    const runner = functionHooks({
      PreToolUse: [
        () => ({ permissionDecision: 'allow', updatedInput: { a: 2 }, additionalContext: ['one'] }),
        {
          matcher: 'Bash|shell',
          hooks: [
            (i) => {
              seen.push(i.tool_input)
              return {
                permissionDecision: 'deny',
                permissionDecisionReason: 'no',
                additionalContext: ['two'],
              }
            },
          ],
        },
        { matcher: 'Read', hooks: [() => ({ blocked: { reason: 'never for Bash' } })] },
      ],
    })
    const outcome = await runner.run(input('Bash'), {})
    expect(seen).toEqual([{ a: 2 }])
    expect(outcome).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: 'no',
      additionalContext: ['one', 'two'],
    })
    expect(outcome.blocked).toBeUndefined()
    expect(await runner.run({ ...input('x'), hook_event_name: 'Stop' }, {})).toEqual({})
  })

  it('a block stops the hooks after it; a bad matcher is a ConfigError', async () => {
    let after = false
    const runner = functionHooks({
      PreToolUse: [
        () => ({ blocked: { reason: 'stop here' } }),
        () => {
          after = true
          return undefined
        },
      ],
    })
    expect((await runner.run(input('Bash'), {})).blocked).toEqual({ reason: 'stop here' })
    expect(after).toBe(false)
    expect(() => functionHooks({ PreToolUse: [{ matcher: '(', hooks: [] }] })).toThrow(ConfigError)
  })

  it('willRun is true only where a hook matches the event and tool; a chain asks both', async () => {
    const runner = functionHooks({
      PreToolUse: [{ matcher: 'Bash', hooks: [() => undefined] }],
      Stop: [() => undefined],
    })
    expect(await runner.willRun?.(input('Bash'))).toBe(true)
    expect(await runner.willRun?.(input('Read'))).toBe(false)
    expect(await runner.willRun?.({ ...input('Bash'), hook_event_name: 'PostToolUse' })).toBe(false)
    expect(await runner.willRun?.({ session_id: 's', cwd: '/w', hook_event_name: 'Stop' })).toBe(true)
    const none = functionHooks({})
    expect(await chainHooks(none, runner).willRun?.(input('Bash'))).toBe(true)
    expect(await chainHooks(none, runner).willRun?.(input('Read'))).toBe(false)
    // A runner that cannot tell counts as one that will run.
    expect(await chainHooks(none, { run: async () => ({}) }).willRun?.(input('Read'))).toBe(true)
  })
})
