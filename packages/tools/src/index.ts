// @agent/tools — the built-in tools of the agent runtime: the Codex toolset, the Claude toolset,
// the apply_patch engine (also `agent apply-patch`) and the workspace tracker behind turn diffs
// and undo.
export type { AffectedPaths, ApplyOutcome, PlannedChange } from './apply-patch/apply.js'
export {
  applyChunks,
  applyHunksInOrder,
  commitPlanned,
  formatSummary,
  PatchApplyError,
  planPatch,
  toFileChanges,
} from './apply-patch/apply.js'
export type { ApplyPatchCliOptions } from './apply-patch/cli.js'
export { runApplyPatchCli } from './apply-patch/cli.js'
export type { ApplyPatchInvocation } from './apply-patch/invocation.js'
export { IMPLICIT_INVOCATION_MESSAGE, parseApplyPatchInvocation } from './apply-patch/invocation.js'
export type { ParsedPatch, PatchHunk, UpdateChunk } from './apply-patch/parser.js'
export { PatchParseError, parsePatch } from './apply-patch/parser.js'
export { seekSequence } from './apply-patch/seek-sequence.js'
export type { ClaudeToolsetOptions } from './claude/index.js'
export { claudeToolset } from './claude/index.js'
export type { TodoItem } from './claude/todo-write.js'
export { currentTodos } from './claude/todo-write.js'
export type { CodexToolsetOptions } from './codex/index.js'
export { codexToolset } from './codex/index.js'
export type { TextFileSystem } from './shared/file-system.js'
export { diskFileSystem, withFileSystem } from './shared/file-system.js'
export {
  createClaudeWebFetchTool,
  createCodexWebFetchTool,
  hostAllowed,
  WEB_FETCH_DEFAULTS,
  type WebFetchOptions,
} from './shared/web-fetch.js'
export type { ToolsetName } from './toolset.js'
export {
  createToolset,
  parseToolsetName,
  TOOLSET_NAMES,
  ToolsetError,
  toolsetForProvider,
} from './toolset.js'
export type { FileWorkspaceTracker, TrackedSnapshot, WorkspaceTrackerOptions } from './workspace/tracker.js'
export { createWorkspaceTracker, WorkspaceTrackerError } from './workspace/tracker.js'
export type { WalkLimits } from './workspace/walk-tracker.js'
