// Applies parsed patches to the file system. `planPatch` computes every change in memory first
// (what the tool shows for approval, and refuses as a whole when one hunk does not fit);
// `applyHunksInOrder` is the standalone `apply_patch` behaviour: hunk by hunk, stop at the first
// failure, keep what was already done.
import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { FileChange } from '@agent/protocol'
import { unifiedHunks } from '../diff/unified.js'
import { diskFileSystem, type TextFileSystem } from '../shared/file-system.js'
import type { ParsedPatch, PatchHunk, UpdateChunk } from './parser.js'
import { seekSequence } from './seek-sequence.js'

/** A patch that parsed but cannot be applied; `message` is Codex's wording. */
export class PatchApplyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PatchApplyError'
  }
}

/** One file operation, resolved against the cwd and computed, ready to write. */
export type PlannedChange =
  | { type: 'add'; path: string; absolutePath: string; content: string }
  | { type: 'delete'; path: string; absolutePath: string; content: string }
  | {
      type: 'update'
      path: string
      absolutePath: string
      oldContent: string
      newContent: string
      movePath?: string
      absoluteMovePath?: string
    }

export interface AffectedPaths {
  added: string[]
  modified: string[]
  deleted: string[]
}

const OS_ERRORS: Record<string, string> = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  EPERM: 'Operation not permitted (os error 1)',
  EISDIR: 'Is a directory (os error 21)',
  ENOTDIR: 'Not a directory (os error 20)',
  EROFS: 'Read-only file system (os error 30)',
}

/** An fs error in the wording Codex's Rust implementation prints. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code && OS_ERRORS[code]) return OS_ERRORS[code] as string
  return error instanceof Error ? error.message : String(error)
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path)
}

/** Lines of a file the way the matcher sees them: no trailing empty line, CRLF understood. */
function splitContent(content: string): { lines: string[]; eol: string } {
  const newlines = content.match(/\n/g)?.length ?? 0
  const crlf = content.match(/\r\n/g)?.length ?? 0
  const eol = newlines > 0 && crlf === newlines ? '\r\n' : '\n'
  const lines = content.split(eol)
  if (lines[lines.length - 1] === '') lines.pop()
  return { lines, eol }
}

/** The new content of a file after applying the chunks of one `*** Update File` hunk. */
export function applyChunks(original: string, chunks: UpdateChunk[], displayPath: string): string {
  const { lines, eol } = splitContent(original)
  const replacements: { start: number; oldLength: number; newLines: string[] }[] = []
  let cursor = 0
  for (const chunk of chunks) {
    if (chunk.changeContext !== undefined) {
      const found = seekSequence(lines, [chunk.changeContext], cursor, false)
      if (found < 0) {
        throw new PatchApplyError(`Failed to find context '${chunk.changeContext}' in ${displayPath}`)
      }
      cursor = found + 1
    }
    if (chunk.oldLines.length === 0) {
      // Pure addition: after the `@@` context line when there is one, else at the end.
      const at = chunk.changeContext !== undefined ? cursor : lines.length
      replacements.push({ start: at, oldLength: 0, newLines: chunk.newLines })
      continue
    }
    let pattern = chunk.oldLines
    let newLines = chunk.newLines
    let found = seekSequence(lines, pattern, cursor, chunk.isEndOfFile)
    if (found < 0 && pattern[pattern.length - 1] === '') {
      // A trailing empty line stands for the file's final newline, which `lines` drops.
      pattern = pattern.slice(0, -1)
      if (newLines[newLines.length - 1] === '') newLines = newLines.slice(0, -1)
      found = seekSequence(lines, pattern, cursor, chunk.isEndOfFile)
    }
    if (found < 0) {
      throw new PatchApplyError(
        `Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join('\n')}`,
      )
    }
    replacements.push({ start: found, oldLength: pattern.length, newLines })
    cursor = found + pattern.length
  }
  replacements.sort((a, b) => a.start - b.start)
  const result = [...lines]
  for (let i = replacements.length - 1; i >= 0; i--) {
    const r = replacements[i] as (typeof replacements)[number]
    result.splice(r.start, r.oldLength, ...r.newLines)
  }
  // Every line ends with a newline; a file emptied by the patch is empty, as in Codex.
  return result.length === 0 ? '' : `${result.join(eol)}${eol}`
}

async function readForUpdate(
  absolutePath: string,
  displayPath: string,
  overlay: Map<string, string | null>,
  fs: TextFileSystem,
): Promise<string> {
  if (overlay.has(absolutePath)) {
    const content = overlay.get(absolutePath)
    if (content === null || content === undefined) {
      throw new PatchApplyError(`Failed to read file to update ${displayPath}: ${OS_ERRORS.ENOENT as string}`)
    }
    return content
  }
  try {
    return await fs.readTextFile(absolutePath)
  } catch (error) {
    throw new PatchApplyError(`Failed to read file to update ${displayPath}: ${describeFsError(error)}`)
  }
}

