// Turns a policy into concrete, symlink-resolved paths: which roots are writable, which paths
// inside them stay read-only (.git, .agent, ...), and which must not be readable at all.
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import type { SandboxPolicy } from '@agent/protocol'
import { SandboxError } from './errors.js'

/** Names kept read-only at the top of every writable root. */
export const DEFAULT_PROTECTED_NAMES: readonly string[] = ['.git', '.agent']

export interface MountPlan {
  /** Writable roots, resolved, parents before children. */
  writable: string[]
  /** Paths inside writable roots that stay read-only, resolved. */
  protected: string[]
  /** Paths hidden from reads, resolved; directories become empty, files read as empty. */
  denyRead: { path: string; directory: boolean }[]
}

export interface MountPlanOptions {
  /** Names (relative) checked at the top of every writable root, or absolute paths. */
  protectedPaths?: readonly string[]
  /** Absolute paths masked like `deny_read` in every sandbox (default: `defaultHiddenPaths`). */
  hiddenPaths?: readonly string[]
}

/**
 * Sockets of daemons that run as root or as the user and accept commands: reaching one from a
 * read-only filesystem is enough to escape (start a privileged container, a systemd unit, type
 * into the desktop). Unix sockets are allowed inside, so these are masked by default.
 */
export function defaultHiddenPaths(env: Record<string, string | undefined> = {}): string[] {
  const runtime = env.XDG_RUNTIME_DIR
  return [
    '/run/docker.sock',
    '/var/run/docker.sock',
    '/run/containerd/containerd.sock',
    '/run/podman/podman.sock',
    '/run/crio/crio.sock',
    '/run/buildkit/buildkitd.sock',
    '/run/systemd/private',
    '/run/dbus/system_bus_socket',
    '/run/snapd.socket',
    '/run/snapd-snap.socket',
    '/tmp/.X11-unix',
    ...(runtime && isAbsolute(runtime)
      ? ['docker.sock', 'podman/podman.sock', 'bus', 'systemd/private', 'wayland-0', 'wayland-1'].map((n) =>
          join(runtime, n),
        )
      : []),
  ]
}

export function planMounts(
  policy: SandboxPolicy,
  command: { cwd: string; env: Record<string, string> },
  options: MountPlanOptions = {},
): MountPlan {
  if (policy.type === 'danger-full-access') return { writable: [], protected: [], denyRead: [] }
  const cwd = resolveExisting(command.cwd, 'cwd')
  if (!cwd) throw new SandboxError('invalid_request', `cwd does not exist: ${command.cwd}`)

  const writable: string[] = []
  if (policy.type === 'workspace-write') {
    const candidates = [cwd]
    for (const root of policy.writable_roots ?? []) {
      const resolved = resolveExisting(root, 'writable_roots entry')
      if (resolved) candidates.push(resolved)
    }
    if (!policy.exclude_tmp) {
      for (const tmp of ['/tmp', command.env.TMPDIR]) {
        const resolved = tmp ? resolveExisting(tmp, 'TMPDIR') : null
        if (resolved) candidates.push(resolved)
      }
    }
    for (const root of candidates) if (!writable.includes(root)) writable.push(root)
    writable.sort((a, b) => a.length - b.length)
  }

  const names = options.protectedPaths ?? DEFAULT_PROTECTED_NAMES
  const protectedPaths: string[] = []
  const protect = (path: string) => {
    if (!protectedPaths.includes(path) && writable.some((root) => isWithin(path, root)))
      protectedPaths.push(path)
  }
  for (const entry of names) {
    if (isAbsolute(entry)) {
      const resolved = resolveExisting(entry, 'protected path')
      if (resolved) protect(resolved)
      continue
    }
    for (const root of writable) {
      for (const path of protectedTargets(join(root, entry))) protect(path)
    }
  }

  const denyRead: MountPlan['denyRead'] = []
  const hidden = options.hiddenPaths ?? defaultHiddenPaths(command.env)
  for (const entry of [...(policy.deny_read ?? []), ...hidden]) {
    const resolved = resolveExisting(entry, 'deny_read entry')
    if (resolved && !denyRead.some((d) => d.path === resolved)) {
      denyRead.push({ path: resolved, directory: statSync(resolved).isDirectory() })
    }
  }
  return { writable, protected: protectedPaths, denyRead }
}

/**
 * The paths to freeze for one protected name: the path itself, what a symlink points at, and for
 * a `.git` file (worktree, submodule) the `gitdir:` it names plus that repository's common dir,
 * where the hooks live.
 */
function protectedTargets(path: string): string[] {
  let stat: ReturnType<typeof lstatSync>
  try {
    stat = lstatSync(path)
  } catch {
    return []
  }
  const real = realpathSync(path)
  const out = [real]
  if (stat.isSymbolicLink() || !statSync(real).isFile()) return out
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(safeRead(real))?.[1]
  if (!pointer) return out
  const gitdir = resolveQuiet(resolve(dirname(path), pointer))
  if (!gitdir) return out
  out.push(gitdir)
  const common = safeRead(join(gitdir, 'commondir')).trim()
  const commonDir = common ? resolveQuiet(resolve(gitdir, common)) : null
  if (commonDir) out.push(commonDir)
  return out
}

function resolveExisting(path: string, what: string): string | null {
  if (!isAbsolute(path)) {
    throw new SandboxError('invalid_request', `${what} must be an absolute path, got "${path}"`)
  }
  return resolveQuiet(path)
}

function resolveQuiet(path: string): string | null {
  if (!existsSync(path)) return null
  try {
    return realpathSync(path)
  } catch {
    return null
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

export function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}
