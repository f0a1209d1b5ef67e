// @agent/sandbox: confine a command to a SandboxPolicy — bubblewrap + seccomp on Linux,
// Seatbelt on macOS — failing closed when the machine cannot.

export {
  BWRAP_ENV,
  type BwrapCandidate,
  type BwrapChoice,
  bundledBwrapPath,
} from './bwrap-binary.js'
export { EXIT_SANDBOX_FAILED, EXIT_USAGE, runSandboxCli, type SandboxCliIo } from './cli.js'
export { isLikelySandboxDenial } from './denial.js'
export { type DetectOptions, detectSandbox, type SandboxBackend, type SandboxSupport } from './detect.js'
export { SandboxError, type SandboxErrorKind } from './errors.js'
export {
  auditGitDirectories,
  describeGitAudit,
  type GitAuditFinding,
  type GitAuditOptions,
  type GitAuditResult,
} from './git-audit.js'
export {
  DEFAULT_PROTECTED_NAMES,
  defaultHiddenPaths,
  type MountPlan,
  type MountPlanOptions,
  planMounts,
} from './mounts.js'
export { type NetworkProxy, type NetworkProxyOptions, startNetworkProxy } from './proxy/server.js'
export type { ManagedSandbox } from './sandbox.js'
export {
  auditAfterCommand,
  createSandbox,
  type SandboxOptions,
  SECCOMP_FD,
  wrapCommand,
} from './sandbox.js'
export { type SeatbeltProfile, seatbeltArgv, seatbeltProfile } from './seatbelt.js'
export { buildSeccompFilter, DENIED_SYSCALLS, type SeccompFilterOptions } from './seccomp/filter.js'
export { hostSeccompArch, type SeccompArch } from './seccomp/syscalls.js'
export { spawnWrapped } from './spawn.js'
export type { CommandToWrap, RunOutcome, Sandbox, WrappedCommand } from './types.js'
