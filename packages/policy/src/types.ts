// The decision vocabulary shared by every part of the package; shapes match core's
// `CommandPolicy` port (packages/core/src/ports/policy.ts) structurally.
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'

export type PolicyVerdict = 'allow' | 'prompt' | 'forbidden'

export interface MatchedRule {
  /** Where the rule lives: a `.rules` file and line, or a settings file and list. */
  source: string
  /** The rule as written: `git push|fetch`, `Bash(npm run test:*)`. */
  rule: string
  decision: PolicyVerdict
  justification?: string
}

/**
 * What a command's decision rests on: a user `rule`, the `known-safe` list, the `dangerous`
 * list, Codex's `default` for other commands, or `unclear` input (unparseable, empty, too deep).
 */
export type DecisionBasis = 'rule' | 'known-safe' | 'dangerous' | 'default' | 'unclear'

/** The judgement of one command of a script. */
export interface CommandDecision {
  argv: string[]
  decision: PolicyVerdict
  basis: DecisionBasis
  reason: string
  matchedRules: MatchedRule[]
  knownSafe: boolean
  dangerous: boolean
}

export interface PolicyDecision {
  decision: PolicyVerdict
  reason: string
  matchedRules: MatchedRule[]
  /** True when every command of the script is known to be read-only and safe. */
  knownSafe: boolean
  /** True when a command was recognised as dangerous. */
  dangerous: boolean
  /** Each command the script would run, with its own decision. */
  commands: CommandDecision[]
}

export interface PolicyContext {
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
}

const RANK: Record<PolicyVerdict, number> = { allow: 0, prompt: 1, forbidden: 2 }

export function stricter(a: PolicyVerdict, b: PolicyVerdict): PolicyVerdict {
  return RANK[a] >= RANK[b] ? a : b
}

export function rank(v: PolicyVerdict): number {
  return RANK[v]
}
