// The decision function: parses a script (or an argv), judges every command it would run against
// the user's rules and the safe/dangerous heuristics, and keeps the strictest verdict with its why.

import type { BashParser } from '../bash/parser.js'
import { analyseScript, type ScriptAnalysis } from '../bash/script.js'
import {
  DOWNLOADERS,
  dangerReason,
  isHarmlessDevice,
  mayBeDangerous,
  textDanger,
} from '../command/dangerous.js'
import { knownSafeReason } from '../command/safe.js'
import {
  INTERPRETERS,
  inlineScript,
  programName,
  unwrapPrivileged,
  unwrapTransparent,
} from '../command/wrappers.js'
import {
  type CommandDecision,
  type MatchedRule,
  type PolicyContext,
  type PolicyDecision,
  type PolicyVerdict,
  rank,
  stricter,
} from '../types.js'
import { defaultDecision, unclearDecision } from './defaults.js'
import { type PolicyRules, RuleIndex } from './rule-index.js'

/** The bare danger of a judged command, so text scanned as code can cite it in its own reason. */
const dangerWhy = new WeakMap<CommandDecision, string>()

/** Scripts inside scripts (bash -c 'bash -c ...') and text scanned as code stop here. */
const MAX_DEPTH = 4
const MAX_EMBEDDED = 32
const MAX_EMBEDDED_LENGTH = 8192

interface ScriptFacts {
  /** Why the enclosing script is not plain; empty when it is. */
  complexity: string[]
  literal: boolean
  /** False when the program is only known at run time (`$cmd -rf /`). */
  nameLiteral: boolean
  assignments: string[]
}

export class PolicyEngine {
  private readonly index: RuleIndex

  constructor(
    private readonly parser: BashParser,
    rules: PolicyRules = {},
  ) {
    this.index = new RuleIndex(rules)
  }

  /** Judges a shell script (a string) or a command's argv (as exec would run it). */
  evaluate(command: string | readonly string[], ctx: PolicyContext): PolicyDecision {
    if (typeof command === 'string') {
      if (command.trim() === '') return invalid('the script is empty: there is no command to judge', ctx)
      return aggregate(this.judgeScript(command, 0, ctx), ctx)
    }
    if (!Array.isArray(command) || command.some((w) => typeof w !== 'string'))
      return invalid('the command must be a list of strings (argv)', ctx)
    if (command.length === 0 || command[0] === '')
      return invalid('the command is empty: argv[0] names no program', ctx)
    return aggregate(
      this.judgeArgv(
        [...command],
        { complexity: [], literal: true, nameLiteral: true, assignments: [] },
        0,
        ctx,
      ),
      ctx,
    )
  }

  private judgeScript(source: string, depth: number, ctx: PolicyContext): CommandDecision[] {
    if (depth > MAX_DEPTH)
      return [unclear([source], `scripts are nested more than ${MAX_DEPTH} levels deep`, ctx)]
    const analysis = analyseScript(this.parser, source)
    const out: CommandDecision[] = []
    if (analysis.error !== undefined) out.push(unclear([source], analysis.error, ctx))
    for (const command of analysis.commands) {
      if (command.argv.length === 0) continue
      out.push(
        ...this.judgeArgv(
          command.argv,
          {
            complexity: analysis.complexity,
            literal: command.literal,
            nameLiteral: command.nameLiteral,
            assignments: command.assignments,
          },
          depth,
          ctx,
        ),
      )
    }
    out.push(...this.scriptDangers(analysis, depth, ctx))
    if (!out.some((item) => item.dangerous)) {
      // The last net: the words of the text, read without the grammar, name a dangerous command.
      const lexical = textDanger(source)
      if (lexical) {
        const why = `${lexical} (the text reads as that command, though the parser places it elsewhere)`
        const item: CommandDecision = {
          argv: [source],
          ...defaultDecision({ display: show([source]), dangerReason: why }, ctx),
          basis: 'dangerous',
          matchedRules: [],
          knownSafe: false,
          dangerous: true,
        }
        dangerWhy.set(item, why)
        out.push(item)
      }
    }
    if (out.length === 0) out.push(unclear([source], 'the script runs no command', ctx))
    return out
  }

