import { describe, expect, it } from 'vitest'
import { approvalElicitation, approvalOp } from './approvals.js'

const exec = {
  type: 'exec_approval_request' as const,
  call_id: 'c1',
  command: ['git', 'push'],
  cwd: '/repo',
  retry_without_sandbox: true,
}
const patch = {
  type: 'apply_patch_approval_request' as const,
  call_id: 'p1',
  changes: { 'a.txt': { type: 'add' as const, content: 'x' } },
  grant_root: '/other',
}

describe('approvalElicitation', () => {
  it('describes the command or the files, with a decision form', () => {
    const form = approvalElicitation('t1', exec)
    expect(form.message).toBe(
      'The agent wants to run: git push\nin /repo\nIt failed in the sandbox; this would run it without the sandbox.',
    )
    expect(form.requestedSchema.properties.decision?.enum).toEqual([
      'approved',
      'approved_for_session',
      'denied',
      'abort',
    ])
    expect(approvalElicitation('t1', patch).message).toBe(
      'The agent wants to change 1 file(s): a.txt\nand be allowed to write under /other for the rest of the session.',
    )
  })
})

describe('approvalOp', () => {
  it('maps accept/decline/cancel to decisions', () => {
    expect(approvalOp(exec, { action: 'accept', content: {} })).toEqual({
      type: 'exec_approval',
      id: 'c1',
      decision: 'approved',
    })
    expect(approvalOp(exec, { action: 'accept', content: { decision: 'bogus' } })).toMatchObject({
      decision: 'approved',
    })
    expect(approvalOp(patch, { action: 'decline' })).toEqual({
      type: 'patch_approval',
      id: 'p1',
      decision: 'denied',
    })
    expect(approvalOp(patch, { action: 'cancel' })).toMatchObject({ decision: 'abort' })
    expect(approvalOp(exec, { action: 'accept', content: { decision: 'denied', feedback: 'no' } })).toEqual({
      type: 'exec_approval',
      id: 'c1',
      decision: 'denied',
      feedback: 'no',
    })
  })
})
