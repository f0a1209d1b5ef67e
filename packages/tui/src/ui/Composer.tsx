// The input box: multi-line text with a visible cursor, scrolled to keep the cursor in view.
import { Box, Text } from 'ink'
import { cursorPosition, type EditorState } from '../input/editor.js'
import type { Theme } from '../render/theme.js'

export interface ComposerProps {
  editor: EditorState
  theme: Theme
  maxRows: number
  placeholder?: string
  dimmed?: boolean
  /** Terminal width: a very long line is shown as a window around the cursor. */
  columns?: number
}

/** At most `max` characters of `line`, around `column` when given: `…` marks what is hidden. */
function windowed(
  line: string,
  max: number,
  column: number | undefined,
): { text: string; column: number | undefined } {
  if (line.length <= max) return { text: line, column }
  const at = column ?? 0
  const start = Math.max(0, Math.min(at - Math.floor(max / 2), line.length - max))
  const head = start > 0 ? '…' : ''
  const tail = start + max < line.length ? '…' : ''
  return {
    text: head + line.slice(start, start + max) + tail,
    column: column === undefined ? undefined : at - start + head.length,
  }
}

export function Composer({ editor, theme, maxRows, placeholder, dimmed, columns = 80 }: ComposerProps) {
  const maxChars = Math.max(20, (columns - 4) * 3)
  const lines = editor.text.split('\n')
  const { row, column } = cursorPosition(editor)
  const first = Math.max(0, Math.min(row - maxRows + 1, lines.length - maxRows))
  const visible = lines.slice(first, first + maxRows)
  const prompt = theme.accent('›')
  if (editor.text === '' && placeholder) {
    return (
      <Box>
        <Text>
          {prompt} {theme.inverse(' ')}
          {theme.dim(placeholder)}
        </Text>
      </Box>
    )
  }
  return (
    <Box flexDirection="column">
      {visible.map((line, i) => {
        const index = first + i
        const lead = index === 0 ? `${prompt} ` : '  '
        const shown = windowed(line, maxChars, index === row ? column : undefined)
        let body = shown.text
        if (shown.column !== undefined) {
          const c = shown.column
          body = body.slice(0, c) + theme.inverse(body.slice(c, c + 1) || ' ') + body.slice(c + 1)
        }
        return (
          <Text key={index} wrap="wrap" dimColor={dimmed}>
            {lead}
            {body}
          </Text>
        )
      })}
      {lines.length > maxRows && <Text>{theme.dim(`  (${lines.length} lines)`)}</Text>}
    </Box>
  )
}
