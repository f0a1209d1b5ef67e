// Workspace snapshots outside git: a bounded walk that honours .gitignore files (nested ones
// too) and keeps each file's bytes in memory, re-reading only files whose stat changed since
// the previous walk. Bounds keep a turn cheap in a huge directory; what they leave out is
// reported in the diff instead of silently ignored.
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { type FileSide, gitFileDiff } from '../diff/unified.js'
import { pruneEmptyParents } from './prune.js'

export interface WalkLimits {
  /** Files beyond this count are not tracked (default 20,000). */
  maxFiles?: number
  /** Larger files are tracked by stat only: reported as changed, not diffed or restored (default 2 MiB). */
  maxFileBytes?: number
  /** Total bytes kept per snapshot (default 256 MiB). */
  maxTotalBytes?: number
}

export interface WalkEntry {
  mode: string
  signature: string
  /** Absent when the file was over the size limits. */
  content?: Buffer
  size: number
}

export interface WalkSnapshotState {
  kind: 'walk'
  cwd: string
  files: Map<string, WalkEntry>
  /** True when the walk stopped at a limit. */
  truncated: boolean
  /** Paths (relative, `/`-separated) the walk leaves out, with everything under them. */
  excluded: readonly string[]
}

const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn'])

function modeOf(mode: number, isLink: boolean): string {
  if (isLink) return '120000'
  return mode & 0o111 ? '100755' : '100644'
}

export class WalkTracker {
  private readonly limits: Required<WalkLimits>
  /** Bytes of files by path and stat signature, shared across snapshots. */
  private readonly cache = new Map<string, { signature: string; content: Buffer }>()

  constructor(limits: WalkLimits = {}) {
    this.limits = {
      maxFiles: limits.maxFiles ?? 20_000,
      maxFileBytes: limits.maxFileBytes ?? 2 * 1024 * 1024,
      maxTotalBytes: limits.maxTotalBytes ?? 256 * 1024 * 1024,
    }
  }

