// @agent/plugins: Claude-Code-compatible plugins. Loads commands, subagents, skills, hooks,
// MCP server configs and permissions from every source, runs hooks with Claude Code's
// protocol, and turns skills, commands and subagents into tools and prompts.
export { formatDiagnostic, type PluginDiagnostic } from './diagnostics.js'
export { HOOK_EVENTS, type HookEvent, type HookRegistration } from './hook-config.js'
export type { HookReloadSource } from './hook-reload.js'
export type { HookProcessResult, PermissionDecision } from './hook-result.js'
export {
  CommandHookRunner,
  createHookRunner,
  DEFAULT_HOOK_OUTPUT_BYTES,
  DEFAULT_HOOK_TIMEOUT_SEC,
  type HookInput,
  type HookOutcome,
  type HookRunnerOptions,
  type RunHookProcess,
} from './hook-runner.js'
export { type LoadedPlugins, type LoadPluginsOptions, loadPlugins } from './loader.js'
export type { AgentDefinition, Skill, SlashCommand } from './markdown-components.js'
export { type CompiledMatcher, compileMatcher, matches } from './matcher.js'
export { type Resolved, resolveByName } from './names.js'
export { type ComponentOrigin, type SourceScope, substitutePluginRoot } from './origin.js'
export type { PluginInfo } from './plugin-dir.js'
export type { SkippedProjectSetting } from './project-trust.js'
export type { McpServerEntry, PermissionsEntry } from './settings-files.js'
export { createSkillTool, type SkillArgs, skillBudgetChars, skillsContextText } from './skills-tool.js'
export {
  type ExpandError,
  type ExpandedCommand,
  type ExpandOptions,
  type ExpandResult,
  expandSlashCommand,
  parseSlashInput,
  type RunShell,
  type ShellOutput,
  splitArguments,
  substituteArguments,
} from './slash-commands.js'
export {
  createTaskTool,
  GENERAL_PURPOSE_AGENT,
  type SubagentRequest,
  type SubagentResult,
  type SubagentStopHooks,
  type TaskArgs,
  type TaskToolDefinition,
  type TaskToolOptions,
} from './task-tool.js'
export type { PluginToolContext, PluginToolDefinition, PluginToolOutput } from './tool-contract.js'