  private judgeArgv(
    argv: string[],
    facts: ScriptFacts,
    depth: number,
    ctx: PolicyContext,
  ): CommandDecision[] {
    const layers = [argv]
    let wrappersHarmless = true
    for (let u = unwrapTransparent(argv); u && layers.length < 8; u = unwrapTransparent(u.inner)) {
      layers.push(u.inner)
      wrappersHarmless &&= u.sideEffectFree
    }
    const effective = layers[layers.length - 1] as string[]
    const matched: MatchedRule[] = []
    for (const layer of layers) this.index.match(layer, false, matched)
    const privileged = unwrapPrivileged(effective)
    if (privileged) this.index.match(privileged, true, matched)

    const inline = inlineScript(effective) ?? (privileged ? inlineScript(privileged) : undefined)
    if (inline) {
      // `bash -lc "a && b"`: judge a and b; the wrapper's own rule matches can only tighten.
      const inner = this.judgeScript(inline.script, depth + 1, ctx)
      const strict = matched.filter((m) => m.decision !== 'allow')
      if (strict.length > 0) inner.push(fromRules(argv, strict, ctx))
      // What is around the shell (sudo, a redirection, an env prefix) is not seen by the inner
      // script's judgement, so nothing inside is auto-approved as safe or by an allow rule.
      const caveat = privileged
        ? `it runs as root through ${programName(effective[0] ?? '')}`
        : !facts.literal
          ? 'the script is only known at run time'
          : (notPlainClause(facts) ??
            (wrappersHarmless ? undefined : 'a wrapper around the shell has effects of its own'))
      if (caveat)
        for (const item of inner) {
          item.knownSafe = false
          if (item.decision === 'allow' && (item.basis === 'known-safe' || item.basis === 'rule'))
            Object.assign(item, defaultDecision({ display: show(item.argv), caveat }, ctx), {
              basis: 'default',
            })
        }
      return inner
    }

    const display = show(argv)
    const danger = dangerReason(argv)
    // `$cmd -rf /`: nothing can be said of a program chosen at run time, so ask.
    if (!facts.nameLiteral && danger === undefined)
      return [unclear(argv, `${display} runs a program whose name is only known at run time`, ctx)]
    const notPlainBecause = notPlainClause(facts)
    const safeReason =
      notPlainBecause === undefined && facts.literal && wrappersHarmless && danger === undefined
        ? knownSafeReason(effective)
        : undefined
    const base = {
      argv,
      knownSafe: safeReason !== undefined,
      dangerous: danger !== undefined,
    }
    if (matched.length > 0) {
      const fromRule = fromRules(argv, matched, ctx)
      if (fromRule.decision !== 'allow' || notPlainBecause === undefined)
        return [{ ...fromRule, knownSafe: base.knownSafe, dangerous: base.dangerous }]
      // An allow rule approves a command, not the redirections and substitutions around it.
      const fallback = defaultDecision(
        { display, ...opt('dangerReason', danger), caveat: notPlainBecause },
        ctx,
      )
      return [
        {
          ...base,
          basis: danger !== undefined ? 'dangerous' : 'default',
          matchedRules: matched,
          decision: fallback.decision,
          reason: `${fallback.reason}; allow rule ${matched.map((m) => `\`${m.rule}\``).join(', ')} only approves plain commands`,
        },
      ]
    }
    const unmatched = defaultDecision(
      {
        display,
        ...opt('safeReason', safeReason),
        ...opt('dangerReason', danger),
        ...opt('caveat', safeReason ? undefined : knownSafeReason(effective) && notPlainBecause),
      },
      ctx,
    )
    const basis = danger !== undefined ? 'dangerous' : safeReason !== undefined ? 'known-safe' : 'default'
    const item: CommandDecision = { ...base, ...unmatched, basis, matchedRules: [] }
    if (danger !== undefined) dangerWhy.set(item, danger)
    return [item]
  }

  /** Dangers that live between commands: curl | sh, bash <(curl ...), fork bombs, writes to devices, code in strings. */
  private scriptDangers(analysis: ScriptAnalysis, depth: number, ctx: PolicyContext): CommandDecision[] {
    const out: CommandDecision[] = []
    const flag = (argv: string[], why: string) => {
      const d = defaultDecision({ display: show(argv), dangerReason: why }, ctx)
      const item: CommandDecision = {
        argv,
        ...d,
        basis: 'dangerous',
        matchedRules: [],
        knownSafe: false,
        dangerous: true,
      }
      dangerWhy.set(item, why)
      out.push(item)
    }
    const { commands } = analysis
    for (const [i, cmd] of commands.entries()) {
      const receiver = innermost(cmd.argv)
      const name = programName(receiver[0] ?? '')
      if (cmd.pipeline && cmd.pipeline.stage > 0 && INTERPRETERS.has(name) && readsStdinAsCode(receiver)) {
        const source = commands.find(
          (c, j) =>
            j < i &&
            c.pipeline?.id === cmd.pipeline?.id &&
            DOWNLOADERS.has(programName(innermost(c.argv)[0] ?? '')),
        )
        if (source)
          flag(cmd.argv, `it runs code downloaded by \`${show(source.argv, false)}\` (piped into ${name})`)
        else {
          // Code generated by the pipeline (`base64 -d | sh`) cannot be read here: ask.
          const item = unclear(
            cmd.argv,
            `${show(cmd.argv)} runs code piped into ${name}, which cannot be checked`,
            ctx,
          )
          out.push(item)
        }
      }
      if (cmd.insideOf !== undefined && DOWNLOADERS.has(programName(innermost(cmd.argv)[0] ?? ''))) {
        const host = commands[cmd.insideOf]
        const hostName = programName(innermost(host?.argv ?? [])[0] ?? '')
        if (host && INTERPRETERS.has(hostName))
          flag(host.argv, `it runs code downloaded by \`${show(cmd.argv, false)}\``)
      }
    }
    for (const fn of analysis.functions)
      if (fn.recursive && fn.forks)
        flag(
          [fn.name],
          `function \`${fn.name}\` calls itself through a pipe or in the background: a fork bomb`,
        )
    for (const r of analysis.redirects)
      if (r.operator.includes('>') && r.target.startsWith('/dev/') && !isHarmlessDevice(r.target))
        flag([r.operator, r.target], `it writes straight to the device ${r.target}`)
    if (depth < MAX_DEPTH) {
      const seen = new Set<string>()
      for (const text of analysis.embedded) {
        if (
          seen.size >= MAX_EMBEDDED ||
          text.length > MAX_EMBEDDED_LENGTH ||
          seen.has(text) ||
          !mayBeDangerous(text)
        )
          continue
        seen.add(text)
        const where = `found in the text ${JSON.stringify(clip(text))}, which the program receiving it may run`
        let found = false
        for (const inner of this.judgeScript(text, depth + 1, ctx)) {
          const why = dangerWhy.get(inner)
          if (why === undefined) continue
          flag(inner.argv, `${why} (${where})`)
          found = true
        }
        const lexical = found ? undefined : textDanger(text)
        if (lexical) flag([text], `${lexical} (${where})`)
      }
    }
    return out
  }
}