async function planHunk(
  hunk: PatchHunk,
  cwd: string,
  overlay: Map<string, string | null>,
  fs: TextFileSystem = diskFileSystem,
): Promise<PlannedChange> {
  const absolutePath = resolvePath(cwd, hunk.path)
  if (hunk.type === 'add') {
    overlay.set(absolutePath, hunk.contents)
    return { type: 'add', path: hunk.path, absolutePath, content: hunk.contents }
  }
  if (hunk.type === 'delete') {
    let content: string
    if (overlay.has(absolutePath)) {
      const pending = overlay.get(absolutePath)
      if (pending === null || pending === undefined) {
        throw new PatchApplyError(`Failed to delete file ${hunk.path}`)
      }
      content = pending
    } else {
      try {
        const info = await stat(absolutePath)
        if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
        content = await fs.readTextFile(absolutePath)
      } catch {
        throw new PatchApplyError(`Failed to delete file ${hunk.path}`)
      }
    }
    overlay.set(absolutePath, null)
    return { type: 'delete', path: hunk.path, absolutePath, content }
  }
  const oldContent = await readForUpdate(absolutePath, hunk.path, overlay, fs)
  const newContent = applyChunks(oldContent, hunk.chunks, hunk.path)
  const change: PlannedChange = { type: 'update', path: hunk.path, absolutePath, oldContent, newContent }
  if (hunk.movePath !== undefined) {
    change.movePath = hunk.movePath
    change.absoluteMovePath = resolvePath(cwd, hunk.movePath)
    overlay.set(absolutePath, null)
    overlay.set(change.absoluteMovePath, newContent)
  } else {
    overlay.set(absolutePath, newContent)
  }
  return change
}

/** Computes every change of a patch without writing anything; throws `PatchApplyError`. */
export async function planPatch(
  patch: ParsedPatch,
  cwd: string,
  fs: TextFileSystem = diskFileSystem,
): Promise<PlannedChange[]> {
  if (patch.hunks.length === 0) throw new PatchApplyError('No files were modified.')
  const overlay = new Map<string, string | null>()
  const planned: PlannedChange[] = []
  for (const hunk of patch.hunks) planned.push(await planHunk(hunk, cwd, overlay, fs))
  return planned
}

async function writeWithParents(
  absolutePath: string,
  displayPath: string,
  content: string,
  fs: TextFileSystem,
) {
  try {
    await mkdir(dirname(absolutePath), { recursive: true })
  } catch {
    throw new PatchApplyError(`Failed to create parent directories for ${displayPath}`)
  }
  try {
    await fs.writeTextFile(absolutePath, content)
  } catch {
    throw new PatchApplyError(`Failed to write file ${displayPath}`)
  }
}

/** Writes one planned change, recording it in `affected`. */
export async function commitChange(
  change: PlannedChange,
  affected: AffectedPaths,
  fs: TextFileSystem = diskFileSystem,
): Promise<void> {
  if (change.type === 'add') {
    await writeWithParents(change.absolutePath, change.path, change.content, fs)
    affected.added.push(change.path)
  } else if (change.type === 'delete') {
    try {
      const info = await stat(change.absolutePath)
      if (!info.isFile()) throw new Error('not a file')
      await rm(change.absolutePath)
    } catch {
      throw new PatchApplyError(`Failed to delete file ${change.path}`)
    }
    affected.deleted.push(change.path)
  } else if (change.movePath !== undefined && change.absoluteMovePath !== undefined) {
    await writeWithParents(change.absoluteMovePath, change.movePath, change.newContent, fs)
    if (change.absoluteMovePath !== change.absolutePath) {
      try {
        await rm(change.absolutePath)
      } catch {
        throw new PatchApplyError(`Failed to remove original ${change.path}`)
      }
    }
    affected.modified.push(change.movePath)
  } else {
    await writeWithParents(change.absolutePath, change.path, change.newContent, fs)
    affected.modified.push(change.path)
  }
}

/** Codex's success summary: `Success. Updated the following files:` then `A|M|D path` lines. */
export function formatSummary(affected: AffectedPaths): string {
  let out = 'Success. Updated the following files:\n'
  for (const path of affected.added) out += `A ${path}\n`
  for (const path of affected.modified) out += `M ${path}\n`
  for (const path of affected.deleted) out += `D ${path}\n`
  return out
}

export interface ApplyOutcome {
  success: boolean
  affected: AffectedPaths
  stdout: string
  stderr: string
}

/** Writes planned changes in order; the first failure stops the rest and is reported. */
export async function commitPlanned(
  planned: PlannedChange[],
  fs: TextFileSystem = diskFileSystem,
): Promise<ApplyOutcome> {
  const affected: AffectedPaths = { added: [], modified: [], deleted: [] }
  try {
    for (const change of planned) await commitChange(change, affected, fs)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { success: false, affected, stdout: '', stderr: `${message}\n` }
  }
  return { success: true, affected, stdout: formatSummary(affected), stderr: '' }
}

/**
 * The standalone behaviour: plan and write hunk by hunk, so a later failure leaves earlier
 * hunks applied (what `apply_patch` on the command line does).
 */
export async function applyHunksInOrder(patch: ParsedPatch, cwd: string): Promise<ApplyOutcome> {
  const affected: AffectedPaths = { added: [], modified: [], deleted: [] }
  try {
    if (patch.hunks.length === 0) throw new PatchApplyError('No files were modified.')
    for (const hunk of patch.hunks) {
      const change = await planHunk(hunk, cwd, new Map())
      await commitChange(change, affected)
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { success: false, affected, stdout: '', stderr: `${message}\n` }
  }
  return { success: true, affected, stdout: formatSummary(affected), stderr: '' }
}

/** The changes as the protocol shows them for approval and in `patch_apply_begin`. */
export function toFileChanges(planned: PlannedChange[]): Record<string, FileChange> {
  const changes: Record<string, FileChange> = {}
  for (const change of planned) {
    if (change.type === 'add') changes[change.absolutePath] = { type: 'add', content: change.content }
    else if (change.type === 'delete') {
      changes[change.absolutePath] = { type: 'delete', content: change.content }
    } else {
      const update: FileChange = {
        type: 'update',
        unified_diff: unifiedHunks(change.oldContent, change.newContent, 1),
      }
      if (change.absoluteMovePath !== undefined) update.move_path = change.absoluteMovePath
      changes[change.absolutePath] = update
    }
  }
  return changes
}
