// Shared by both workspace trackers: undo deletes files the turn created, and the directories
// they leave empty go with them.
import { rmdir } from 'node:fs/promises'
import { dirname, sep } from 'node:path'

/** Removes directories left empty under `root` after deleting `file`. */
export async function pruneEmptyParents(file: string, root: string): Promise<void> {
  let dir = dirname(file)
  while (dir.startsWith(root + sep) && dir !== root) {
    try {
      await rmdir(dir)
    } catch {
      return
    }
    dir = dirname(dir)
  }
}
