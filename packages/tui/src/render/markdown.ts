// Markdown for the terminal, one line at a time: assistant text streams in, and each completed
// line is rendered once and committed to the scrollback, so the renderer keeps only the state
// a line cannot carry by itself (whether a fenced code block is open).
import type { Theme } from './theme.js'

export interface MarkdownLineRenderer {
  /** Renders one complete source line (without its newline). */
  line(source: string): string
  /** Renders the unfinished last line without changing the block state. */
  preview(source: string): string
}

export function createMarkdownRenderer(theme: Theme): MarkdownLineRenderer {
  let fence: string | undefined
  const render = (source: string, commit: boolean): string => {
    const fenceMatch = /^\s*(```+|~~~+)\s*([\w+-]*)/.exec(source)
    if (fenceMatch) {
      const marker = fenceMatch[1] as string
      if (fence === undefined) {
        if (commit) fence = marker
        return theme.dim(fenceMatch[2] ? `┌ ${fenceMatch[2]}` : '┌')
      }
      if (marker.startsWith(fence)) {
        if (commit) fence = undefined
        return theme.dim('└')
      }
    }
    if (fence !== undefined) return `${theme.dim('│')} ${theme.code(source)}`
    return renderBlockLine(source, theme)
  }
  return { line: (s) => render(s, true), preview: (s) => render(s, false) }
}

/** Renders a whole markdown text (for messages that arrive complete). */
export function renderMarkdown(text: string, theme: Theme): string[] {
  const renderer = createMarkdownRenderer(theme)
  return text.split('\n').map((line) => renderer.line(line))
}

function renderBlockLine(source: string, theme: Theme): string {
  const heading = /^(#{1,6})\s+(.*)$/.exec(source)
  if (heading) {
    const text = renderInline(heading[2] as string, theme)
    return heading[1] === '#' ? theme.bold(theme.chalk.underline(text)) : theme.bold(text)
  }
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(source)) return theme.dim('─'.repeat(40))
  const quote = /^\s*>\s?(.*)$/.exec(source)
  if (quote) return `${theme.dim('▌')} ${theme.italic(renderInline(quote[1] as string, theme))}`
  const bullet = /^(\s*)[-*+]\s+(\[[ xX]\]\s+)?(.*)$/.exec(source)
  if (bullet) {
    const box = bullet[2] ? (bullet[2].trim().toLowerCase() === '[x]' ? '☒ ' : '☐ ') : ''
    return `${bullet[1]}• ${box}${renderInline(bullet[3] as string, theme)}`
  }
  const ordered = /^(\s*)(\d+)[.)]\s+(.*)$/.exec(source)
  if (ordered) return `${ordered[1]}${ordered[2]}. ${renderInline(ordered[3] as string, theme)}`
  return renderInline(source, theme)
}

/** Inline spans: `code`, **bold**, *italic* / _italic_, [text](url). Code spans are left literal. */
export function renderInline(source: string, theme: Theme): string {
  const parts = source.split(/(`[^`]+`)/)
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return theme.code(part.slice(1, -1))
      return part
        .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_m, a, b) => theme.bold(a ?? b))
        .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\*)|(^|\W)_([^_\s][^_]*)_(?!\w)/g, (_m, p1, a, p2, b) =>
          a !== undefined ? `${p1}${theme.italic(a)}` : `${p2}${theme.italic(b)}`,
        )
        .replace(
          /\[([^\]]+)\]\(([^)\s]+)\)/g,
          (_m, text, url) => `${theme.chalk.underline(text)} ${theme.dim(`(${url})`)}`,
        )
    })
    .join('')
}
