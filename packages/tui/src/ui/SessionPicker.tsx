// A list of past sessions to pick one from (for `/resume` and `agent resume`).
import { Box, Text, useInput } from 'ink'
import { useRef, useState } from 'react'
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
  // Keys can arrive faster than React re-renders (↓ then Enter in one burst): read the latest
  // selection from a ref, not from the render the handler was created in.
  const latest = useRef(0)
  const select = (index: number) => {
    latest.current = index
    setSelected(index)
  }
  useInput((_input, key) => {
    const current = latest.current
    if (key.upArrow) select(Math.max(0, current - 1))
    else if (key.downArrow) select(Math.min(sessions.length - 1, current + 1))
    else if (key.return) onPick(sessions[current]?.id)
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
