// After a sandboxed command: find git repositories it created or changed inside the writable
// roots (bwrap's read-only binds only cover the `.git`s that existed when it started) and
// disarm what would run code later outside the sandbox: executable hooks, and config keys that
// name programs. Runs on the host once the command's whole process tree is gone.
import {
  chmodSync,
  type Dirent,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  writeFileSync,
} from 'node:fs'
import { isAbsolute, join, resolve, sep } from 'node:path'

export interface GitAuditOptions {
  /** Writable roots the command could change (resolved), walked whole. */
  roots: readonly string[]
  /**
   * Roots looked at only near the top (`/tmp`, `$TMPDIR`): a `/tmp/.git` would be found by git
   * in every directory below it, a repository deep in a shared temp directory only by someone
   * who goes there. Default: none.
   */
  shallowRoots?: readonly string[]
  /**
   * How deep a shallow root is looked at: 1 (the default) finds `<root>/.git` and `<root>/<dir>/.git`.
   */
  shallowDepth?: number
  /** When the command started (ms since the epoch): only what changed since then is looked at. */
  since: number
  /** Directory names not descended into. Default: `node_modules`. */
  skipDirectories?: readonly string[]
  /** Stop after this many directories (a huge /tmp); `complete: false` then says so. Default 50,000. */
  maxDirectories?: number
}

export interface GitAuditFinding {
  /** The file that was changed back. */
  path: string
  kind: 'hook' | 'config'
  /** What was done: `made not executable`, or the config keys that were commented out. */
  action: string
}

export interface GitAuditResult {
  findings: GitAuditFinding[]
  /** False when the walk stopped at `maxDirectories`. */
  complete: boolean
  directoriesVisited: number
}

const DISARMED_SUFFIX = '.disabled-by-agent-sandbox'

// Filesystems stamp ctime at a coarse tick: look a little before the start.
const CLOCK_SLACK_MS = 1000

/**
 * Config keys that make git run a program (or read more config from elsewhere). Matched on the
 * lower-cased `section.name` / `section.subsection.name` form.
 */
const DANGEROUS_KEYS: RegExp[] = [
  /^core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy|alternaterefscommand)$/,
  /^sequence\.editor$/,
  /^diff\.external$/,
  /^diff\..+\.(textconv|command)$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^merge\..+\.driver$/,
  /^credential(\..+)?\.helper$/,
  /^gpg(\..+)?\.program$/,
  /^include\.path$/,
  /^includeif\..+\.path$/,
  /^remote\..+\.(uploadpack|receivepack|vcs)$/,
  /^(uploadpack\.packobjectshook|receive\.procreceiverefs)$/,
  /^(pager|man|web|browser|difftool|mergetool)\..+$/,
  /^(interactive\.difffilter|protocol\..+\.allow|ssh\.variant)$/,
]
const ALIAS_KEY = /^alias\./

/** Walks `roots` and disarms hooks and config of repositories changed since `since`. */
export function auditGitDirectories(options: GitAuditOptions): GitAuditResult {
  const skip = new Set(options.skipDirectories ?? ['node_modules'])
  const max = options.maxDirectories ?? 50_000
  const since = options.since - CLOCK_SLACK_MS
  const findings: GitAuditFinding[] = []
  const seenGitDirs = new Set<string>()
  let visited = 0
  let complete = true
  const full = [...new Set(options.roots)]
  // A root inside another full root is walked as part of it.
  const tops = full.filter((root) => !full.some((outer) => outer !== root && isWithin(root, outer)))
  const shallowDepth = options.shallowDepth ?? 1
  const queue: { dir: string; depth: number; limit: number }[] = [
    ...tops.map((dir) => ({ dir, depth: 0, limit: Number.POSITIVE_INFINITY })),
    ...(options.shallowRoots ?? [])
      .filter((root) => !tops.some((outer) => isWithin(root, outer)))
      .map((dir) => ({ dir, depth: 0, limit: shallowDepth })),
  ]
  const onGit = (path: string, parent: string, isDirectory: boolean, isFile: boolean) => {
    const gitDir = isDirectory ? path : isFile ? gitFileTarget(path, parent) : null
    if (gitDir && !seenGitDirs.has(gitDir)) {
      seenGitDirs.add(gitDir)
      findings.push(...disarmGitDir(gitDir, since))
    }
  }
  // The last level of a shallow root: only each directory's own `.git` matters, and one lookup is
  // far cheaper than listing the directory (a shared /tmp holds thousands of them). Looked at in
  // place, not queued: this runs after every sandboxed command, and its garbage adds up.
  // (`existsSync` first: a bare access() is cheaper than a Stats object or an exception.)
  const lastLevel = (dir: string) => {
    const git = `${dir}${sep}.git`
    if (!existsSync(git)) return
    let stat: Stats | undefined
    try {
      stat = lstatSync(git, { throwIfNoEntry: false })
    } catch {
      stat = undefined // not searchable
    }
    if (stat) onGit(git, dir, stat.isDirectory(), stat.isFile())
  }
  // An index, not shift(): a shared /tmp puts thousands of directories in the queue at once.
  for (let next = 0; next < queue.length && complete; next++) {
    const { dir, depth, limit } = queue[next] as { dir: string; depth: number; limit: number }
    if (visited >= max) {
      complete = false
      break
    }
    visited++
    if (depth === limit) {
      lastLevel(dir)
      continue
    }
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue // removed meanwhile, or not readable: nothing to disarm there
    }
    for (const entry of entries) {
      if (entry.name === '.git') {
        onGit(join(dir, entry.name), dir, entry.isDirectory(), entry.isFile())
        continue
      }
      // Symlinks are never followed: what they point to is either outside the writable roots
      // (read-only to the command) or reached through its real path.
      if (!entry.isDirectory() || skip.has(entry.name) || depth >= limit) continue
      if (depth + 1 === limit) {
        if (visited >= max) {
          complete = false
          break
        }
        visited++
        lastLevel(join(dir, entry.name))
      } else {
        queue.push({ dir: join(dir, entry.name), depth: depth + 1, limit })
      }
    }
  }
  return { findings, complete, directoriesVisited: visited }
}

