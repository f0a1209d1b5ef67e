// The inline approval prompt: what the agent wants to run or change, why it asks, and the
// choices. Keys: y, a, p, d, n (deny and say what to do instead), esc (deny and stop); or
// ↑/↓ and Enter.
import { Box, Text, useInput } from 'ink'
import { useReducer, useRef } from 'react'
import type { ApprovalAnswer } from '../controller.js'
import { displayPath, formatCommand } from '../render/cells.js'
import { renderFileChange } from '../render/diff.js'
import type { Theme } from '../render/theme.js'
import type { ApprovalRequest } from '../transcript/cells.js'

interface Choice {
  key: string
  label: string
  answer?: ApprovalAnswer
  /** Asks for feedback before answering. */
  feedback?: true
}

export function approvalChoices(request: ApprovalRequest): Choice[] {
  const choices: Choice[] = []
  if (request.kind === 'exec') {
    choices.push({
      key: 'y',
      label: request.retryWithoutSandbox ? 'Yes, run it without the sandbox' : 'Yes, run it',
      answer: { decision: 'approved' },
    })
    choices.push({
      key: 'a',
      label: 'Yes, and don’t ask again for this command this session',
      answer: { decision: 'approved_for_session' },
    })
    if (request.proposedPrefix?.length) {
      choices.push({
        key: 'p',
        label: `Yes, and don’t ask again for commands starting with \`${formatCommand(request.proposedPrefix)}\``,
        answer: { decision: 'approved_for_session', prefix: request.proposedPrefix },
      })
    }
  } else {
    choices.push({ key: 'y', label: 'Yes, apply it', answer: { decision: 'approved' } })
    choices.push({
      key: 'a',
      label: request.grantRoot
        ? `Yes, and allow edits under ${request.grantRoot} this session`
        : 'Yes, and don’t ask again for edits this session',
      answer: { decision: 'approved_for_session' },
    })
  }
  choices.push({ key: 'n', label: 'No, and tell the agent what to do instead', feedback: true })
  choices.push({ key: 'd', label: 'No', answer: { decision: 'denied' } })
  choices.push({ key: 'esc', label: 'No, and stop the turn', answer: { decision: 'abort' } })
  return choices
}

export interface ApprovalPromptProps {
  request: ApprovalRequest
  theme: Theme
  columns: number
  cwd?: string | undefined
  /** Rows the prompt may use; long diffs are cut to fit. */
  maxRows: number
  onAnswer(answer: ApprovalAnswer): void
  /** Writes the whole command or diff to the transcript (Ctrl+O). */
  onShowAll?: ((text: string) => void) | undefined
}

export function ApprovalPrompt({ request, theme, maxRows, cwd, onAnswer, onShowAll }: ApprovalPromptProps) {
  const fullText = () =>
    request.kind === 'exec'
      ? `$ ${formatCommand(request.command)}`
      : Object.entries(request.changes)
          .flatMap(([path, change]) => renderFileChange(displayPath(path, cwd), change, theme))
          .join('\n')
  const choices = approvalChoices(request)
  // Kept in a ref: keys can arrive faster than React re-renders (typed-ahead feedback).
  const state = useRef<{ selected: number; feedback: string | undefined }>({
    selected: 0,
    feedback: undefined,
  })
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const setSelected = (selected: number) => {
    state.current = { ...state.current, selected }
    rerender()
  }
  const setFeedback = (feedback: string | undefined) => {
    state.current = { ...state.current, feedback }
    rerender()
  }
  const { selected, feedback } = state.current

  useInput((input, key) => {
    const { selected, feedback } = state.current
    if (feedback !== undefined) {
      if (key.return)
        onAnswer({ decision: 'denied', ...(feedback.trim() ? { feedback: feedback.trim() } : {}) })
      else if (key.escape) setFeedback(undefined)
      else if (key.backspace || key.delete) setFeedback(feedback.slice(0, -1))
      else if (input && !key.ctrl && !key.meta) setFeedback(feedback + input.replace(/[\r\n]+/g, ' '))
      return
    }
    if (key.ctrl && input === 'o') return onShowAll?.(fullText())
    if (key.upArrow) return setSelected((selected + choices.length - 1) % choices.length)
    if (key.downArrow || key.tab) return setSelected((selected + 1) % choices.length)
    const choice = key.return
      ? choices[selected]
      : key.escape
        ? choices.find((c) => c.key === 'esc')
        : choices.find((c) => c.key === input.toLowerCase())
    if (!choice) return
    if (choice.feedback) setFeedback('')
    else if (choice.answer) onAnswer(choice.answer)
  })

  // Everything but the body takes one row per line; the body (the command, or the diff) is cut
  // to what fits, each line to one row, and Ctrl+O writes all of it to the transcript.
  const header: string[] = []
  let body: string[]
  const details: string[] = []
  if (request.subagent) header.push(theme.warn(`Subagent ${request.subagent} asks:`))
  if (request.kind === 'exec') {
    header.push(
      theme.bold(request.retryWithoutSandbox ? 'Run this command without the sandbox?' : 'Run this command?'),
    )
    body = formatCommand(request.command)
      .split('\n')
      .map((line, i) => (i === 0 ? `${theme.bold('$')} ${line}` : `  ${line}`))
    details.push(theme.dim(`in ${request.cwd}`))
  } else {
    const files = Object.keys(request.changes)
    header.push(theme.bold(`Apply these changes to ${files.length} file${files.length === 1 ? '' : 's'}?`))
    body = Object.entries(request.changes).flatMap(([path, change]) =>
      renderFileChange(displayPath(path, cwd), change, theme),
    )
  }
  if (request.reason) details.push(`${theme.warn('Why:')} ${request.reason}`)
  const fixed = header.length + details.length + choices.length + 3
  const room = Math.max(2, maxRows - fixed)
  const shownBody =
    body.length > room
      ? [...body.slice(0, room - 1), theme.dim(`… ${body.length - room + 1} more lines (ctrl+o shows all)`)]
      : body

  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.color ? 'yellow' : undefined}
      paddingX={1}
    >
      <Text>{header.join('\n')}</Text>
      {shownBody.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's place is its identity here
        <Text key={i} wrap="truncate-end">
          {`  ${line}`}
        </Text>
      ))}
      {details.map((line) => (
        <Text key={line} wrap="truncate-end">{`  ${line}`}</Text>
      ))}
      {feedback === undefined ? (
        choices.map((choice, i) => (
          <Text key={choice.key}>
            {i === selected ? theme.accent('› ') : '  '}
            {theme.bold(`${choice.key}`)} {i === selected ? theme.bold(choice.label) : choice.label}
          </Text>
        ))
      ) : (
        <Text>
          {theme.bold('Tell the agent what to do instead (Enter to send, Esc to go back):')}
          {'\n'}
          {theme.accent('›')} {feedback}
          {theme.inverse(' ')}
        </Text>
      )}
    </Box>
  )
}
