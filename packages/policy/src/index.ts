// @agent/policy: decide whether a shell command may run, and say why.
export { loadBashParser } from './bash/parser.js'
export { answerHook, type HookAnswer } from './cli/hook.js'
export { type CliIo, EXIT_ERROR, EXIT_FORBIDDEN, EXIT_PROMPT, runPolicyCli } from './cli/run.js'
export { dangerReason } from './command/dangerous.js'
export { knownSafeReason } from './command/safe.js'
export { PolicyError, type PolicyErrorKind } from './errors.js'
export { loadRulesFiles, loadSettingsFiles, parseRules } from './load.js'
export {
  type CommandPolicy,
  createCommandPolicy,
  createDeferredCommandPolicy,
  type DeferredCommandPolicy,
  type EvaluateContext,
  type EvaluateOptions,
  evaluate,
  evaluateToolPermission,
  type PolicyRuleOptions,
  type ToolDecision,
} from './policy.js'
export {
  bashSpecifierMatches,
  type PermissionList,
  type PermissionRule,
  type PermissionSettings,
  parsePermissionSettings,
} from './rules/claude-settings.js'
export { type ExecPolicy, type PrefixRule, prefixRuleMatches } from './rules/exec-policy.js'
export {
  EDIT_TOOLS,
  pathRuleMatches,
  READ_TOOLS,
  type ToolPermissionContext,
} from './rules/tool-permission.js'
export type {
  CommandDecision,
  DecisionBasis,
  MatchedRule,
  PolicyContext,
  PolicyDecision,
  PolicyVerdict,
} from './types.js'
