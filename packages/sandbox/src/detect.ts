// What this machine can confine with: bwrap + user namespaces + seccomp on Linux, sandbox-exec
// on macOS. Probes by really starting a tiny sandbox, and explains how to fix what is missing.
import { existsSync, readFileSync } from 'node:fs'
import { type BwrapCandidate, type BwrapChoice, bwrapCandidates } from './bwrap-binary.js'
import { buildSeccompFilter } from './seccomp/filter.js'
import { hostSeccompArch, type SeccompArch } from './seccomp/syscalls.js'
import { spawnWrapped } from './spawn.js'

export type SandboxBackend = 'bwrap' | 'seatbelt'

export interface SandboxSupport {
  platform: NodeJS.Platform
  /** The backend this machine would use, or null when it has none. */
  backend: SandboxBackend | null
  /** True when a confined command can really be started here. */
  available: boolean
  bwrapPath: string | null
  /** Where that bwrap comes from: the `bwrapPath` option, PATH, or the shipped static one. */
  bwrapSource: BwrapCandidate['source'] | null
  bwrapVersion: string | null
  /** bwrap could create a user namespace (null when not probed). */
  userNamespaces: boolean | null
  /** A seccomp filter could be installed (null when not probed). */
  seccomp: boolean | null
  seccompArch: SeccompArch | null
  /** bwrap knows `--disable-userns` (0.8.0 and later). */
  disableUserns: boolean
  /** What is missing, each with how to fix it. Empty when available. */
  problems: string[]
  /** One line for a user: what works, or the first thing to fix. */
  message: string
}

export interface DetectOptions {
  /** Use this bwrap instead of the one on PATH. */
  bwrapPath?: string
  /**
   * Which bwrap: `auto` (default: the system's, else the static one of
   * `@agent/sandbox-linux-x64`), `system` or `bundled`. Default: AGENT_SANDBOX_BWRAP, else auto.
   */
  bwrap?: BwrapChoice
  /** Ignore the cached result of an earlier probe. */
  refresh?: boolean
  platform?: NodeJS.Platform
}

export const SANDBOX_EXEC_PATH = '/usr/bin/sandbox-exec'
const cache = new Map<string, Promise<SandboxSupport>>()

/** Reports what this machine supports. Cached per bwrap path; the probe takes a few ms. */
export function detectSandbox(options: DetectOptions = {}): Promise<SandboxSupport> {
  const platform = options.platform ?? process.platform
  const key = `${platform}:${options.bwrapPath ?? ''}:${options.bwrap ?? process.env.AGENT_SANDBOX_BWRAP ?? ''}`
  const cached = cache.get(key)
  if (cached && !options.refresh) return cached
  const probe = platform === 'linux' ? detectLinux(options) : Promise.resolve(detectOther(platform))
  cache.set(key, probe)
  return probe
}

function detectOther(platform: NodeJS.Platform): SandboxSupport {
  const base = emptySupport(platform)
  if (platform === 'darwin') {
    if (existsSync(SANDBOX_EXEC_PATH)) {
      return {
        ...base,
        backend: 'seatbelt',
        available: true,
        message: 'macOS Seatbelt (sandbox-exec) is available',
      }
    }
    const problem = `${SANDBOX_EXEC_PATH} is missing: it ships with macOS; restore it or use danger-full-access explicitly`
    return { ...base, backend: 'seatbelt', problems: [problem], message: problem }
  }
  const problem = `no sandbox backend for ${platform}: run on Linux (bubblewrap) or macOS (Seatbelt), or choose danger-full-access explicitly`
  return { ...base, problems: [problem], message: problem }
}

async function detectLinux(options: DetectOptions): Promise<SandboxSupport> {
  const { candidates, problem } = bwrapCandidates({
    ...(options.bwrapPath ? { bwrapPath: options.bwrapPath } : {}),
    ...(options.bwrap ? { bwrap: options.bwrap } : {}),
  })
  if (problem !== null) {
    return finish({ ...emptySupport('linux'), backend: 'bwrap', seccompArch: hostSeccompArch() }, [problem])
  }
  // The first bwrap that really starts a sandbox wins; if none does, the first one's problems
  // are the ones to fix (a missing user namespace stops them all alike).
  let first: SandboxSupport | undefined
  for (const candidate of candidates) {
    const support = await probeBwrap(candidate)
    if (support.available) return support
    first ??= support
  }
  return first as SandboxSupport
}

