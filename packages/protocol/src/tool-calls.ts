// How a generic tool call (`tool_call_begin` / `tool_call_end`) is shown in one line: the tool's
// name and the argument that says what the call is about, e.g. `Read(src/app.ts)`. The TUI, the
// CLI's human output and ACP share it, so a call reads the same everywhere.

/** Argument names that say what a call is about, most telling first. */
const SUBJECT_KEYS = [
  'file_path',
  'notebook_path',
  'pattern',
  'path',
  'dir_path',
  'url',
  'query',
  'cmd',
  'command',
  'description',
  'prompt',
] as const

/** The argument a one-line display shows (its first line, at most `max` characters), if any. */
export function toolCallSubject(args: unknown, max = 80): string | undefined {
  let text: string | undefined
  if (typeof args === 'string') text = args
  else if (args && typeof args === 'object' && !Array.isArray(args)) {
    const record = args as Record<string, unknown>
    for (const key of SUBJECT_KEYS) {
      const value = record[key]
      if (typeof value === 'string' && value.trim() !== '') text = value
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
        text = value.join(' ')
      if (text !== undefined) break
    }
  }
  if (text === undefined) return undefined
  const line = text.trim().split('\n')[0] ?? ''
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

/** `Read(src/app.ts)`, or the tool's name alone when no argument tells what the call is about. */
export function toolCallLabel(tool: string, args: unknown): string {
  const subject = toolCallSubject(args)
  return subject === undefined ? tool : `${tool}(${subject})`
}