  async snapshot(
    cwd: string,
    signal?: AbortSignal,
    excluded: readonly string[] = [],
  ): Promise<WalkSnapshotState> {
    const left = new Set(excluded)
    const files = new Map<string, WalkEntry>()
    let total = 0
    let truncated = false
    const seen = new Set<string>()
    const walk = async (dir: string, rel: string, matchers: { base: string; ig: Ignore }[]) => {
      signal?.throwIfAborted()
      // Past the file limit nothing more is recorded, so there is no point reading more directories.
      if (files.size >= this.limits.maxFiles) {
        truncated = true
        return
      }
      let entries: import('node:fs').Dirent[]
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      const local = [...matchers]
      if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
        try {
          local.push({ base: rel, ig: ignore().add(await readFile(join(dir, '.gitignore'), 'utf8')) })
        } catch {
          // An unreadable .gitignore ignores nothing.
        }
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      for (const entry of entries) {
        if (ALWAYS_SKIPPED.has(entry.name)) continue
        const path = rel ? `${rel}/${entry.name}` : entry.name
        if (left.has(path)) continue
        const isDir = entry.isDirectory()
        const ignored = local.some(({ base, ig }) => {
          const inner = base ? path.slice(base.length + 1) : path
          return ig.ignores(isDir ? `${inner}/` : inner)
        })
        if (ignored) continue
        const absolute = join(dir, entry.name)
        if (isDir) {
          await walk(absolute, path, local)
          continue
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue
        if (files.size >= this.limits.maxFiles) {
          truncated = true
          return
        }
        const info = await lstat(absolute).catch(() => undefined)
        if (!info) continue
        const isLink = info.isSymbolicLink()
        const signature = `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}:${info.mode}`
        const record: WalkEntry = { mode: modeOf(info.mode, isLink), signature, size: info.size }
        seen.add(absolute)
        const cached = this.cache.get(absolute)
        if (cached && cached.signature === signature) {
          record.content = cached.content
        } else if (info.size <= this.limits.maxFileBytes && total + info.size <= this.limits.maxTotalBytes) {
          const content = isLink
            ? Buffer.from(await readlink(absolute))
            : await readFile(absolute).catch(() => undefined)
          if (content) {
            record.content = content
            this.cache.set(absolute, { signature, content })
          }
        } else {
          truncated = truncated || info.size <= this.limits.maxFileBytes
        }
        if (record.content) total += record.content.length
        files.set(path, record)
      }
    }
    await walk(cwd, '', [])
    for (const key of this.cache.keys()) if (!seen.has(key) && key.startsWith(cwd)) this.cache.delete(key)
    return { kind: 'walk', cwd, files, truncated, excluded }
  }

  async diff(before: WalkSnapshotState, signal?: AbortSignal): Promise<string> {
    const after = await this.snapshot(before.cwd, signal, before.excluded)
    return diffStates(before, after)
  }

  async restore(state: WalkSnapshotState): Promise<{ restored: string[] }> {
    const now = await this.snapshot(state.cwd, undefined, state.excluded)
    const restored: string[] = []
    for (const path of now.files.keys()) {
      if (state.files.has(path)) continue
      const absolute = resolve(state.cwd, path)
      await rm(absolute, { force: true })
      await pruneEmptyParents(absolute, state.cwd)
      restored.push(path)
    }
    for (const [path, entry] of state.files) {
      const current = now.files.get(path)
      if (current && current.signature === entry.signature) continue
      if (
        current?.content &&
        entry.content &&
        current.mode === entry.mode &&
        current.content.equals(entry.content)
      ) {
        continue
      }
      // Files that were over the size limit have no saved bytes to put back.
      if (!entry.content) continue
      const absolute = resolve(state.cwd, path)
      await mkdir(dirname(absolute), { recursive: true })
      await rm(absolute, { force: true, recursive: true })
      if (entry.mode === '120000') await symlink(entry.content.toString('utf8'), absolute)
      else await writeFile(absolute, entry.content, { mode: entry.mode === '100755' ? 0o755 : 0o644 })
      restored.push(path)
    }
    return { restored: restored.sort() }
  }
}

function side(path: string, entry: WalkEntry): FileSide {
  return { path, mode: entry.mode, content: entry.content ?? new Uint8Array() }
}

function sameContent(a: WalkEntry, b: WalkEntry): boolean {
  if (a.signature === b.signature) return true
  if (!a.content || !b.content) return false
  return a.mode === b.mode && a.content.equals(b.content)
}

/** One git-style diff between two walks, with exact renames detected. */
export function diffStates(before: WalkSnapshotState, after: WalkSnapshotState): string {
  const sections: { path: string; text: string }[] = []
  const deleted = [...before.files.keys()].filter((p) => !after.files.has(p))
  const added = new Set([...after.files.keys()].filter((p) => !before.files.has(p)))
  const renamedTo = new Map<string, string>()
  for (const oldPath of deleted) {
    const old = before.files.get(oldPath) as WalkEntry
    if (!old.content || old.content.length === 0) continue
    for (const newPath of added) {
      const candidate = after.files.get(newPath) as WalkEntry
      if (candidate.content && candidate.mode === old.mode && candidate.content.equals(old.content)) {
        renamedTo.set(oldPath, newPath)
        added.delete(newPath)
        break
      }
    }
  }
  const describe = (path: string, a: WalkEntry | undefined, b: WalkEntry | undefined) => {
    const tooLarge = (a && !a.content && a.size > 0) || (b && !b.content && b.size > 0)
    if (tooLarge) {
      const text = `diff --git a/${path} b/${path}\n(not diffed: the file is over the size limit of the workspace tracker)\n`
      sections.push({ path, text })
      return
    }
    const text = gitFileDiff(a ? side(path, a) : undefined, b ? side(path, b) : undefined)
    if (text) sections.push({ path, text })
  }
  for (const oldPath of deleted) {
    const newPath = renamedTo.get(oldPath)
    if (newPath) {
      const text = gitFileDiff(
        side(oldPath, before.files.get(oldPath) as WalkEntry),
        side(newPath, after.files.get(newPath) as WalkEntry),
      )
      sections.push({ path: oldPath, text })
    } else {
      describe(oldPath, before.files.get(oldPath), undefined)
    }
  }
  for (const path of added) describe(path, undefined, after.files.get(path))
  for (const [path, entry] of before.files) {
    const now = after.files.get(path)
    if (!now || sameContent(entry, now)) continue
    describe(path, entry, now)
  }
  sections.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  let out = sections.map((s) => s.text).join('')
  if (out && (after.truncated || before.truncated)) {
    out += '# note: the workspace is larger than the tracker limits; some files were not tracked\n'
  }
  return out
}