/** Why commands of this script cannot be known-safe, as a clause; undefined for a plain script. */
function notPlainClause(facts: ScriptFacts): string | undefined {
  if (facts.complexity.length > 0)
    return `the script uses ${facts.complexity.join(', ')}, so nothing in it counts as known-safe`
  if (facts.assignments.length > 0) return 'an environment assignment changes how it runs'
  return undefined
}

/** The command after sudo and transparent wrappers, to see what actually receives stdin. */
function innermost(argv: string[]): string[] {
  let current = argv
  for (let i = 0; i < 8; i++) {
    const next = unwrapTransparent(current)?.inner ?? unwrapPrivileged(current)
    if (!next) break
    current = next
  }
  return current
}

/** `sh`, `bash -s`, `python3 -` read their program from stdin; `python3 x.py` does not. */
function readsStdinAsCode(argv: string[]): boolean {
  const args = argv.slice(1)
  if (args.includes('-s') || args.includes('-')) return true
  return args.every((a) => a.startsWith('-') && a !== '-c' && a !== '-m' && a !== '-e')
}

function fromRules(argv: string[], matched: MatchedRule[], ctx: PolicyContext): CommandDecision {
  let decision: PolicyVerdict = 'allow'
  for (const m of matched) decision = stricter(decision, m.decision)
  const deciding = matched.filter((m) => m.decision === decision)
  const why = deciding
    .map((m) => `\`${m.rule}\` (${m.source})${m.justification ? `: ${m.justification}` : ''}`)
    .join('; ')
  const verb = decision === 'allow' ? 'allowed' : decision === 'prompt' ? 'needs approval' : 'is forbidden'
  let reason = `${show(argv)} ${verb} by rule ${why}`
  if (decision === 'prompt' && ctx.approvalPolicy === 'never')
    reason += '; approval policy `never` cannot ask'
  return { argv, decision, basis: 'rule', reason, matchedRules: matched, knownSafe: false, dangerous: false }
}

