// A list of past sessions to pick one from (for `/resume` and `agent resume`).
import { Box, Text, useInput } from 'ink'
import { useState } from 'react'
import type { SessionChoice } from '../commands.js'
import type { Theme } from '../render/theme.js'

export interface SessionPickerProps {
  sessions: readonly SessionChoice[]
  theme: Theme
  maxRows: number
  onPick(id: string | undefined): void
}

export function SessionPicker({ sessions, theme, maxRows, onPick }: SessionPickerProps) {
  const [selected, setSelected] = useState(0)
  useInput((_input, key) => {
    if (key.upArrow) setSelected(Math.max(0, selected - 1))
    else if (key.downArrow) setSelected(Math.min(sessions.length - 1, selected + 1))
    else if (key.return) onPick(sessions[selected]?.id)
    else if (key.escape || (key.ctrl && _input === 'c')) onPick(undefined)
  })
  const rows = Math.max(1, maxRows - 2)
  const first = Math.max(0, Math.min(selected - Math.floor(rows / 2), sessions.length - rows))
  return (
    <Box flexDirection="column">
      <Text>
        {theme.bold('Resume which session?')} {theme.dim('(↑/↓, Enter; Esc to cancel)')}
      </Text>
      {sessions.slice(first, first + rows).map((s, i) => {
        const index = first + i
        const when = s.updatedAt.replace('T', ' ').slice(0, 16)
        const title = (s.title ?? '').replace(/\s+/g, ' ').slice(0, 60)
        return (
          <Text key={s.id} wrap="truncate">
            {index === selected ? theme.accent('› ') : '  '}
            {theme.dim(when)} {index === selected ? theme.bold(title || s.id) : title || s.id}
            {s.cwd ? theme.dim(`  ${s.cwd}`) : ''}
          </Text>
        )
      })}
    </Box>
  )
}
