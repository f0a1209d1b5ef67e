// @agent/core — the agent. So far: the ports it needs (implemented by the leaf packages) and
// the tool contract. The agent itself (createAgent) lands with its issue.
export type { Clock } from './ports/clock.js'
export { systemClock } from './ports/clock.js'
export type { HookEventName, HookInput, HookOutcome, HookRunner } from './ports/hooks.js'
export type { CommandPolicy, PolicyDecision, PolicyVerdict } from './ports/policy.js'
export type { CommandRunner, ProcessSessions, RunRequest, RunResult } from './ports/runner.js'
export type { Sandbox, WrappedCommand } from './ports/sandbox.js'
export type { ProvidedTool, ProvidedToolResult, ToolProvider } from './ports/tool-provider.js'
export type { WorkspaceSnapshot, WorkspaceTracker } from './ports/workspace.js'
export type {
  ExecOutcome,
  ExecRequest,
  PatchApproval,
  PatchApprovalRequest,
  ToolContext,
  ToolDefinition,
  ToolOutput,
} from './tools/contract.js'
export { ToolRejectedError } from './tools/errors.js'
