// Unified diffs in the two shapes the tools need: bare hunks for approval prompts (what Codex
// shows for one file's update) and git-style per-file sections for the turn diff.
import { createHash } from 'node:crypto'
import { structuredPatch } from 'diff'

function range(start: number, count: number): string {
  // git prints `-0,0` for an empty side and drops the count when it is 1.
  const shown = count === 0 ? start - 1 : start
  return count === 1 ? `${shown}` : `${shown},${count}`
}

/** Only the `@@` hunks of the diff from `before` to `after` ('' when they are equal). */
export function unifiedHunks(before: string, after: string, context = 3): string {
  if (before === after) return ''
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context })
  let out = ''
  for (const hunk of patch.hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`
    for (const line of hunk.lines) out += `${line}\n`
  }
  return out
}

/** True when the bytes look like a binary file (a NUL in the first 8000 bytes, as git decides). */
export function isBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, 8000)
  for (let i = 0; i < end; i++) if (content[i] === 0) return true
  return false
}

export interface FileSide {
  path: string
  content: Uint8Array
  /** Octal git mode: '100644', '100755', '120000'. */
  mode: string
}

function quotePath(prefix: string, path: string): string {
  return `${prefix}${path}`
}

/**
 * A git-style section for one file: `diff --git`, mode/rename lines, then hunks, or
 * `Binary files ... differ`. `before` absent means added, `after` absent means deleted.
 */
export function gitFileDiff(before: FileSide | undefined, after: FileSide | undefined): string {
  if (!before && !after) return ''
  const oldPath = (before ?? after)?.path as string
  const newPath = (after ?? before)?.path as string
  let header = `diff --git ${quotePath('a/', oldPath)} ${quotePath('b/', newPath)}\n`
  if (!before && after) header += `new file mode ${after.mode}\n`
  else if (before && !after) header += `deleted file mode ${before.mode}\n`
  else if (before && after) {
    if (before.mode !== after.mode) header += `old mode ${before.mode}\nnew mode ${after.mode}\n`
    if (before.path !== after.path) {
      const same = Buffer.from(before.content).equals(Buffer.from(after.content))
      header += `similarity index ${same ? 100 : similarity(before.content, after.content)}%\n`
      header += `rename from ${before.path}\nrename to ${after.path}\n`
      if (same) return header
    }
  }
  // Only the mode changed: git prints no index line and no hunks.
  if (before && after && Buffer.from(before.content).equals(Buffer.from(after.content))) return header
  const oldId = before ? blobId(before.content) : '0000000'
  const newId = after ? blobId(after.content) : '0000000'
  const keptMode = before && after && before.mode === after.mode ? ` ${before.mode}` : ''
  header += `index ${oldId}..${newId}${keptMode}\n`
  const oldName = before ? quotePath('a/', before.path) : '/dev/null'
  const newName = after ? quotePath('b/', after.path) : '/dev/null'
  const oldBytes = before?.content ?? new Uint8Array()
  const newBytes = after?.content ?? new Uint8Array()
  if (isBinary(oldBytes) || isBinary(newBytes)) {
    return `${header}Binary files ${oldName} and ${newName} differ\n`
  }
  const hunks = unifiedHunks(Buffer.from(oldBytes).toString('utf8'), Buffer.from(newBytes).toString('utf8'))
  if (hunks === '') return header
  return `${header}--- ${oldName}\n+++ ${newName}\n${hunks}`
}

/** The abbreviated git blob id of some content, as in `index abc1234..def5678` lines. */
function blobId(content: Uint8Array): string {
  const hash = createHash('sha1')
  hash.update(`blob ${content.length}\0`)
  hash.update(content)
  return hash.digest('hex').slice(0, 7)
}

/** Rough line-based similarity, for the `similarity index` line of a rename with edits. */
function similarity(a: Uint8Array, b: Uint8Array): number {
  const lines = (bytes: Uint8Array) => {
    const all = Buffer.from(bytes).toString('utf8').split('\n')
    if (all[all.length - 1] === '') all.pop()
    return all
  }
  const left = lines(a)
  const right = new Map<string, number>()
  for (const line of lines(b)) {
    right.set(line, (right.get(line) ?? 0) + 1)
  }
  let common = 0
  for (const line of left) {
    const n = right.get(line) ?? 0
    if (n > 0) {
      common++
      right.set(line, n - 1)
    }
  }
  const total = Math.max(left.length, common + [...right.values()].reduce((s, n) => s + n, 0))
  return total === 0 ? 100 : Math.floor((common * 100) / total)
}
