// Port: decide whether a command may run. Implemented by `@agent/policy` (`evaluate`), with
// the user's rule files bound in by the composition root.
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'

export type PolicyVerdict = 'allow' | 'prompt' | 'forbidden'

export interface PolicyDecision {
  decision: PolicyVerdict
  /** Human-readable why, shown to the user in approval prompts and to the model on refusal. */
  reason: string
  matchedRules?: { source: string; rule: string; decision: PolicyVerdict }[]
  /** True when every command of the script is known to be read-only and safe. */
  knownSafe?: boolean
  /** True when a command was recognised as dangerous (rm -rf, git reset --hard, ...). */
  dangerous?: boolean
}

export interface CommandPolicy {
  evaluate(
    command: string[],
    context: { approvalPolicy: ApprovalPolicy; sandboxPolicy: SandboxPolicy; cwd: string },
  ): PolicyDecision | Promise<PolicyDecision>
}
