// Looks up which user rules (Codex prefix rules, Claude Code Bash rules) match one command.
// Rules that could make a decision less strict only ever match the exact words; seeing through
// sudo or a path (`/tmp/x/git`) can only add prompt/forbidden matches.

import { programName } from '../command/wrappers.js'
import { bashSpecifierMatches, LIST_DECISION, type PermissionSettings } from '../rules/claude-settings.js'
import {
  describePrefixRule,
  type ExecPolicy,
  type PrefixRule,
  prefixRuleMatches,
} from '../rules/exec-policy.js'
import type { MatchedRule } from '../types.js'

export interface PolicyRules {
  execPolicy?: ExecPolicy
  settings?: PermissionSettings
}

export class RuleIndex {
  private byProgram = new Map<string, PrefixRule[]>()
  private hostExecutables: Map<string, string[]>
  private bashRules: PermissionSettings['rules']

  constructor(rules: PolicyRules) {
    for (const rule of rules.execPolicy?.rules ?? []) {
      const first = rule.pattern[0] as string
      const list = this.byProgram.get(first) ?? []
      list.push(rule)
      this.byProgram.set(first, list)
    }
    this.hostExecutables = rules.execPolicy?.hostExecutables ?? new Map()
    this.bashRules = (rules.settings?.rules ?? []).filter((r) => r.tool === 'Bash')
  }

  get empty(): boolean {
    return this.byProgram.size === 0 && this.bashRules.length === 0
  }

  /**
   * Rules matching `argv`. With `strictOnly`, allow matches are dropped: used for the command
   * under sudo and for path-qualified programs that no host_executable vouches for.
   */
  match(argv: readonly string[], strictOnly: boolean, out: MatchedRule[]): void {
    const arg0 = argv[0]
    if (arg0 === undefined) return
    this.matchPrefix(argv, strictOnly, out)
    if (arg0.includes('/')) {
      const name = programName(arg0)
      const vouched = this.hostExecutables.get(name)?.includes(arg0) ?? false
      this.matchPrefix([name, ...argv.slice(1)], strictOnly || !vouched, out)
    }
    if (this.bashRules.length > 0) {
      const text = argv.join(' ')
      for (const rule of this.bashRules) {
        if (strictOnly && rule.list === 'allow') continue
        if (bashSpecifierMatches(rule.specifier, text))
          out.push({
            source: `${rule.source} (permissions.${rule.list})`,
            rule: rule.text,
            decision: LIST_DECISION[rule.list],
          })
      }
    }
  }

  private matchPrefix(argv: readonly string[], strictOnly: boolean, out: MatchedRule[]): void {
    for (const rule of this.byProgram.get(argv[0] as string) ?? []) {
      if (strictOnly && rule.decision === 'allow') continue
      if (!prefixRuleMatches(rule, argv)) continue
      const matched: MatchedRule = {
        source: `${rule.source}:${rule.line}`,
        rule: describePrefixRule(rule),
        decision: rule.decision,
      }
      if (rule.justification !== undefined) matched.justification = rule.justification
      out.push(matched)
    }
  }
}
