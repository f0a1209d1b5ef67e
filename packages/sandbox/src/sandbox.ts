// The package's front door: a policy plus a command in, a confined command out. Fails closed:
// if the machine cannot provide the sandbox the policy asks for, wrapping rejects.
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { SandboxPolicy } from '@agent/protocol'
import { bwrapArgv, networkAllowed } from './bwrap.js'
import type { BwrapChoice } from './bwrap-binary.js'
import { isLikelySandboxDenial } from './denial.js'
import { detectSandbox, SANDBOX_EXEC_PATH } from './detect.js'
import { SandboxError } from './errors.js'
import { auditGitDirectories, describeGitAudit } from './git-audit.js'
import { DEFAULT_PROTECTED_NAMES, planMounts } from './mounts.js'
import { compileAllowlist } from './proxy/allowlist.js'
import { bridgeArgv } from './proxy/bridge.js'
import { type NetworkProxy, startNetworkProxy } from './proxy/server.js'
import { seatbeltArgv, seatbeltProfile } from './seatbelt.js'
import { buildSeccompFilter } from './seccomp/filter.js'
import type { SeccompArch } from './seccomp/syscalls.js'
import type { CommandToWrap, Sandbox, WrappedCommand } from './types.js'

export interface SandboxOptions {
  /**
   * Extra paths kept read-only inside writable roots, added to `.git` and `.agent`: relative
   * names are looked up at the top of every writable root, absolute paths are taken as they are.
   */
  protectedPaths?: readonly string[]
  /** Use this bwrap binary instead of the one on PATH. */
  bwrapPath?: string
  /**
   * Which bwrap when `bwrapPath` is not given: `auto` (the system's, else the static one shipped
   * in `@agent/sandbox-linux-x64`), `system` or `bundled`. Default: AGENT_SANDBOX_BWRAP, else auto.
   */
  bwrap?: BwrapChoice
  /**
   * Absolute paths masked in every sandbox besides the policy's `deny_read`. Default:
   * `defaultHiddenPaths(env)` (Docker, containerd, Podman, systemd, D-Bus, snapd and X11 sockets).
   * Pass `[]` to expose them.
   */
  hiddenPaths?: readonly string[]
  /**
   * Network allowlist (Linux): when a policy has the network off, commands may still reach these
   * hosts through an HTTP proxy ("example.com", "*.example.com", IP addresses). `createSandbox`
   * starts the proxy on first use; `close()` stops it.
   */
  allowedDomains?: readonly string[]
  /**
   * For `wrapCommand` without `createSandbox`: the Unix socket of a proxy you started with
   * `startNetworkProxy`. Ignored when the policy allows the network.
   */
  proxySocketPath?: string
}

/** A `Sandbox` that may own a network proxy. */
export interface ManagedSandbox extends Sandbox {
  /**
   * Call after a sandboxed command ended (its process tree gone), with the time it started:
   * disarms git hooks and config keys it planted in repositories inside the writable roots
   * (`auditGitDirectories`). Returns a message for the model and the user, or null.
   */
  afterCommand(policy: SandboxPolicy, command: CommandToWrap, startedAt: number): Promise<string | null>
  /** The running proxy, if `allowedDomains` was given and a command needed it. */
  readonly proxy: NetworkProxy | null
  /** Stops the proxy, if any. The sandbox can still wrap commands afterwards (it restarts it). */
  close(): Promise<void>
}

/** The fd on which bwrap reads the seccomp program. */
export const SECCOMP_FD = 3

