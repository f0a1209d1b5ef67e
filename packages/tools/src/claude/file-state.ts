// What the Claude file tools share: absolute-path checks, `cat -n` numbering, and the
// read-before-write rule (a file must have been read in this session, and not changed since,
// before Edit or Write may change it), kept in the session's scratch state.
import { stat } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import type { ToolContext } from '@agent/core'
import { sessionSlot } from '../shared/tool-kit.js'

const READ_STATE_KEY = '@agent/tools:claude-read-files'

/** Modification time of each file as the model last saw it, by absolute path. */
type ReadFiles = Map<string, number>

const readFiles = (context: Pick<ToolContext, 'sessionState'>) =>
  sessionSlot<ReadFiles>(context, READ_STATE_KEY, () => new Map())

/** The refusal for a relative path, or undefined when the path is absolute. */
export function absolutePathError(path: string, parameter = 'file_path'): string | undefined {
  if (isAbsolute(path)) return undefined
  return `${parameter} must be an absolute path, not a relative path: "${path}". Prefix it with the working directory.`
}

/** Records that the model has seen the file as it is now. */
export async function recordRead(context: Pick<ToolContext, 'sessionState'>, path: string): Promise<void> {
  const info = await stat(path)
  readFiles(context).set(path, info.mtimeMs)
}

export const NOT_READ_MESSAGE = 'File has not been read yet. Read it first before writing to it.'
export const MODIFIED_SINCE_READ_MESSAGE =
  'File has been modified since read, either by the user or by a linter. Read it again before attempting to write it.'

/** Why the model may not change an existing file yet, or undefined when it may. */
export async function staleReadError(
  context: Pick<ToolContext, 'sessionState'>,
  path: string,
): Promise<string | undefined> {
  const seen = readFiles(context).get(path)
  if (seen === undefined) return NOT_READ_MESSAGE
  const info = await stat(path)
  if (info.mtimeMs > seen) return MODIFIED_SINCE_READ_MESSAGE
  return undefined
}

/** Lines numbered like `cat -n`: the number right-aligned in six columns, a tab, the line. */
export function numberLines(lines: string[], firstLineNumber: number): string {
  return lines.map((line, i) => `${String(firstLineNumber + i).padStart(6, ' ')}\t${line}`).join('\n')
}

/** Splits file content into lines, without an empty last line for the final newline. */
export function contentLines(content: string): string[] {
  const lines = content.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** A few numbered lines around the first place `before` and `after` differ, for confirmations. */
export function snippetAround(before: string, after: string, context = 4): string {
  const a = contentLines(before)
  const b = contentLines(after)
  let first = 0
  while (first < a.length && first < b.length && a[first] === b[first]) first++
  let tailA = a.length - 1
  let tailB = b.length - 1
  while (tailA >= first && tailB >= first && a[tailA] === b[tailB]) {
    tailA--
    tailB--
  }
  const start = Math.max(0, first - context)
  const end = Math.min(b.length, Math.max(tailB, first) + 1 + context)
  return numberLines(b.slice(start, end), start + 1)
}

/** True when the sandbox policy forbids reading `path` (its `deny_read` list). */
export function isReadDenied(context: Pick<ToolContext, 'sandboxPolicy'>, path: string): boolean {
  const policy = context.sandboxPolicy
  const denied = policy.type === 'danger-full-access' ? undefined : policy.deny_read
  if (!denied) return false
  return denied.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`))
}

export const READ_DENIED_MESSAGE = 'Reading this path is denied by the sandbox policy (deny_read).'
