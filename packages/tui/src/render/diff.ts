// Unified diffs as the user reads them: each line with its old/new line number, additions green,
// removals red. Long diffs are cut with a note saying how much was left out.
import type { FileChange } from '@agent/protocol'
import type { Theme } from './theme.js'

export interface DiffRenderOptions {
  /** At most this many diff lines (default: all). */
  maxLines?: number
}

export function renderUnifiedDiff(diff: string, theme: Theme, options: DiffRenderOptions = {}): string[] {
  const out: string[] = []
  let oldLine = 0
  let newLine = 0
  const lines = diff.replace(/\n$/, '').split('\n')
  const width = String(maxLineNumber(lines)).length
  const num = (n: number | undefined) => (n === undefined ? ' '.repeat(width) : String(n).padStart(width))
  for (const line of lines) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(line)
    if (hunk) {
      oldLine = Number(hunk[1])
      newLine = Number(hunk[2])
      out.push(theme.hunk(line))
    } else if (line.startsWith('diff --git') || line.startsWith('index ')) {
    } else if (line.startsWith('+++') || line.startsWith('---')) {
      out.push(theme.bold(line))
    } else if (line.startsWith('+')) {
      out.push(theme.added(`${num(undefined)} ${num(newLine++)} ${line}`))
    } else if (line.startsWith('-')) {
      out.push(theme.removed(`${num(oldLine++)} ${num(undefined)} ${line}`))
    } else if (line.startsWith('\\')) {
      out.push(theme.dim(line))
    } else {
      out.push(`${theme.dim(`${num(oldLine++)} ${num(newLine++)}`)} ${line}`)
    }
  }
  return truncate(out, options.maxLines, theme)
}

/** One file's change (as in approval requests and `patch_apply_begin`), with a header line. */
export function renderFileChange(
  path: string,
  change: FileChange,
  theme: Theme,
  options: DiffRenderOptions = {},
): string[] {
  if (change.type === 'add') {
    const lines = change.content.replace(/\n$/, '').split('\n')
    const width = String(lines.length).length
    const body = lines.map((l, i) => theme.added(`${String(i + 1).padStart(width)} +${l}`))
    return [
      theme.bold(`${theme.ok('A')} ${path}`) + theme.dim(` (+${lines.length})`),
      ...truncate(body, options.maxLines, theme),
    ]
  }
  if (change.type === 'delete') return [theme.bold(`${theme.bad('D')} ${path}`)]
  const { added, removed } = countChanges(change.unified_diff)
  const header = `${theme.warn('M')} ${path}${change.move_path ? ` → ${change.move_path}` : ''}`
  return [
    theme.bold(header) + theme.dim(` (+${added} -${removed})`),
    ...renderUnifiedDiff(change.unified_diff, theme, options).filter(
      (l) => !/^(\u001b\[[0-9;]*m)*(\+\+\+|---)/.test(l),
    ),
  ]
}

export function countChanges(diff: string): { added: number; removed: number } {
  let added = 0
  let removed = 0
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++
    else if (line.startsWith('-') && !line.startsWith('---')) removed++
  }
  return { added, removed }
}

function maxLineNumber(lines: string[]): number {
  let max = 1
  for (const line of lines) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line)
    if (hunk)
      max = Math.max(max, Number(hunk[1]) + Number(hunk[2] ?? 1), Number(hunk[3]) + Number(hunk[4] ?? 1))
  }
  return max
}

function truncate(lines: string[], max: number | undefined, theme: Theme): string[] {
  if (max === undefined || lines.length <= max) return lines
  return [...lines.slice(0, max), theme.dim(`… ${lines.length - max} more lines`)]
}
