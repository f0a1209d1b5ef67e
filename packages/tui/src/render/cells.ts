// Each transcript cell as text lines (with ANSI colour when the theme has colour). The Ink UI and
// the plain-text mode share this, so both show the same transcript.
import { type ResponseItem, toolCallSubject, webSearchQuery } from '@agent/protocol'
import type { Cell } from '../transcript/cells.js'
import { renderFileChange, renderUnifiedDiff } from './diff.js'
import { renderMarkdown } from './markdown.js'
import { sanitize } from './sanitize.js'
import type { Theme } from './theme.js'

export interface CellRenderOptions {
  /** Lines of command output shown for a finished command (head and tail; default 6). */
  outputLines?: number
  /** Lines of a diff shown per file (default 80). */
  diffLines?: number
  /** Paths under this directory are shown relative to it. */
  cwd?: string | undefined
}

/** `path` relative to `cwd` when it is inside it. */
export function displayPath(path: string, cwd: string | undefined): string {
  if (!cwd) return path
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`
  return path.startsWith(base) ? path.slice(base.length) : path
}

export function renderCell(cell: Cell, theme: Theme, options: CellRenderOptions = {}): string[] {
  const outputLines = options.outputLines ?? 6
  switch (cell.kind) {
    case 'session':
      return [
        `${theme.bold('agent')} ${theme.dim(cell.resumed ? 'resumed session' : 'session')} ${theme.dim(cell.sessionId)}`,
        theme.dim(`model ${cell.model} · ${cell.cwd}`),
        ...(cell.resumed
          ? []
          : [theme.dim('Type a request, / for commands, @ to mention a file, ! to run a shell command.')]),
      ]
    case 'user':
      return sanitize(cell.text)
        .split('\n')
        .map((line, i) => (i === 0 ? `${theme.accent('›')} ${theme.bold(line)}` : `  ${theme.bold(line)}`))
    case 'assistant':
      return cell.lines.map((line, i) =>
        i === 0 && !cell.continued ? `${theme.accent('•')} ${line}` : `  ${line}`,
      )
    case 'reasoning':
      return cell.text.split('\n').map((line) => theme.dim(theme.italic(line)))
    case 'exec':
      return renderExec(cell, theme, outputLines)
    case 'patch': {
      const title =
        cell.state === 'applying'
          ? theme.warn('◌ Applying patch')
          : cell.state === 'applied'
            ? theme.ok(
                `✓ Edited ${Object.keys(cell.changes).length} file${Object.keys(cell.changes).length === 1 ? '' : 's'}`,
              )
            : theme.bad('✗ Patch failed')
      const body = Object.entries(cell.changes).flatMap(([path, change]) =>
        renderFileChange(displayPath(path, options.cwd), change, theme, {
          maxLines: options.diffLines ?? 80,
        }).map((l) => `  ${l}`),
      )
      return [
        title + (cell.autoApproved ? theme.dim(' (auto-approved)') : ''),
        ...body,
        ...(cell.error ? [`  ${theme.bad(cell.error)}`] : []),
      ]
    }
    case 'diff':
      return [theme.bold(cell.title), ...renderUnifiedDiff(cell.diff, theme).map((l) => `  ${l}`)]
    case 'plan': {
      const done = cell.steps.filter((s) => s.status === 'completed').length
      return [
        `${theme.bold('Plan')} ${theme.dim(`${done}/${cell.steps.length} done`)}`,
        ...(cell.explanation ? [`  ${theme.dim(cell.explanation)}`] : []),
        ...cell.steps.map((s) =>
          s.status === 'completed'
            ? `  ${theme.ok('☒')} ${theme.dim(theme.chalk.strikethrough(s.step))}`
            : s.status === 'in_progress'
              ? `  ${theme.accent('▶')} ${theme.bold(s.step)}`
              : `  ☐ ${s.step}`,
        ),
      ]
    }
    case 'mcp': {
      const args = cell.args === undefined ? '' : truncateLine(JSON.stringify(cell.args), 80)
      const head = `${cell.running ? theme.warn('◌') : cell.ok ? theme.ok('✓') : theme.bad('✗')} ${theme.bold(`${cell.server}.${cell.tool}`)}${theme.dim(`(${args})`)}`
      const meta = cell.durationMs !== undefined ? theme.dim(` · ${formatDuration(cell.durationMs)}`) : ''
      const result = cell.result
        ? headTail(cell.result.split('\n'), outputLines, theme).map((l) => `  ${theme.dim('│')} ${l}`)
        : []
      return [head + meta, ...result]
    }
    case 'tool': {
      // Claude Code's shape: `● Read(src/app.ts)` and one summary line under it.
      const mark = cell.running ? theme.warn('◌') : cell.ok ? theme.ok('●') : theme.bad('●')
      const subject = toolCallSubject(cell.args)
      const head =
        theme.bold(sanitize(cell.tool)) +
        (subject === undefined ? '' : theme.dim(`(${sanitize(displayPath(subject, options.cwd))})`))
      const meta = cell.durationMs !== undefined ? theme.dim(` · ${formatDuration(cell.durationMs)}`) : ''
      if (cell.running || cell.output === undefined) return [`${mark} ${head}${meta}`]
      const summary = toolResultSummary(cell.output, cell.outputChars)
      return [
        `${mark} ${head}${meta}`,
        `  ${theme.dim('⎿')} ${cell.ok ? theme.dim(summary) : theme.bad(summary)}`,
      ]
    }
    case 'search': {
      const query = cell.query ? sanitize(truncateLine(cell.query, 100)) : ''
      if (cell.running)
        return [`${theme.warn('◌')} ${theme.bold('Searching the web')}${query ? ` ${theme.dim(query)}` : ''}`]
      if (cell.failed)
        return [`${theme.bad('✗')} ${theme.bold('Web search failed')}${query ? ` ${theme.dim(query)}` : ''}`]
      return [`${theme.ok('🔎')} ${theme.bold('Searched')} ${query || theme.dim('the web')}`]
    }
    case 'hook': {
      const mark =
        cell.outcome === 'success'
          ? theme.dim('hook')
          : cell.outcome === 'blocked'
            ? theme.warn('hook blocked')
            : theme.bad(`hook ${cell.outcome}`)
      return [`${mark} ${theme.dim(cell.event)}${cell.message ? `: ${sanitize(cell.message)}` : ''}`]
    }
    case 'notice': {
      const [first = '', ...rest] = sanitize(cell.text).split('\n')
      const style = { info: theme.dim, warning: theme.warn, error: theme.bad, decision: (t: string) => t }[
        cell.level
      ]
      const prefix = { info: '', warning: '⚠ ', error: '■ ', decision: '' }[cell.level]
      return [style(prefix + first), ...rest.map((l) => style(l))]
    }
    case 'history':
      return renderHistory(cell.items, theme)
  }
}

function renderExec(cell: Extract<Cell, { kind: 'exec' }>, theme: Theme, outputLines: number): string[] {
  const command = formatCommand(cell.command)
  let mark: string
  let meta = ''
  if (cell.running) mark = theme.warn('◌')
  else if (cell.exitCode === 0) mark = theme.ok('✓')
  else mark = theme.bad('✗')
  if (!cell.running) {
    const parts = [`exit ${cell.exitCode}`]
    if (cell.timedOut) parts.push('timed out')
    if (cell.durationMs !== undefined) parts.push(formatDuration(cell.durationMs))
    meta = theme.dim(` · ${parts.join(' · ')}`)
  }
  const sandbox = cell.sandbox && cell.sandbox !== 'none' ? theme.dim(` [${cell.sandbox}]`) : ''
  const lines = sanitize(cell.output).replace(/\n$/, '').split('\n')
  const output =
    cell.output.trim() === ''
      ? []
      : cell.running
        ? tail(lines, outputLines, theme)
        : cell.expanded
          ? lines
          : headTail(lines, outputLines, theme)
  return [
    `${mark} ${theme.bold('$')} ${command}${sandbox}${meta}`,
    ...output.map((l) => `  ${theme.dim('│')} ${theme.dim(l)}`),
  ]
}

/** A command as the user would type it. */
export function formatCommand(argv: string[]): string {
  // `bash -lc "script"` is how models run shell scripts; show the script itself.
  if (argv.length === 3 && /(^|\/)(ba|z)?sh$/.test(argv[0] ?? '') && /^-l?c$/.test(argv[1] ?? ''))
    return sanitize(argv[2] ?? '')
  return sanitize(
    argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' '),
  )
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
}

function headTail(lines: string[], max: number, theme: Theme): string[] {
  if (lines.length <= max) return lines
  const head = Math.ceil(max / 2)
  const tailCount = max - head
  return [
    ...lines.slice(0, head),
    theme.dim(`… +${lines.length - max} lines (ctrl+o shows all)`),
    ...lines.slice(lines.length - tailCount),
  ]
}

function tail(lines: string[], max: number, theme: Theme): string[] {
  if (lines.length <= max) return lines
  return [theme.dim(`… ${lines.length - max} lines above`), ...lines.slice(lines.length - max)]
}

/** One line about a tool's result: the line itself when there is one, else how many lines. */
export function toolResultSummary(output: string, totalChars?: number): string {
  const lines = sanitize(output).trimEnd().split('\n')
  if (lines.length === 1 && totalChars === undefined) return truncateLine(lines[0] || '(no output)', 100)
  const more = totalChars !== undefined ? '+' : ''
  return `${truncateLine(lines[0] ?? '', 60)} … (${lines.length}${more} lines)`
}

function truncateLine(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function renderHistory(items: ResponseItem[], theme: Theme): string[] {
  const out: string[] = [theme.dim('─── earlier in this session ───')]
  for (const item of items) {
    if (item.type === 'message' && (item.role === 'user' || item.role === 'assistant')) {
      const text = sanitize(item.content.map((p) => ('text' in p ? p.text : '[image]')).join(''))
      // Environment context and instructions are for the model, not the user.
      if (item.role === 'user' && /^\s*<(environment_context|user_instructions|INSTRUCTIONS)/.test(text))
        continue
      if (item.role === 'user')
        out.push(...text.split('\n').map((l, i) => (i === 0 ? `${theme.accent('›')} ${l}` : `  ${l}`)))
      else
        out.push(
          ...renderMarkdown(text, theme).map((l, i) => (i === 0 ? `${theme.accent('•')} ${l}` : `  ${l}`)),
        )
    } else if (item.type === 'function_call') {
      out.push(theme.dim(`  ↳ ${item.name}(${truncateLine(item.arguments, 70)})`))
    } else if (item.type === 'custom_tool_call') {
      out.push(theme.dim(`  ↳ ${item.name}(${truncateLine(item.input, 70)})`))
    } else if (item.type === 'web_search_call') {
      out.push(theme.dim(`  ↳ 🔎 searched ${truncateLine(sanitize(webSearchQuery(item)) || 'the web', 70)}`))
    }
  }
  out.push(theme.dim('───'))
  return out
}
