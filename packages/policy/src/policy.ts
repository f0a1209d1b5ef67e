// The public entry points: a `CommandPolicy` bound to the user's rules (core's port), a
// one-shot `evaluate`, and Claude Code permission checks for any tool call.
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'
import { loadBashParser } from './bash/parser.js'
import { PolicyEngine } from './judge/engine.js'
import { mergePermissionSettings, type PermissionSettings } from './rules/claude-settings.js'
import { type ExecPolicy, mergeExecPolicies } from './rules/exec-policy.js'
import { matchToolRules, type ToolPermissionContext } from './rules/tool-permission.js'
import type { MatchedRule, PolicyContext, PolicyDecision, PolicyVerdict } from './types.js'

export interface PolicyRuleOptions {
  /** Parsed Codex `.rules` files (see `parseRules`, `loadRulesFiles`). */
  rules?: ExecPolicy | readonly ExecPolicy[]
  /** Parsed Claude Code permission settings (see `parsePermissionSettings`, `loadSettingsFiles`). */
  settings?: PermissionSettings | readonly PermissionSettings[]
}

export interface EvaluateContext {
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
  /** Accepted for core's port; command decisions do not depend on it. */
  cwd?: string
}

export interface ToolDecision {
  /** `unmatched`: no permission rule names this (non-Bash) call; apply your own default. */
  decision: PolicyVerdict | 'unmatched'
  reason: string
  matchedRules: MatchedRule[]
  /** For Bash calls: the full judgement of the command. */
  command?: PolicyDecision
}

export interface CommandPolicy {
  /** Judges an argv as exec would run it (`['bash', '-lc', 'a && b']` is unwrapped). */
  evaluate(command: string[], context: EvaluateContext): PolicyDecision
  /** Judges a whole shell script. */
  evaluateScript(script: string, context: EvaluateContext): PolicyDecision
  /**
   * Applies Claude Code permission rules to any tool call; a Bash call (`input.command`) is
   * judged in full, with the rules and the defaults.
   */
  evaluateTool(
    toolName: string,
    toolInput: Record<string, unknown>,
    context: EvaluateContext & ToolPermissionContext,
  ): ToolDecision
}

/** Loads the bash parser once (about 15-30 ms) and returns a policy bound to `options`. */
export async function createCommandPolicy(options: PolicyRuleOptions = {}): Promise<CommandPolicy> {
  const parser = await loadBashParser()
  const rules = engineRules(options)
  const { settings } = rules
  const engine = new PolicyEngine(parser, rules)
  return {
    evaluate: (command, context) => engine.evaluate(command, contextOf(context)),
    evaluateScript: (script, context) => engine.evaluate(script, contextOf(context)),
    evaluateTool(toolName, toolInput, context) {
      if (toolName === 'Bash') {
        const command = toolInput.command
        const decision = engine.evaluate(typeof command === 'string' ? command : '', contextOf(context))
        return {
          decision: decision.decision,
          reason: decision.reason,
          matchedRules: decision.matchedRules,
          command: decision,
        }
      }
      return matchToolRules(toolName, toolInput, settings, context)
    },
  }
}

/** `CommandPolicy` with decisions as promises: see `createDeferredCommandPolicy`. */
export interface DeferredCommandPolicy {
  evaluate(command: string[], context: EvaluateContext): Promise<PolicyDecision>
  evaluateScript(script: string, context: EvaluateContext): Promise<PolicyDecision>
}

/** Thrown by the stand-in parser: this decision needs the real grammar. */
const NEEDS_GRAMMAR = Symbol('needs the bash grammar')

/**
 * A policy that is ready at once, before the bash grammar (~15-30 ms of wasm) has loaded. A
 * command the rules can judge without parsing shell (a plain argv such as `['echo', 'hi']`, the
 * usual shape of a tool call) is judged immediately; the first one that needs the grammar (a
 * script, `bash -lc ...`) loads it and waits. Decisions are the same as `createCommandPolicy`'s:
 * the same engine runs, with a stand-in parser that stops it at the first parse.
 */
export function createDeferredCommandPolicy(options: PolicyRuleOptions = {}): DeferredCommandPolicy {
  const rules = engineRules(options)
  const early = new PolicyEngine(
    {
      parse() {
        throw NEEDS_GRAMMAR
      },
    },
    rules,
  )
  let engine: PolicyEngine | undefined
  const judge = async (command: string | string[], context: EvaluateContext): Promise<PolicyDecision> => {
    const ctx = contextOf(context)
    if (!engine) {
      try {
        return early.evaluate(command, ctx)
      } catch (error) {
        if (error !== NEEDS_GRAMMAR) throw error
      }
      engine = new PolicyEngine(await loadBashParser(), rules)
    }
    return engine.evaluate(command, ctx)
  }
  return { evaluate: judge, evaluateScript: judge }
}

export interface EvaluateOptions extends PolicyRuleOptions {
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
}

/**
 * One-shot decision for a script (string) or an argv (array). Loads the parser on first use;
 * for many calls, `createCommandPolicy` binds the rules once.
 */
export async function evaluate(
  command: string | readonly string[],
  options: EvaluateOptions,
): Promise<PolicyDecision> {
  const parser = await loadBashParser()
  return new PolicyEngine(parser, engineRules(options)).evaluate(command, contextOf(options))
}

/**
 * Claude Code permission rules for one tool call (`Read`, `Edit`, `WebFetch`, `mcp__server__tool`,
 * ..., and `Bash`, which is judged in full under `approvalPolicy`/`sandboxPolicy`).
 */
export async function evaluateToolPermission(
  toolName: string,
  toolInput: Record<string, unknown>,
  settings: PermissionSettings | readonly PermissionSettings[],
  context: Partial<EvaluateContext> & ToolPermissionContext = {},
): Promise<ToolDecision> {
  const merged = mergePermissionSettings(toList(settings))
  if (toolName !== 'Bash') return matchToolRules(toolName, toolInput, merged, context)
  const policy = await createCommandPolicy({ settings: merged })
  return policy.evaluateTool(toolName, toolInput, {
    approvalPolicy: context.approvalPolicy ?? 'on-request',
    sandboxPolicy: context.sandboxPolicy ?? {
      type: 'workspace-write',
      writable_roots: [],
      network_access: false,
    },
    ...context,
  })
}

/** The user's rule files and settings, merged the way every engine takes them. */
function engineRules(options: PolicyRuleOptions) {
  return {
    execPolicy: mergeExecPolicies(toList(options.rules)),
    settings: mergePermissionSettings(toList(options.settings)),
  }
}

/** What a decision depends on, from a caller's context (which may carry more, such as `cwd`). */
function contextOf(context: Pick<EvaluateContext, 'approvalPolicy' | 'sandboxPolicy'>): PolicyContext {
  return { approvalPolicy: context.approvalPolicy, sandboxPolicy: context.sandboxPolicy }
}

function toList<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T]
}
