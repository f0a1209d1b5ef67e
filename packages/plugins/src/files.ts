// Small filesystem helpers for the loader: missing directories are simply empty.
import type { Dirent } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Text of a file, or undefined when it does not exist (other errors are thrown). */
export async function readOptional(path: string): Promise<string | undefined> {
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