/** One line for the model and the user, or null when nothing was found. */
export function describeGitAudit(result: GitAuditResult): string | null {
  if (result.findings.length === 0) return null
  const items = result.findings.map((f) => `${f.path} (${f.action})`)
  return `the sandbox disarmed git files this command wrote, which would have run code outside the sandbox later: ${items.join('; ')}`
}

function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)
}

// `.git` as a file: `gitdir: <path>` (worktrees, submodules, --separate-git-dir).
function gitFileTarget(file: string, dir: string): string | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const target = /^gitdir:\s*(.+?)\s*$/m.exec(text)?.[1]
  if (!target) return null
  return isAbsolute(target) ? target : resolve(dir, target)
}

function changedSince(stat: Stats, since: number): boolean {
  return stat.ctimeMs >= since || stat.mtimeMs >= since
}

function disarmGitDir(gitDir: string, since: number): GitAuditFinding[] {
  const findings: GitAuditFinding[] = []
  const hooks = join(gitDir, 'hooks')
  let names: string[] = []
  try {
    if (lstatSync(hooks).isDirectory()) names = readdirSync(hooks)
  } catch {
    // no hooks directory
  }
  for (const name of names) {
    if (name.endsWith('.sample')) continue // git never runs these
    const path = join(hooks, name)
    let stat: Stats
    try {
      stat = lstatSync(path)
    } catch {
      continue
    }
    try {
      if (stat.isSymbolicLink()) {
        // A symlinked hook runs its target, which may be any file: never chmod through the
        // link (that could change a file outside the sandbox), move the link aside instead.
        if (!changedSince(stat, since)) continue
        const aside = `${path}${DISARMED_SUFFIX}`
        renameSync(path, aside)
        findings.push({ path, kind: 'hook', action: `symlink moved to ${aside}` })
        continue
      }
      if (!stat.isFile() || (stat.mode & 0o111) === 0 || !changedSince(stat, since)) continue
      chmodSync(path, stat.mode & 0o7666)
      findings.push({ path, kind: 'hook', action: 'made not executable' })
    } catch (error) {
      findings.push({ path, kind: 'hook', action: `could not be disarmed: ${String(error)}` })
    }
  }
  const config = join(gitDir, 'config')
  try {
    const stat = lstatSync(config)
    if (stat.isFile() && changedSince(stat, since)) {
      const keys = disarmConfig(config)
      if (keys.length > 0) {
        findings.push({ path: config, kind: 'config', action: `commented out ${keys.join(', ')}` })
      }
    }
  } catch {
    // no config
  }
  return findings
}

/** Comments out the dangerous keys of a git config file; returns their names. */
function disarmConfig(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const found: string[] = []
  let section = ''
  let continuing = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (continuing) {
      // The value of a disarmed key goes on over a trailing backslash.
      lines[i] = `# ${line}`
      continuing = /\\\s*$/.test(line)
      continue
    }
    const header = /^\s*\[\s*([^\]\s"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line)
    let rest = line
    if (header) {
      section = (header[1] as string).toLowerCase() + (header[2] !== undefined ? `.${header[2]}` : '')
      rest = header[3] ?? ''
    }
    const key = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*(=|$|[;#])/.exec(rest)?.[1]
    if (!key || !section) continue
    const full = `${section}.${key}`.toLowerCase()
    if (!DANGEROUS_KEYS.some((re) => re.test(full)) && !ALIAS_KEY.test(full)) continue
    // Aliases only run programs when they start with `!`.
    if (ALIAS_KEY.test(full) && !/=\s*"?!/.test(rest)) continue
    found.push(full)
    lines[i] = header
      ? `${line.slice(0, line.length - rest.length)}\n# disabled by the agent sandbox: ${rest}`
      : `# disabled by the agent sandbox: ${line}`
    continuing = /\\\s*$/.test(line)
  }
  if (found.length > 0) writeFileSync(path, lines.join('\n'))
  return found
}
