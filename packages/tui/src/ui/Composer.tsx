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
}

export function Composer({ editor, theme, maxRows, placeholder, dimmed }: ComposerProps) {
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
        let body = line
        if (index === row) {
          const at = line.slice(column, column + 1) || ' '
          body = line.slice(0, column) + theme.inverse(at) + line.slice(column + 1)
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
