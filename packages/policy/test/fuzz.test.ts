// Property tests: arbitrary input never crashes the checker, and a script that contains an
// `rm -rf` command is never allowed, however it is wrapped, quoted or surrounded.
import type { ApprovalPolicy } from '@agent/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bare, ctx } from './helpers.js'

const APPROVALS: ApprovalPolicy[] = ['untrusted', 'on-failure', 'on-request', 'never']

/** Characters that mean something to bash, so random scripts exercise the grammar. */
const shellChar = fc.constantFrom(
  ...'abcxyz019 -_./~*?[]{}()<>|&;$`\'"\\#=!:,+%@^\n\t'.split(''),
  'ls',
  'rm',
  'git',
  'echo',
  'bash -c ',
  '$(',
  '<<EOF\n',
  '\nEOF\n',
  '$((',
  "$'",
  'if ',
  ' then ',
  ' fi',
  'sudo ',
  'ｒ',
  'м',
  '\u200b',
)
const shellish = fc.array(shellChar, { maxLength: 40 }).map((parts) => parts.join(''))

/** Ways to put a command after arbitrary text so that bash runs it. */
const separator = fc.constantFrom(
  ';',
  '&&',
  '||',
  '|',
  '\n',
  ' & ',
  '$(',
  '`',
  '<(',
  '(',
  '{ ',
  ';sudo ',
  ';env A=1 ',
  ';timeout 1 ',
  ";bash -c '",
  ';sh -c "',
  ';eval ',
)
const force = fc.constantFrom('-rf', '-fr', '-Rf', '-f', '-r -f', '--force', '-rfv', '"-rf"', "'-rf'")
const target = fc.constantFrom('/', '~', '.', 'build', '"$HOME"', '/*', 'x y')

describe('fuzz', () => {
  it('never crashes and always answers with a reason', async () => {
    const policy = await bare()
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), shellish),
        fc.constantFrom(...APPROVALS),
        (script, approval) => {
          const d = policy.evaluateScript(script, ctx(approval))
          expect(['allow', 'prompt', 'forbidden']).toContain(d.decision)
          expect(d.reason.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('never crashes on arbitrary argv', async () => {
    const policy = await bare()
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), shellish), { maxLength: 6 }),
        fc.constantFrom(...APPROVALS),
        (argv, approval) => {
          const d = policy.evaluate(argv, ctx(approval))
          expect(['allow', 'prompt', 'forbidden']).toContain(d.decision)
        },
      ),
      { numRuns: 800 },
    )
  })

  it('never allows a script containing an rm -rf command', async () => {
    const policy = await bare()
    fc.assert(
      fc.property(
        shellish,
        separator,
        fc.constantFrom('rm', '/bin/rm', '"rm"', 'r\\m', "'rm'"),
        force,
        target,
        shellish,
        fc.constantFrom(...APPROVALS),
        (before, sep, rm, flags, where, after, approval) => {
          const script = `${before}${sep}${rm} ${flags} ${where}${after}`
          const d = policy.evaluateScript(script, ctx(approval))
          if (d.decision === 'allow')
            throw new Error(`allowed ${JSON.stringify(script)} under ${approval}: ${d.reason}`)
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    )
  })
})
