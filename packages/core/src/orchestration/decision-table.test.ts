import type { ApprovalPolicy, SandboxMode } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import type { PolicyVerdict } from '../ports/policy.js'
import { type Action, columnFor, DECISION_TABLE, decideCommand } from './decision-table.js'

const policies: ApprovalPolicy[] = ['untrusted', 'on-failure', 'on-request', 'never']
const modes: SandboxMode[] = ['read-only', 'workspace-write', 'danger-full-access']
const verdicts: PolicyVerdict[] = ['allow', 'prompt', 'forbidden']

/** The expected behaviour, stated as rules (independently of the table's layout). */
function expected(
  policy: ApprovalPolicy,
  mode: SandboxMode,
  verdict: PolicyVerdict,
  escalate: boolean,
): Action {
  if (verdict === 'forbidden') return 'reject'
  const escalating = escalate && mode !== 'danger-full-access'
  if (escalating) return policy === 'on-request' ? 'ask' : 'reject'
  if (verdict === 'prompt') return policy === 'never' ? 'reject' : 'ask'
  return 'run'
}

describe('the approval × sandbox decision table', () => {
  for (const policy of policies) {
    for (const mode of modes) {
      for (const verdict of verdicts) {
        for (const escalate of [false, true]) {
          const want = expected(policy, mode, verdict, escalate)
          it(`${policy} × ${mode} × ${verdict}${escalate ? ' × escalate' : ''} → ${want}`, () => {
            const decision = decideCommand({ approvalPolicy: policy, sandboxMode: mode, verdict, escalate })
            expect(decision.action).toBe(want)
            // The first attempt is confined exactly when a sandbox exists and no escalation was asked.
            expect(decision.sandboxed).toBe(mode !== 'danger-full-access' && !escalate)
            if (want === 'reject') expect(decision.reason).toMatch(/\S/)
            else expect(decision.reason).toBeUndefined()
          })
        }
      }
    }
  }

  it('asks to retry without the sandbox under every policy but never', () => {
    expect(policies.map((p) => DECISION_TABLE[p].onSandboxDenial)).toEqual(['ask', 'ask', 'ask', 'fail'])
  })

  it('applies patches inside the writable roots without asking except under untrusted', () => {
    expect(policies.map((p) => DECISION_TABLE[p].patchInsideWritableRoots)).toEqual([
      'ask',
      'run',
      'run',
      'run',
    ])
    expect(policies.map((p) => DECISION_TABLE[p].patchOutsideWritableRoots)).toEqual([
      'ask',
      'ask',
      'ask',
      'reject',
    ])
  })

  it('explains rejections in terms the model can act on', () => {
    expect(
      decideCommand({
        approvalPolicy: 'never',
        sandboxMode: 'read-only',
        verdict: 'prompt',
        escalate: false,
        policyReason: 'rm is dangerous',
      }).reason,
    ).toBe(
      'command needs approval: rm is dangerous, but the approval policy is never; do not retry it, find another way or tell the user',
    )
    expect(
      decideCommand({
        approvalPolicy: 'on-failure',
        sandboxMode: 'workspace-write',
        verdict: 'allow',
        escalate: true,
      }).reason,
    ).toContain('only be requested under on-request')
    expect(
      decideCommand({
        approvalPolicy: 'on-request',
        sandboxMode: 'workspace-write',
        verdict: 'forbidden',
        escalate: false,
        policyReason: 'matched rule',
      }).reason,
    ).toBe('command forbidden by policy: matched rule')
  })

  it('maps an escalation under full access to the full-access column', () => {
    expect(columnFor('danger-full-access', true)).toBe('fullAccess')
    expect(columnFor('read-only', true)).toBe('escalated')
    expect(columnFor('workspace-write', false)).toBe('confined')
  })
})
