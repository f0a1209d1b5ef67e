// @agent/core — the embeddable agent: the queue pair (`createAgent`), turns, the tool router and
// orchestrator, approvals, hooks, sessions and their rollouts. Everything concrete (model, runner,
// sandbox, policy, MCP, hooks) comes in through the ports declared here.

export { DEFAULT_COMPACTION_THRESHOLD, estimateTokens } from './agent/compaction.js'
export type { Agent } from './agent/create-agent.js'
export { createAgent } from './agent/create-agent.js'
export type { ProjectDoc, ProjectDocOptions } from './agent/instructions.js'
export {
  DEFAULT_BASE_INSTRUCTIONS,
  findRepoRoot,
  readProjectDocs,
  renderEnvironmentContext,
} from './agent/instructions.js'
export type { AgentOptions, SessionStart } from './agent/options.js'
export type { Action, CommandDecision } from './orchestration/decision-table.js'
export { DECISION_TABLE, decideCommand } from './orchestration/decision-table.js'
export type { ExecOutputFormatter } from './orchestration/format.js'
export { formatExecResult } from './orchestration/format.js'
export type { Clock } from './ports/clock.js'
export { systemClock } from './ports/clock.js'
export type { HookEventName, HookInput, HookOutcome, HookRunner } from './ports/hooks.js'
export type { CommandPolicy, PolicyDecision, PolicyVerdict } from './ports/policy.js'
export type { CommandRunner, ProcessSessions, RunRequest, RunResult } from './ports/runner.js'
export type { Sandbox, WrappedCommand } from './ports/sandbox.js'
export type { ApprovalAnswer, ApprovalGate, ApprovalWait, StepJournal } from './ports/step-journal.js'
export { directJournal } from './ports/step-journal.js'
export type { ProvidedTool, ProvidedToolResult, ToolProvider } from './ports/tool-provider.js'
export type { WorkspaceSnapshot, WorkspaceTracker } from './ports/workspace.js'
export { defaultAgentHome, JsonlSessionStore, loadRolloutFile } from './store/jsonl-store.js'
export { MemorySessionStore } from './store/memory-store.js'
export type { RestoredState } from './store/rollout-history.js'
export { forkLines, restoreFromRollout } from './store/rollout-history.js'
export type { LoadedSession, SessionStore, SessionSummary, SessionWriter } from './store/session-store.js'
export { SessionNotFoundError } from './store/session-store.js'
export type {
  ApprovalQuestion,
  AttemptState,
  ExecOutcome,
  ExecRequest,
  PatchApproval,
  PatchApprovalRequest,
  ToolContext,
  ToolDefinition,
  ToolOutput,
} from './tools/contract.js'
export { defineTool } from './tools/contract.js'
export { ToolRejectedError } from './tools/errors.js'
