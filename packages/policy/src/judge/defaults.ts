// Codex's decision for a command no rule matched: known-safe runs, dangerous asks (or is refused
// when nobody may be asked), anything else follows the approval policy and relies on the sandbox.
import type { PolicyContext, PolicyVerdict } from '../types.js'

export interface Unmatched {
  display: string
  safeReason?: string
  dangerReason?: string
  /** Why a command that would be safe is not auto-approved: a full clause, shown in parentheses. */
  caveat?: string
}

export function defaultDecision(
  cmd: Unmatched,
  ctx: PolicyContext,
): { decision: PolicyVerdict; reason: string } {
  const { approvalPolicy } = ctx
  const fullAccess = ctx.sandboxPolicy.type === 'danger-full-access'
  if (cmd.dangerReason !== undefined) {
    if (approvalPolicy !== 'never')
      return { decision: 'prompt', reason: `${cmd.display} is dangerous: ${cmd.dangerReason}` }
    if (fullAccess)
      return {
        decision: 'allow',
        reason: `${cmd.display} is dangerous (${cmd.dangerReason}), but approval policy \`never\` with sandbox danger-full-access runs everything unasked`,
      }
    return {
      decision: 'forbidden',
      reason: `${cmd.display} is dangerous: ${cmd.dangerReason}; approval policy \`never\` cannot ask, so it is refused`,
    }
  }
  if (cmd.safeReason !== undefined)
    return { decision: 'allow', reason: `${cmd.display} is known to be safe: ${cmd.safeReason}` }
  const why = cmd.caveat ? ` (${cmd.caveat})` : ''
  if (approvalPolicy === 'untrusted')
    return {
      decision: 'prompt',
      reason: `${cmd.display} is not known to be safe${why}; approval policy \`untrusted\` asks first`,
    }
  const where = fullAccess
    ? 'without a sandbox (danger-full-access)'
    : `in the ${ctx.sandboxPolicy.type} sandbox`
  return {
    decision: 'allow',
    reason: `${cmd.display} is not known to be safe${why}; approval policy \`${approvalPolicy}\` runs it ${where}`,
  }
}

/** A decision about input that could not be understood: ask, or refuse when nobody may be asked. */
export function unclearDecision(ctx: PolicyContext): PolicyVerdict {
  return ctx.approvalPolicy === 'never' ? 'forbidden' : 'prompt'
}
