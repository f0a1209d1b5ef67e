// @agent/exec: run processes the way a coding agent needs them run.
export { DEFAULT_MAX_CAPTURE_BYTES, HeadTailCapture } from './capture.js'
export {
  type BuildChildEnvOptions,
  buildChildEnv,
  CORE_ENV_VARS,
  DEFAULT_SECRET_PATTERNS,
  EnvPolicyError,
  NON_INTERACTIVE_ENV,
  parseShellEnvironmentPolicy,
  ShellEnvironmentPolicy,
  type ShellEnvironmentPolicyInput,
} from './env-policy.js'
export { ESCAPE_MARKER_VAR } from './escape-marker.js'
export {
  countLines,
  DEFAULT_MODEL_OUTPUT_BYTES,
  type FormatForModelOptions,
  type FormattableResult,
  formatForModel,
  truncateMiddle,
} from './format.js'
export { collectProcessTree, type KillTreeResult, killProcessTree } from './process-tree.js'
export {
  type CommandRunnerDefaults,
  createCommandRunner,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_OUTPUT_DELTAS,
  runCommand,
  TIMEOUT_EXIT_CODE,
} from './run-command.js'
export {
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_BUFFER_BYTES,
  END_OF_INPUT,
  ProcessSessionError,
  type ProcessSessionErrorKind,
  ProcessSessionManager,
  type ProcessSessionManagerOptions,
  type ReadSessionOptions,
  type ReadSessionResult,
  type SessionInfo,
  type StartSessionRequest,
} from './sessions.js'
export { ServedChild, SpawnServer, type SpawnServerRequest, sharedSpawnServer } from './spawn-server.js'
export { locateProgram } from './spawn-support.js'
export type { ExtraFd, OutputChunk, RunCommandOptions, RunCommandResult, RunErrorKind } from './types.js'
