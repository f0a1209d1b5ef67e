// The package's front door: a policy plus a command in, a confined command out. Fails closed:
// if the machine cannot provide the sandbox the policy asks for, wrapping rejects.
import { SandboxPolicy } from '@agent/protocol'
import { bwrapArgv, networkAllowed } from './bwrap.js'
import { isLikelySandboxDenial } from './denial.js'
import { detectSandbox, SANDBOX_EXEC_PATH } from './detect.js'
import { SandboxError } from './errors.js'
import { DEFAULT_PROTECTED_NAMES, planMounts } from './mounts.js'
import { seatbeltArgv, seatbeltProfile } from './seatbelt.js'
import { buildSeccompFilter } from './seccomp/filter.js'
import type { CommandToWrap, Sandbox, WrappedCommand } from './types.js'

export interface SandboxOptions {
  /**
   * Extra paths kept read-only inside writable roots, added to `.git` and `.agent`: relative
   * names are looked up at the top of every writable root, absolute paths are taken as they are.
   */
  protectedPaths?: readonly string[]
  /** Use this bwrap binary instead of the one on PATH. */
  bwrapPath?: string
}

/** The fd on which bwrap reads the seccomp program. */
export const SECCOMP_FD = 3

/** A sandbox that satisfies core's `Sandbox` port. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return {
    wrapCommand: (policy, command) => wrapCommand(policy, command, options),
    isLikelySandboxDenial,
  }
}

/** Rewrites `command` to run confined by `policy`; `danger-full-access` returns it unchanged. */
export async function wrapCommand(
  policy: SandboxPolicy,
  command: CommandToWrap,
  options: SandboxOptions = {},
): Promise<WrappedCommand> {
  const parsed = SandboxPolicy.safeParse(policy)
  if (!parsed.success) {
    throw new SandboxError(
      'invalid_request',
      `invalid sandbox policy: ${parsed.error.issues.map(describeIssue).join('; ')}`,
    )
  }
  const checked = parsed.data
  if (command.argv.length === 0 || !command.argv[0]) {
    throw new SandboxError(
      'invalid_request',
      'cannot sandbox an empty command: argv needs at least the program',
    )
  }
  if (checked.type === 'danger-full-access') {
    return { argv: [...command.argv], env: { ...command.env }, fds: [] }
  }

  const support = await detectSandbox(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {})
  if (!support.available) {
    throw new SandboxError('unavailable', `cannot run in a ${checked.type} sandbox: ${support.message}`)
  }
  const plan = planMounts(checked, command, {
    protectedPaths: [...DEFAULT_PROTECTED_NAMES, ...(options.protectedPaths ?? [])],
  })
  const network = networkAllowed(checked)
  const env: Record<string, string> = { ...command.env, AGENT_SANDBOX: support.backend ?? 'unknown' }
  if (!network) env.AGENT_SANDBOX_NETWORK_DISABLED = '1'

  if (support.backend === 'seatbelt') {
    const profile = seatbeltProfile(plan, { network })
    return { argv: seatbeltArgv(command.argv, profile, SANDBOX_EXEC_PATH), env, fds: [] }
  }
  if (support.backend !== 'bwrap' || !support.bwrapPath || !support.seccompArch) {
    throw new SandboxError('unavailable', `cannot run in a ${checked.type} sandbox: ${support.message}`)
  }
  const argv = bwrapArgv(command.argv, {
    bwrapPath: support.bwrapPath,
    plan,
    cwd: command.cwd,
    network,
    disableUserns: support.disableUserns,
    seccompFd: SECCOMP_FD,
  })
  const filter = buildSeccompFilter({ arch: support.seccompArch, allowNetwork: network })
  return { argv, env, fds: [{ fd: SECCOMP_FD, data: filter }] }
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message
}
