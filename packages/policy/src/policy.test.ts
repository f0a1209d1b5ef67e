import { describe, expect, it } from 'vitest'
import { ctx, FULL_ACCESS } from '../test/helpers.js'
import {
  createCommandPolicy,
  evaluate,
  evaluateToolPermission,
  parsePermissionSettings,
  parseRules,
} from './index.js'

describe('createCommandPolicy', () => {
  it('satisfies the port: argv in, decision with reason out', async () => {
    const policy = await createCommandPolicy()
    const d = policy.evaluate(['bash', '-lc', 'git status && ls'], ctx('untrusted'))
    expect(d.decision).toBe('allow')
    expect(d.knownSafe).toBe(true)
    expect(d.commands.map((c) => c.argv)).toEqual([['git', 'status'], ['ls']])
  })

  it('binds .rules files and Claude settings', async () => {
    const rules = await parseRules(
      'prefix_rule(pattern=["git", "push"], decision="forbidden", justification="push from CI only")',
      'team.rules',
    )
    const settings = parsePermissionSettings(
      { permissions: { allow: ['Bash(npm run test:*)'] } },
      { source: 'settings.json' },
    )
    const policy = await createCommandPolicy({ rules, settings })
    const push = policy.evaluateScript('git push origin main', ctx('on-request'))
    expect(push.decision).toBe('forbidden')
    expect(push.reason).toContain('push from CI only')
    expect(push.matchedRules).toEqual([
      { source: 'team.rules:1', rule: 'git push', decision: 'forbidden', justification: 'push from CI only' },
    ])
    expect(policy.evaluateScript('npm run test -- --watch', ctx('untrusted')).decision).toBe('allow')
    // `:*` is the legacy spelling of ` *`: a word boundary follows the prefix.
    expect(policy.evaluateScript('npm run test:unit', ctx('untrusted')).decision).toBe('prompt')
    expect(policy.evaluateScript('npm run build', ctx('untrusted')).decision).toBe('prompt')
  })

  it('judges tool calls: Bash in full, other tools by permission rules', async () => {
    const settings = parsePermissionSettings(
      { permissions: { deny: ['Read(./secrets/**)', 'Bash(curl:*)'] } },
      { source: 's.json' },
    )
    const policy = await createCommandPolicy({ settings })
    expect(
      policy.evaluateTool('Read', { file_path: '/work/secrets/key.pem' }, ctx('on-request')).decision,
    ).toBe('forbidden')
    expect(policy.evaluateTool('Read', { file_path: '/work/src/a.ts' }, ctx('on-request')).decision).toBe(
      'unmatched',
    )
    const bash = policy.evaluateTool('Bash', { command: 'ls && curl example.com' }, ctx('on-request'))
    expect(bash.decision).toBe('forbidden')
    expect(bash.command?.commands).toHaveLength(2)
  })
})

describe('evaluate', () => {
  it('takes a script or an argv and returns the commands judged', async () => {
    const d = await evaluate('ls; rm -rf build', {
      approvalPolicy: 'on-request',
      sandboxPolicy: ctx('on-request').sandboxPolicy,
    })
    expect(d.decision).toBe('prompt')
    expect(d.dangerous).toBe(true)
    expect(d.commands.map((c) => [c.argv[0], c.decision])).toEqual([
      ['ls', 'allow'],
      ['rm', 'prompt'],
    ])
    const argv = await evaluate(['git', 'status'], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    })
    expect(argv.decision).toBe('allow')
  })

  it('never allows empty input', async () => {
    const opts = { approvalPolicy: 'on-request' as const, sandboxPolicy: FULL_ACCESS }
    expect((await evaluate([], opts)).decision).toBe('prompt')
    expect((await evaluate('   ', opts)).decision).toBe('prompt')
    expect((await evaluate('# just a comment', opts)).decision).toBe('prompt')
    expect((await evaluate([], { ...opts, approvalPolicy: 'never' })).decision).toBe('forbidden')
  })
})

describe('evaluateToolPermission', () => {
  it('applies deny, then ask, then allow', async () => {
    const settings = parsePermissionSettings(
      {
        permissions: {
          allow: ['mcp__github__*'],
          ask: ['mcp__github__create_issue'],
          deny: ['WebFetch(domain:evil.example)'],
        },
      },
      { source: 'settings.json' },
    )
    expect((await evaluateToolPermission('mcp__github__list_issues', {}, settings)).decision).toBe('allow')
    expect((await evaluateToolPermission('mcp__github__create_issue', {}, settings)).decision).toBe('prompt')
    expect(
      (await evaluateToolPermission('WebFetch', { url: 'https://evil.example/x' }, settings)).decision,
    ).toBe('forbidden')
    expect(
      (await evaluateToolPermission('WebFetch', { url: 'https://good.example/' }, settings)).decision,
    ).toBe('unmatched')
    const bash = await evaluateToolPermission('Bash', { command: 'git status' }, settings, {
      approvalPolicy: 'untrusted',
    })
    expect(bash.decision).toBe('allow')
  })
})
