// Codex's execpolicy `.rules` format: `prefix_rule(pattern=[...], decision=..., justification=...,
// match=[...], not_match=[...])` and `host_executable(name=..., paths=[...])`. The examples in
// `match` / `not_match` are checked when the file loads, like unit tests of the rule.
import { describeError, PolicyError } from '../errors.js'
import type { PolicyVerdict } from '../types.js'
import { parseStarlarkCalls, type StarCall, type StarValue } from './starlark.js'

export interface PrefixRule {
  /** Tokens matched in order; an array is a set of alternatives for that position. */
  pattern: (string | string[])[]
  decision: PolicyVerdict
  justification?: string
  /** File the rule came from and the line of its `prefix_rule(`. */
  source: string
  line: number
}

export interface ExecPolicy {
  rules: PrefixRule[]
  /** `host_executable`: absolute paths that count as the named program for matching. */
  hostExecutables: Map<string, string[]>
}

/** Splits a `match` example given as a string into words, the way a shell would. */
export type ExampleTokenizer = (example: string) => string[]

const DECISIONS = new Set<PolicyVerdict>(['allow', 'prompt', 'forbidden'])

/** Parses one `.rules` file. Throws a PolicyError (`rules_syntax` or `rules_example`) naming the line. */
export function parseExecPolicy(text: string, source: string, tokenizeExample: ExampleTokenizer): ExecPolicy {
  const policy: ExecPolicy = { rules: [], hostExecutables: new Map() }
  for (const call of parseStarlarkCalls(text, source)) {
    if (call.name === 'prefix_rule') policy.rules.push(...prefixRule(call, source, tokenizeExample))
    else if (call.name === 'host_executable') hostExecutable(call, source, policy)
    else
      throw new PolicyError(
        'rules_syntax',
        `${source}:${call.line}: unknown function \`${call.name}\`; this checker supports prefix_rule(...) and host_executable(...)`,
      )
  }
  return policy
}

/** Merges several parsed files into one policy, in order. */
export function mergeExecPolicies(policies: ExecPolicy[]): ExecPolicy {
  const merged: ExecPolicy = { rules: [], hostExecutables: new Map() }
  for (const p of policies) {
    merged.rules.push(...p.rules)
    for (const [name, paths] of p.hostExecutables)
      merged.hostExecutables.set(name, [...(merged.hostExecutables.get(name) ?? []), ...paths])
  }
  return merged
}

/** True when `argv` starts with the rule's pattern. */
export function prefixRuleMatches(rule: PrefixRule, argv: readonly string[]): boolean {
  if (argv.length < rule.pattern.length) return false
  for (let i = 0; i < rule.pattern.length; i++) {
    const want = rule.pattern[i] as string | string[]
    const got = argv[i] as string
    if (typeof want === 'string' ? want !== got : !want.includes(got)) return false
  }
  return true
}

/** The rule as the user wrote its pattern, for reasons: `git push|fetch`. */
export function describePrefixRule(rule: PrefixRule): string {
  return rule.pattern.map((t) => (typeof t === 'string' ? t : t.join('|'))).join(' ')
}

const KNOWN_ARGS = new Set(['pattern', 'decision', 'justification', 'match', 'not_match'])