/** A sandbox that satisfies core's `Sandbox` port. */
export function createSandbox(options: SandboxOptions = {}): ManagedSandbox {
  if (options.allowedDomains) compileAllowlist(options.allowedDomains) // reject bad entries now
  let proxy: Promise<NetworkProxy> | null = null
  let running: NetworkProxy | null = null
  const ensureProxy = async () => {
    proxy ??= startNetworkProxy({ allowedDomains: options.allowedDomains ?? [] }).then(
      (p) => {
        running = p
        return p
      },
      (error: unknown) => {
        proxy = null // let the next command try again
        throw new SandboxError('unavailable', `cannot start the network allowlist proxy: ${String(error)}`)
      },
    )
    return proxy
  }
  return {
    get proxy() {
      return running
    },
    async wrapCommand(policy, command) {
      if (!options.allowedDomains || networkAllowed(policy) || policy.type === 'danger-full-access') {
        return wrapCommand(policy, command, options)
      }
      const { socketPath } = await ensureProxy()
      return wrapCommand(policy, command, { ...options, proxySocketPath: socketPath })
    },
    isLikelySandboxDenial,
    async afterCommand(policy, command, startedAt) {
      return auditAfterCommand(policy, command, startedAt)
    },
    async close() {
      const current = proxy
      proxy = null
      running = null
      if (current) await (await current).close()
    },
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

  const support = await detectSandbox({
    ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}),
    ...(options.bwrap ? { bwrap: options.bwrap } : {}),
  })
  if (!support.available) {
    throw new SandboxError('unavailable', `cannot run in a ${checked.type} sandbox: ${support.message}`)
  }
  const network = networkAllowed(checked)
  const proxied = !network && options.proxySocketPath !== undefined
  const plan = planMounts(checked, command, {
    protectedPaths: [
      ...DEFAULT_PROTECTED_NAMES,
      ...(options.protectedPaths ?? []),
      // A writable /tmp must not let the command remove or replace the proxy's socket.
      ...(proxied ? [dirname(options.proxySocketPath as string)] : []),
    ],
    ...(options.hiddenPaths ? { hiddenPaths: options.hiddenPaths } : {}),
  })
  const env: Record<string, string> = { ...command.env, AGENT_SANDBOX: support.backend ?? 'unknown' }
  if (proxied) env.AGENT_SANDBOX_NETWORK = 'proxy'
  else if (!network) env.AGENT_SANDBOX_NETWORK_DISABLED = '1'

  if (support.backend === 'seatbelt') {
    if (proxied) {
      throw new SandboxError(
        'unsupported',
        'the network allowlist (allowedDomains) is only implemented with bubblewrap on Linux',
      )
    }
    const profile = seatbeltProfile(plan, { network })
    return { argv: seatbeltArgv(command.argv, profile, SANDBOX_EXEC_PATH), env, fds: [] }
  }
  if (support.backend !== 'bwrap' || !support.bwrapPath || !support.seccompArch) {
    throw new SandboxError('unavailable', `cannot run in a ${checked.type} sandbox: ${support.message}`)
  }
  // With the allowlist, the command keeps its own network namespace (only loopback exists) and
  // reaches the host proxy through the bridge; inet sockets are then harmless and needed.
  const inner = proxied ? bridgeArgv(command.argv, options.proxySocketPath as string) : command.argv
  const argv = bwrapArgv(inner, {
    bwrapPath: support.bwrapPath,
    plan,
    cwd: command.cwd,
    network,
    disableUserns: support.disableUserns,
    seccompFd: SECCOMP_FD,
  })
  const filter = seccompProgram(support.seccompArch, network || proxied)
  return { argv, env, fds: [{ fd: SECCOMP_FD, data: filter }] }
}

// The program depends only on the architecture and the network switch: built once each, and
// every command gets its own copy (a caller may reuse or overwrite the buffer it was handed).
const seccompPrograms = new Map<string, Uint8Array>()
function seccompProgram(arch: SeccompArch, allowNetwork: boolean): Uint8Array {
  const key = `${arch}:${allowNetwork}`
  let program = seccompPrograms.get(key)
  if (!program) {
    program = buildSeccompFilter({ arch, allowNetwork })
    seccompPrograms.set(key, program)
  }
  return program.slice()
}

/** `ManagedSandbox.afterCommand` without `createSandbox`. */
export async function auditAfterCommand(
  policy: SandboxPolicy,
  command: Pick<CommandToWrap, 'cwd' | 'env'>,
  startedAt: number,
): Promise<string | null> {
  if (policy.type !== 'workspace-write') return null // nothing was writable, or nothing confined
  let writable: string[]
  try {
    writable = planMounts(policy, command, { hiddenPaths: [] }).writable
  } catch {
    return null // the cwd is gone: the command could not have run there
  }
  // The temp directories the policy adds are shared and may be large: only their top levels are
  // looked at, unless the cwd or a writable_roots entry names them.
  const temp = new Set(
    policy.exclude_tmp
      ? []
      : [realOrSelf('/tmp'), ...(command.env.TMPDIR ? [realOrSelf(command.env.TMPDIR)] : [])],
  )
  const named = new Set([realOrSelf(command.cwd), ...(policy.writable_roots ?? []).map(realOrSelf)])
  const shallow = writable.filter((root) => temp.has(root) && !named.has(root))
  const result = auditGitDirectories({
    roots: writable.filter((root) => !shallow.includes(root)),
    shallowRoots: shallow,
    since: startedAt,
  })
  const message = describeGitAudit(result)
  if (result.complete) return message
  const partial = `the sandbox checked only the first ${result.directoriesVisited} directories of the writable roots for planted git hooks`
  return message ? `${message} (${partial})` : partial
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message
}