function unclear(argv: string[], why: string, ctx: PolicyContext): CommandDecision {
  const decision = unclearDecision(ctx)
  const tail =
    decision === 'forbidden'
      ? '; approval policy `never` cannot ask, so it is refused'
      : '; asking before running it'
  return {
    argv,
    decision,
    basis: 'unclear',
    reason: `${why}${tail}`,
    matchedRules: [],
    knownSafe: false,
    dangerous: false,
  }
}

function invalid(why: string, ctx: PolicyContext): PolicyDecision {
  const item = unclear([], why, ctx)
  return {
    decision: item.decision,
    reason: item.reason,
    matchedRules: [],
    knownSafe: false,
    dangerous: false,
    commands: [],
  }
}

function aggregate(items: CommandDecision[], _ctx: PolicyContext): PolicyDecision {
  let decision: PolicyVerdict = 'allow'
  for (const item of items) decision = stricter(decision, item.decision)
  // Among equally strict commands, the most telling reason leads: danger, then a rule, then the rest.
  const weight = (i: CommandDecision) => (i.dangerous ? 2 : i.matchedRules.length > 0 ? 1 : 0)
  const deciding = items.filter((i) => rank(i.decision) === rank(decision))
  const first = deciding.reduce((best, i) => (weight(i) > weight(best) ? i : best))
  const more = deciding.length - 1
  const reason =
    more > 0
      ? `${first.reason} (and ${more} more ${more === 1 ? 'command' : 'commands'} ${decision === 'allow' ? 'allowed' : 'like it'})`
      : first.reason
  const matchedRules: MatchedRule[] = []
  const seen = new Set<string>()
  for (const item of items)
    for (const m of item.matchedRules) {
      const key = `${m.source}\0${m.rule}`
      if (!seen.has(key)) {
        seen.add(key)
        matchedRules.push(m)
      }
    }
  return {
    decision,
    reason,
    matchedRules,
    knownSafe: items.length > 0 && items.every((i) => i.knownSafe),
    dangerous: items.some((i) => i.dangerous),
    commands: items,
  }
}

function show(argv: readonly string[], quote = true): string {
  const text = clip(argv.join(' '))
  return quote ? `\`${text}\`` : text
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

function opt<K extends string>(key: K, value: string | undefined | false | 0 | ''): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string }
}
