// The bubblewrap command line for a policy: read-only root, fresh /dev and /proc, private
// user/PID/IPC/UTS (and network) namespaces, no capabilities, writable roots bound back in.
import type { SandboxPolicy } from '@agent/protocol'
import { isWithin, type MountPlan } from './mounts.js'

export interface BwrapOptions {
  bwrapPath: string
  plan: MountPlan
  cwd: string
  /** Keep the host network (network_access: true). */
  network: boolean
  /** bwrap supports --disable-userns (0.8.0+). */
  disableUserns: boolean
  /** Descriptor the seccomp program is read from, or null for none. */
  seccompFd: number | null
}

/** Full argv: bwrap, its options, `--`, then the command. */
export function bwrapArgv(argv: string[], options: BwrapOptions): string[] {
  const args = [options.bwrapPath, '--new-session', '--die-with-parent']
  // As root, bwrap without a user namespace keeps every capability (and could remount / rw);
  // inside a fresh user namespace with all capabilities dropped, read-only binds stay read-only.
  args.push('--unshare-user')
  if (options.disableUserns) args.push('--disable-userns')
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try')
  if (!options.network) args.push('--unshare-net')
  args.push('--cap-drop', 'ALL')
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc')
  // A root inside another writable root is already writable through the outer bind (recursive,
  // from the same host directory): binding it again changes nothing but costs bwrap a mount and
  // a mount-table scan on every command (e.g. a workspace under /tmp).
  const bound: string[] = []
  for (const root of options.plan.writable) {
    if (bound.some((outer) => isWithin(root, outer))) continue
    bound.push(root)
    args.push('--bind', root, root)
  }
  for (const path of options.plan.protected) args.push('--ro-bind', path, path)
  for (const { path, directory } of options.plan.denyRead) {
    if (directory) args.push('--tmpfs', path, '--remount-ro', path)
    else args.push('--ro-bind', '/dev/null', path)
  }
  args.push('--chdir', options.cwd)
  if (options.seccompFd !== null) args.push('--seccomp', String(options.seccompFd))
  args.push('--', ...argv)
  return args
}

export function networkAllowed(policy: SandboxPolicy): boolean {
  return (
    policy.type === 'danger-full-access' ||
    (policy.type === 'workspace-write' && policy.network_access === true)
  )
}
