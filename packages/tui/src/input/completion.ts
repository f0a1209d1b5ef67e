// Completion for the composer: `@path` mentions from the project's files and `/command` names.
// The file list comes from git (tracked and untracked-but-not-ignored files), else a bounded walk.
import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'

export interface Completion {
  /** What replaces the token being completed. */
  value: string
  /** What the menu shows. */
  label: string
  description?: string | undefined
}

export interface CompletionToken {
  kind: 'file' | 'command'
  /** The token's text without its sigil. */
  query: string
  start: number
  end: number
}

/** The token under the cursor that completion applies to, if any. */
export function tokenAt(text: string, cursor: number): CompletionToken | undefined {
  const before = text.slice(0, cursor)
  const command = /^\/([\w:.-]*)$/.exec(before)
  if (command) return { kind: 'command', query: command[1] ?? '', start: 0, end: cursor }
  const mention = /(^|\s)@([^\s@]*)$/.exec(before)
  if (mention) {
    const query = mention[2] ?? ''
    return { kind: 'file', query, start: cursor - query.length - 1, end: cursor }
  }
  return undefined
}

/** Files by fuzzy match: every query character in order; basename and contiguous matches rank first. */
export function matchFiles(files: readonly string[], query: string, limit = 8): Completion[] {
  if (query === '') return files.slice(0, limit).map((f) => ({ value: `@${f}`, label: f }))
  const q = query.toLowerCase()
  const scored: Array<{ file: string; score: number }> = []
  for (const file of files) {
    const score = fuzzyScore(file.toLowerCase(), q)
    if (score !== undefined) scored.push({ file, score })
  }
  scored.sort((a, b) => b.score - a.score || a.file.length - b.file.length || a.file.localeCompare(b.file))
  return scored.slice(0, limit).map(({ file }) => ({ value: `@${file}`, label: file }))
}

function fuzzyScore(candidate: string, query: string): number | undefined {
  const base = candidate.slice(candidate.lastIndexOf('/') + 1)
  if (base.startsWith(query)) return 1000 - base.length
  const contiguous = candidate.indexOf(query)
  if (contiguous >= 0) return 500 - contiguous
  let position = 0
  let gaps = 0
  for (const ch of query) {
    const found = candidate.indexOf(ch, position)
    if (found < 0) return undefined
    gaps += found - position
    position = found + 1
  }
  return 100 - gaps
}

export function matchCommands(
  commands: ReadonlyArray<{ name: string; description: string }>,
  query: string,
  limit = 8,
): Completion[] {
  const q = query.toLowerCase()
  return commands
    .filter((c) => c.name.toLowerCase().startsWith(q) || (q.length > 1 && c.name.toLowerCase().includes(q)))
    .sort(
      (a, b) => Number(!a.name.startsWith(q)) - Number(!b.name.startsWith(q)) || a.name.localeCompare(b.name),
    )
    .slice(0, limit)
    .map((c) => ({ value: `/${c.name}`, label: `/${c.name}`, description: c.description }))
}

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'build',
  'target',
  '.venv',
  '__pycache__',
  '.turbo',
  '.next',
])

/** The project's files, relative to `cwd`: from git when it is a repository, else a walk of at most `limit` files. */
export async function listProjectFiles(cwd: string, limit = 20_000): Promise<string[]> {
  const fromGit = await new Promise<string[] | undefined>((resolve) => {
    execFile(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 10_000 },
      (error, stdout) => resolve(error ? undefined : stdout.split('\0').filter(Boolean).slice(0, limit)),
    )
  })
  if (fromGit) return fromGit
  const files: string[] = []
  const queue = [cwd]
  while (queue.length > 0 && files.length < limit) {
    const dir = queue.shift() as string
    let entries: import('node:fs').Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) queue.push(join(dir, entry.name))
      } else if (entry.isFile()) {
        files.push(relative(cwd, join(dir, entry.name)))
        if (files.length >= limit) break
      }
    }
  }
  return files.sort()
}
