// The one table that decides what happens to a command the model wants to run, from the approval
// policy, the sandbox mode, the CommandPolicy verdict and whether the model asked to leave the
// sandbox. It follows Codex's behaviour; every cell is tested in decision-table.test.ts.
import type { ApprovalPolicy, SandboxMode } from '@agent/protocol'
import type { PolicyVerdict } from '../ports/policy.js'

/** `run`: go ahead; `ask`: the user decides; `reject`: refuse without asking. */
export type Action = 'run' | 'ask' | 'reject'

/** Which column of a row applies: a confining sandbox, no sandbox at all, or an escalation request. */
export type Column = 'confined' | 'fullAccess' | 'escalated'

interface Row {
  confined: Action
  fullAccess: Action
  /** The model asked to run outside a confining sandbox (`escalate`). */
  escalated: Action
}

interface PolicyRows {
  allow: Row
  prompt: Row
  forbidden: Row
  /** A confined run failed and looks like a sandbox denial: ask to rerun unconfined, or report the failure. */
  onSandboxDenial: 'ask' | 'fail'
  /** A patch writing outside the writable roots (inside them it is always applied without asking). */
  patchOutsideWritableRoots: Action
  /** A patch inside the writable roots. */
  patchInsideWritableRoots: Action
}

const REJECT: Row = { confined: 'reject', fullAccess: 'reject', escalated: 'reject' }

/**
 * - `untrusted`: the policy already answers `prompt` for anything not known safe; escalation is
 *   the model's tool only under `on-request`, so it is refused here (Codex does the same).
 * - `on-failure`: run in the sandbox; ask only when the sandbox blocked something.
 * - `on-request`: run in the sandbox; the model may ask to leave it (`escalate`), which the user
 *   approves; a denial is also offered for an unconfined rerun.
 * - `never`: never ask. What would need asking is refused, and a denial is reported to the model.
 */
export const DECISION_TABLE: Record<ApprovalPolicy, PolicyRows> = {
  untrusted: {
    allow: { confined: 'run', fullAccess: 'run', escalated: 'reject' },
    prompt: { confined: 'ask', fullAccess: 'ask', escalated: 'reject' },
    forbidden: REJECT,
    onSandboxDenial: 'ask',
    patchOutsideWritableRoots: 'ask',
    patchInsideWritableRoots: 'ask',
  },
  'on-failure': {
    allow: { confined: 'run', fullAccess: 'run', escalated: 'reject' },
    prompt: { confined: 'ask', fullAccess: 'ask', escalated: 'reject' },
    forbidden: REJECT,
    onSandboxDenial: 'ask',
    patchOutsideWritableRoots: 'ask',
    patchInsideWritableRoots: 'run',
  },
  'on-request': {
    allow: { confined: 'run', fullAccess: 'run', escalated: 'ask' },
    prompt: { confined: 'ask', fullAccess: 'ask', escalated: 'ask' },
    forbidden: REJECT,
    onSandboxDenial: 'ask',
    patchOutsideWritableRoots: 'ask',
    patchInsideWritableRoots: 'run',
  },
  never: {
    allow: { confined: 'run', fullAccess: 'run', escalated: 'reject' },
    prompt: REJECT,
    forbidden: REJECT,
    onSandboxDenial: 'fail',
    patchOutsideWritableRoots: 'reject',
    patchInsideWritableRoots: 'run',
  },
}

export function columnFor(sandboxMode: SandboxMode, escalate: boolean): Column {
  if (sandboxMode === 'danger-full-access') return 'fullAccess'
  return escalate ? 'escalated' : 'confined'
}

export interface CommandDecision {
  action: Action
  /** Whether the first attempt runs confined (false without a sandbox or once an escalation is approved). */
  sandboxed: boolean
  /** For `reject`: why, written for the model. */
  reason?: string
}

/** Looks up the cell for one command. `policyReason` is the CommandPolicy's explanation. */
export function decideCommand(input: {
  approvalPolicy: ApprovalPolicy
  sandboxMode: SandboxMode
  verdict: PolicyVerdict
  escalate: boolean
  policyReason?: string
}): CommandDecision {
  const column = columnFor(input.sandboxMode, input.escalate)
  const action = DECISION_TABLE[input.approvalPolicy][input.verdict][column]
  const sandboxed = column === 'confined'
  if (action !== 'reject') return { action, sandboxed }
  return { action, sandboxed, reason: rejectionReason(input, column) }
}

function rejectionReason(
  input: { approvalPolicy: ApprovalPolicy; verdict: PolicyVerdict; policyReason?: string },
  column: Column,
): string {
  const why = input.policyReason ? `: ${input.policyReason}` : ''
  if (input.verdict === 'forbidden') return `command forbidden by policy${why}`
  if (column === 'escalated' && input.approvalPolicy !== 'never') {
    return `approval policy is ${input.approvalPolicy}; running outside the sandbox can only be requested under on-request, so run the command without asking for escalation`
  }
  return `command needs approval${why}, but the approval policy is never; do not retry it, find another way or tell the user`
}
