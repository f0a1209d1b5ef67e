import { DECISION_TABLE } from '@agent/core'
import { describe, expect, it } from 'vitest'
import { describeExecDenial } from './approvals.js'

describe('exec and approvals', () => {
  it('under -a never (the exec default) no cell of the decision table asks', () => {
    const never = DECISION_TABLE.never
    const cells = [never.allow, never.prompt, never.forbidden].flatMap((row) => Object.values(row))
    expect(cells).not.toContain('ask')
    expect(never.onSandboxDenial).toBe('fail')
    expect([never.patchInsideWritableRoots, never.patchOutsideWritableRoots]).not.toContain('ask')
  })

  it('explains an escalation denial: non-interactive, and -s danger-full-access allows it', () => {
    const denial = describeExecDenial(
      {
        type: 'exec_approval_request',
        call_id: 'c1',
        command: ['curl', 'example.com'],
        cwd: '/w',
        reason: 'the model asks to run this outside the sandbox: needs the network',
      },
      'workspace-write',
    )
    expect(denial.stderr).toContain('`curl example.com` outside the sandbox')
    expect(denial.stderr).toContain('non-interactive')
    expect(denial.stderr).toContain('-s danger-full-access')
    expect(denial.stderr).toContain('-a never')
    expect(denial.feedback).toContain('non-interactive run')
    expect(denial.feedback).toContain('Do not ask for escalation again')
  })

  it('treats a rerun outside the sandbox like an escalation', () => {
    const denial = describeExecDenial(
      {
        type: 'exec_approval_request',
        call_id: 'c1',
        command: ['make'],
        cwd: '/w',
        retry_without_sandbox: true,
      },
      'read-only',
    )
    expect(denial.stderr).toContain('outside the sandbox')
  })

  it('points a command the policy asks about at rules, and a patch at writable_roots', () => {
    const command = describeExecDenial(
      {
        type: 'exec_approval_request',
        call_id: 'c1',
        command: ['rm', '-rf', 'b'],
        cwd: '/w',
        reason: 'deletes',
      },
      'danger-full-access',
    )
    expect(command.stderr).toContain('`rm -rf b` (deletes)')
    expect(command.stderr).toContain('a rule')
    expect(command.stderr).not.toContain('outside the sandbox')
    expect(command.feedback).toContain('non-interactive run')
    const patch = describeExecDenial(
      {
        type: 'apply_patch_approval_request',
        call_id: 'c2',
        changes: { '/etc/x': { type: 'add', content: 'x' } },
      },
      'workspace-write',
    )
    expect(patch.stderr).toContain('change /etc/x')
    expect(patch.stderr).toContain('writable_roots')
    expect(patch.feedback).toContain('non-interactive run')
  })
})
