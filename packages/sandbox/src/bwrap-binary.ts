// Which bwrap to run: the system's (preferred), or the static one shipped in the optional
// platform package @agent/sandbox-linux-<arch>, for machines where bubblewrap is not installed.
import { accessSync, chmodSync, constants, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join } from 'node:path'
import { findExecutable } from './which.js'

/** `auto`: the system's bwrap, else the shipped one; `system` or `bundled`: only that one. */
export type BwrapChoice = 'auto' | 'system' | 'bundled'

export interface BwrapCandidate {
  path: string
  /** `option`: `bwrapPath` or an absolute path in AGENT_SANDBOX_BWRAP. */
  source: 'option' | 'system' | 'bundled'
}

/** The environment variable that forces a choice: `system`, `bundled`, `auto` or an absolute path. */
export const BWRAP_ENV = 'AGENT_SANDBOX_BWRAP'

export const INSTALL_BWRAP =
  'install bubblewrap: apt-get install bubblewrap (Debian/Ubuntu), dnf install bubblewrap (Fedora), pacman -S bubblewrap (Arch)'

/** Architectures with a platform package (see packages/sandbox-linux-x64). */
const SHIPPED_ARCHS = ['x64']

/** The platform package that ships a static bwrap for this machine. */
export function bundledPackageName(arch: string = process.arch): string {
  return `@agent/sandbox-linux-${arch}`
}

/**
 * Path of the shipped static bwrap, or null when its package is not installed (another
 * platform, or optional dependencies were skipped).
 */
export function bundledBwrapPath(): string | null {
  if (process.platform !== 'linux') return null
  const manifest = `${bundledPackageName()}/package.json`
  for (const resolveFrom of resolvers()) {
    let found: string
    try {
      found = resolveFrom(manifest)
    } catch {
      continue
    }
    const binary = join(dirname(found), 'bin', 'bwrap')
    return existsSync(binary) ? ensureExecutable(binary) : null
  }
  return null
}

// Resolved from this module, and from @agent/sandbox's own manifest: bundlers (the `agent`
// CLI inlines this package into one CommonJS file) move the code away from its node_modules.
function resolvers(): ((id: string) => string)[] {
  const out: ((id: string) => string)[] = []
  const here: string | undefined =
    import.meta.url || (typeof __filename === 'string' ? __filename : undefined)
  if (!here) return out
  const fromHere = createRequire(here)
  out.push((id) => fromHere.resolve(id))
  out.push((id) => createRequire(fromHere.resolve('@agent/sandbox/package.json')).resolve(id))
  return out
}

// Package managers may drop the mode bits of files in a tarball; put the x bit back once.
function ensureExecutable(path: string): string | null {
  try {
    accessSync(path, constants.X_OK)
    return path
  } catch {
    try {
      chmodSync(path, 0o755)
      return path
    } catch {
      return null
    }
  }
}

/**
 * The bwraps to try, in order, or why there is none. `bwrapPath` wins over everything; then
 * the `bwrap` option, then AGENT_SANDBOX_BWRAP, then `auto`. In `auto` the system's comes first,
 * except when this process is PID 1 (a container's init): the shipped bwrap reaps its sandbox,
 * while every bubblewrap release so far leaves one zombie per command for PID 1 to collect.
 */
export function bwrapCandidates(options: {
  bwrapPath?: string
  bwrap?: BwrapChoice
  env?: NodeJS.ProcessEnv
  pid?: number
}): { candidates: BwrapCandidate[]; problem: string | null } {
  if (options.bwrapPath) {
    const path = findExecutable(options.bwrapPath)
    return path
      ? { candidates: [{ path, source: 'option' }], problem: null }
      : { candidates: [], problem: `bwrap not found at ${options.bwrapPath}: ${INSTALL_BWRAP}` }
  }
  const fromEnv = (options.env ?? process.env)[BWRAP_ENV]
  let choice: BwrapChoice = options.bwrap ?? 'auto'
  if (!options.bwrap && fromEnv) {
    if (isAbsolute(fromEnv)) return bwrapCandidates({ bwrapPath: fromEnv })
    if (fromEnv !== 'auto' && fromEnv !== 'system' && fromEnv !== 'bundled') {
      return {
        candidates: [],
        problem: `${BWRAP_ENV}=${fromEnv} is not understood: use system, bundled, auto or an absolute path to a bwrap`,
      }
    }
    choice = fromEnv
  }
  const system = findExecutable('bwrap', (options.env ?? process.env).PATH)
  const bundled = bundledBwrapPath()
  const systemCandidate: BwrapCandidate[] = system ? [{ path: system, source: 'system' }] : []
  const bundledCandidate: BwrapCandidate[] = bundled ? [{ path: bundled, source: 'bundled' }] : []
  const shipped = SHIPPED_ARCHS.includes(process.arch)
  const notShipped = shipped
    ? `${bundledPackageName()} (the static bwrap shipped for this platform) is not installed`
    : `no static bwrap is shipped for ${process.arch}`
  if (choice === 'system') {
    return system
      ? { candidates: systemCandidate, problem: null }
      : { candidates: [], problem: `bubblewrap (bwrap) is not on PATH: ${INSTALL_BWRAP}` }
  }
  if (choice === 'bundled') {
    return bundled
      ? { candidates: bundledCandidate, problem: null }
      : {
          candidates: [],
          problem: shipped
            ? `${notShipped}: install it (npm install ${bundledPackageName()}) or unset ${BWRAP_ENV}`
            : `${notShipped}: unset ${BWRAP_ENV} and ${INSTALL_BWRAP}`,
        }
  }
  const pidOne = (options.pid ?? process.pid) === 1
  const candidates = pidOne
    ? [...bundledCandidate, ...systemCandidate]
    : [...systemCandidate, ...bundledCandidate]
  if (candidates.length > 0) return { candidates, problem: null }
  return {
    candidates: [],
    problem: `bubblewrap (bwrap) is not on PATH and ${notShipped}: ${INSTALL_BWRAP}${shipped ? `, or install ${bundledPackageName()}` : ''}`,
  }
}