function prefixRule(call: StarCall, source: string, tokenizeExample: ExampleTokenizer): PrefixRule[] {
  const at = `${source}:${call.line}`
  for (const key of call.args.keys())
    if (!KNOWN_ARGS.has(key))
      throw new PolicyError(
        'rules_syntax',
        `${at}: prefix_rule has no argument \`${key}\` (expected pattern, decision, justification, match, not_match)`,
      )
  const patternValue = call.args.get('pattern')
  if (!patternValue)
    throw new PolicyError('rules_syntax', `${at}: prefix_rule needs pattern = ["program", ...]`)
  if (patternValue.kind !== 'list' || patternValue.items.length === 0)
    throw new PolicyError(
      'rules_syntax',
      `${at}: pattern must be a non-empty list of strings (or lists of alternative strings)`,
    )
  const pattern = patternValue.items.map((item): string | string[] => {
    if (item.kind === 'string') return item.value
    if (item.items.length === 0 || item.items.some((alt) => alt.kind !== 'string'))
      throw new PolicyError(
        'rules_syntax',
        `${source}:${item.line}: a list inside pattern holds alternatives and must be a non-empty list of strings`,
      )
    return item.items.map((alt) => (alt as { value: string }).value)
  })
  const decisionText = stringArg(call, 'decision', at) ?? 'allow'
  if (!DECISIONS.has(decisionText as PolicyVerdict))
    throw new PolicyError(
      'rules_syntax',
      `${at}: decision must be "allow", "prompt" or "forbidden", not ${JSON.stringify(decisionText)}`,
    )
  const justification = stringArg(call, 'justification', at)
  // Alternatives in the first position become one rule per program, as Codex indexes rules by program.
  const firsts = typeof pattern[0] === 'string' ? [pattern[0]] : (pattern[0] as string[])
  const rules = firsts.map((first): PrefixRule => {
    const rule: PrefixRule = {
      pattern: [first, ...pattern.slice(1)],
      decision: decisionText as PolicyVerdict,
      source,
      line: call.line,
    }
    if (justification !== undefined) rule.justification = justification
    return rule
  })
  const whole: PrefixRule = { ...(rules[0] as PrefixRule), pattern }
  for (const [key, mustMatch] of [
    ['match', true],
    ['not_match', false],
  ] as const) {
    const examples = call.args.get(key)
    if (!examples) continue
    if (examples.kind !== 'list')
      throw new PolicyError('rules_syntax', `${at}: ${key} must be a list of examples`)
    for (const example of examples.items) {
      const argv = exampleArgv(example, source, tokenizeExample)
      if (prefixRuleMatches(whole, argv) !== mustMatch)
        throw new PolicyError(
          'rules_example',
          `${source}:${example.line}: the ${key} example ${JSON.stringify(argv.join(' '))} ${mustMatch ? 'does not match' : 'matches'} ` +
            `prefix_rule [${describePrefixRule(whole)}] (line ${call.line}); fix the pattern or the example`,
        )
    }
  }
  return rules
}

function exampleArgv(example: StarValue, source: string, tokenizeExample: ExampleTokenizer): string[] {
  if (example.kind === 'string') {
    try {
      return tokenizeExample(example.value)
    } catch (error) {
      throw new PolicyError(
        'rules_syntax',
        `${source}:${example.line}: example ${JSON.stringify(example.value)}: ${describeError(error)}`,
      )
    }
  }
  if (example.items.some((w) => w.kind !== 'string'))
    throw new PolicyError(
      'rules_syntax',
      `${source}:${example.line}: an example must be a string or a list of strings`,
    )
  return example.items.map((w) => (w as { value: string }).value)
}

function stringArg(call: StarCall, key: string, at: string): string | undefined {
  const value = call.args.get(key)
  if (value === undefined) return undefined
  if (value.kind !== 'string') throw new PolicyError('rules_syntax', `${at}: ${key} must be a string`)
  return value.value
}

function hostExecutable(call: StarCall, source: string, policy: ExecPolicy): void {
  const at = `${source}:${call.line}`
  const name = stringArg(call, 'name', at)
  const paths = call.args.get('paths')
  if (!name || name.includes('/'))
    throw new PolicyError('rules_syntax', `${at}: host_executable needs name = "program" (a bare name)`)
  if (paths?.kind !== 'list' || paths.items.some((p) => p.kind !== 'string' || !p.value.startsWith('/')))
    throw new PolicyError('rules_syntax', `${at}: host_executable needs paths = ["/absolute/path", ...]`)
  for (const key of call.args.keys())
    if (key !== 'name' && key !== 'paths')
      throw new PolicyError('rules_syntax', `${at}: host_executable has no argument \`${key}\``)
  const list = policy.hostExecutables.get(name) ?? []
  list.push(...paths.items.map((p) => (p as { value: string }).value))
  policy.hostExecutables.set(name, list)
}
