// Small filesystem helpers for the loader: missing directories are simply empty.
//
// Most places the loader looks at do not exist (no ~/.claude, no project .agent/...). Each helper
// first asks synchronously whether its path exists, a few microseconds, instead of learning it
// from a failed asynchronous call, each of which is a thread-pool round trip: a start-up checks
// some twenty such paths before its first model request.
import { type Dirent, statSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * True only when nothing is at `path`. Any other problem (a directory that cannot be searched...)
 * says false, so the asynchronous call that follows meets it and reports it as before.
 */
function absent(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined
  } catch {
    return false
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  if (absent(path)) return false
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

export async function isFile(path: string): Promise<boolean> {
  if (absent(path)) return false
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Text of a file, or undefined when it does not exist (other errors are thrown). */
export async function readOptional(path: string): Promise<string | undefined> {
  if (absent(path)) return undefined
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Files under `dir` whose name passes `accept`, sorted, descending into subdirectories. */
export async function walkFiles(
  dir: string,
  accept: (name: string) => boolean,
  depth = 8,
): Promise<string[]> {
  if (absent(dir)) return []
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const sorted = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))
  const nested = await Promise.all(
    sorted.map(async (entry): Promise<string[]> => {
      const path = join(dir, entry.name)
      // A symlink is followed, as users link shared commands and skills into place.
      const directory = entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path)))
      if (directory) return depth > 0 ? walkFiles(path, accept, depth - 1) : []
      return accept(entry.name) ? [path] : []
    }),
  )
  return nested.flat()
}

/** Immediate subdirectories of `dir`, sorted. */
export async function subdirectories(dir: string): Promise<string[]> {
  if (absent(dir)) return []
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return []
  }
  const out: string[] = []
  for (const name of entries.sort()) {
    if (name.startsWith('.')) continue
    if (await isDirectory(join(dir, name))) out.push(join(dir, name))
  }
  return out
}