async function probeBwrap({ path: bwrap, source }: BwrapCandidate): Promise<SandboxSupport> {
  const support: SandboxSupport = {
    ...emptySupport('linux'),
    backend: 'bwrap',
    seccompArch: hostSeccompArch(),
    bwrapPath: bwrap,
    bwrapSource: source,
  }
  const version = await runProbe([bwrap, '--version'])
  support.bwrapVersion = /(\d+\.\d+(?:\.\d+)?)/.exec(version.stdout)?.[1] ?? null
  support.disableUserns = versionAtLeast(support.bwrapVersion, [0, 8, 0])

  const problems: string[] = []
  // The probe runs bwrap itself inside (`--version`): it exists wherever bwrap does, while
  // `true` may not be on PATH (a minimal PATH, or an image without coreutils).
  const inside = [bwrap, '--version']
  const namespaces = await runProbe([bwrap, ...PROBE_ARGS, '--', ...inside])
  support.userNamespaces = namespaces.code === 0
  if (!support.userNamespaces) problems.push(userNamespaceAdvice(namespaces.stderr))

  if (!support.seccompArch) {
    problems.push(
      `seccomp filters are generated for x86_64 and aarch64 only, not ${process.arch}: use danger-full-access explicitly on this machine`,
    )
  } else if (!kernelHasSeccomp()) {
    support.seccomp = false
    problems.push(
      'the kernel has no seccomp filter support (CONFIG_SECCOMP_FILTER): use a kernel built with it',
    )
  } else if (support.userNamespaces) {
    const filter = buildSeccompFilter({ arch: support.seccompArch, allowNetwork: false })
    const probe = await runProbe(
      [bwrap, ...PROBE_ARGS, '--seccomp', '3', '--', ...inside],
      [{ fd: 3, data: filter }],
    )
    support.seccomp = probe.code === 0
    if (!support.seccomp) {
      problems.push(
        `bwrap could not install the seccomp filter (${firstLine(probe.stderr)}): check that seccomp is not blocked for this process (container runtimes: --security-opt seccomp=...)`,
      )
    }
  }
  return finish(support, problems)
}

// The same isolation the real sandbox asks for, so a pass here means the real thing works.
const PROBE_ARGS = [
  '--unshare-user',
  '--unshare-pid',
  '--unshare-net',
  '--unshare-ipc',
  '--die-with-parent',
  '--new-session',
  '--cap-drop',
  'ALL',
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
]

function userNamespaceAdvice(stderr: string): string {
  const detail = firstLine(stderr) || 'bwrap failed'
  const sysctl = (path: string) => {
    try {
      return readFileSync(path, 'utf8').trim()
    } catch {
      return null
    }
  }
  if (sysctl('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return `unprivileged user namespaces are disabled (${detail}): sysctl -w kernel.unprivileged_userns_clone=1`
  }
  if (sysctl('/proc/sys/user/max_user_namespaces') === '0') {
    return `user namespaces are disabled (${detail}): sysctl -w user.max_user_namespaces=15000`
  }
  if (sysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return `AppArmor restricts unprivileged user namespaces (${detail}): install an AppArmor profile for bwrap or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`
  }
  return `bwrap cannot create user namespaces (${detail}): enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1), or in a container allow them (e.g. docker --security-opt seccomp=unconfined --security-opt apparmor=unconfined)`
}

function kernelHasSeccomp(): boolean {
  try {
    return /^Seccomp:/m.test(readFileSync('/proc/self/status', 'utf8'))
  } catch {
    return false
  }
}

function finish(support: SandboxSupport, problems: string[]): SandboxSupport {
  support.problems = problems
  support.available = problems.length === 0
  support.message = support.available
    ? `bubblewrap ${support.bwrapVersion ?? '?'}${support.bwrapSource === 'bundled' ? ' (shipped static build)' : ''} with user namespaces and seccomp (${support.seccompArch})`
    : (problems[0] ?? 'sandbox unavailable')
  return support
}

function emptySupport(platform: NodeJS.Platform): SandboxSupport {
  return {
    platform,
    backend: null,
    available: false,
    bwrapPath: null,
    bwrapSource: null,
    bwrapVersion: null,
    userNamespaces: null,
    seccomp: null,
    seccompArch: null,
    disableUserns: false,
    problems: [],
    message: '',
  }
}

function versionAtLeast(version: string | null, min: number[]): boolean {
  if (!version) return false
  const parts = version.split('.').map(Number)
  for (let i = 0; i < min.length; i++) {
    const have = parts[i] ?? 0
    const want = min[i] ?? 0
    if (have !== want) return have > want
  }
  return true
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? ''
}

function runProbe(
  argv: string[],
  fds: { fd: number; data: Uint8Array }[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    let child: ReturnType<typeof spawnWrapped>
    try {
      child = spawnWrapped({ argv, env: { ...process.env } as Record<string, string>, fds }, { cwd: '/' })
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: String(error) })
      return
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.stdout?.on('data', (d) => {
      stdout += d
    })
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: null, stdout, stderr: stderr || error.message })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
