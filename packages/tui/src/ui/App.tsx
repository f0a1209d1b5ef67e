// The interactive UI: finished transcript cells written once through <Static>, and a small live
// region (running commands, the streaming line, the prompt or approval, the status line) that
// is all Ink redraws. The live region is kept shorter than the screen so Ink never repaints
// the whole terminal.
import { Box, Static, Text, useInput, useStdout } from 'ink'
import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react'
import type { CommandInfo, SessionChoice } from '../commands.js'
import type { SessionController } from '../controller.js'
import {
  type Completion,
  type CompletionToken,
  matchCommands,
  matchFiles,
  tokenAt,
} from '../input/completion.js'
import * as ed from '../input/editor.js'
import { HistoryCursor, type PromptHistory } from '../input/history.js'
import { attachImage, pastedImagePath } from '../input/images.js'
import { renderCell } from '../render/cells.js'
import { sanitize } from '../render/sanitize.js'
import type { Theme } from '../render/theme.js'
import type { Cell } from '../transcript/cells.js'
import type { TranscriptStore } from '../transcript/store.js'
import { ApprovalPrompt } from './ApprovalPrompt.js'
import { Composer } from './Composer.js'
import { SessionPicker } from './SessionPicker.js'
import { StatusLine } from './StatusLine.js'
import { useTerminalSize } from './use-terminal-size.js'

export interface AppProps {
  store: TranscriptStore
  controller: SessionController
  theme: Theme
  history: PromptHistory
  /** Project files for `@` completion (may fill in later). */
  files: () => readonly string[]
  /** Sessions to pick from right away (`/resume` sets this too). */
  picker?: SessionChoice[] | undefined
  registerPicker?: (open: (sessions: SessionChoice[]) => void) => void
  onExit(): void
  /** Time within which a second Ctrl+C exits (default 2 s). */
  exitWindowMs?: number
}

const LIVE_OUTPUT_LINES = 4

interface InputState {
  editor: ed.EditorState
  menuIndex: number
  menuClosed: boolean
}

export function App(props: AppProps) {
  const { store, controller, theme, history } = props
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot)
  // Slash commands, including those the host adds once the session is up (MCP prompts).
  const commands = useSyncExternalStore(controller.subscribeCommands, controller.getCommands)
  const { columns, rows } = useTerminalSize()
  const epoch = useReflowOnResize(columns)
  useEffect(() => store.setPreviewLimit(Math.max(40, columns * 3 - 4)), [store, columns])
  // The composer's state lives in a ref so that keys arriving faster than React re-renders
  // (typed-ahead text, terminal multiplexers) always edit the latest text.
  const [, rerender] = useReducer((n: number) => n + 1, 0)
  const inputRef = useRef<InputState>({ editor: ed.emptyEditor, menuIndex: 0, menuClosed: false })
  const menuCache = useRef<{ key: string; commands: readonly CommandInfo[]; items: Completion[] }>({
    key: '',
    commands: [],
    items: [],
  })
  const update = (patch: Partial<InputState>) => {
    inputRef.current = { ...inputRef.current, ...patch }
    rerender()
  }
  const setEditor = (editor: ed.EditorState) => update({ editor })
  const setMenuIndex = (menuIndex: number) => update({ menuIndex })
  const setMenuClosed = (menuClosed: boolean) => update({ menuClosed })
  const completions = (state: InputState): { token: CompletionToken | undefined; menu: Completion[] } => {
    const token = tokenAt(state.editor.text, state.editor.cursor)
    if (!token || state.menuClosed) return { token, menu: [] }
    const key = `${token.kind}\u0000${token.query}`
    if (menuCache.current.key !== key || menuCache.current.commands !== commands) {
      const items =
        token.kind === 'command'
          ? matchCommands(commands, token.query)
          : matchFiles(props.files(), token.query)
      menuCache.current = { key, commands, items }
    }
    return { token, menu: menuCache.current.items }
  }
  const [hint, setHint] = useState<string | undefined>(undefined)
  const [picker, setPicker] = useState<SessionChoice[] | undefined>(props.picker)
  const [now, setNow] = useState(Date.now())
  const cursor = useMemo(() => new HistoryCursor(history), [history])
  const exitArmed = useRef(0)
  const pasting = useRef<string | undefined>(undefined)
  const turnStarted = useRef(0)

  useEffect(() => props.registerPicker?.((sessions) => setPicker(sessions)), [props.registerPicker])
  useEffect(() => {
    if (history.error) store.push({ kind: 'notice', level: 'warning', text: history.error })
  }, [history, store])

  // The elapsed-time counter ticks once a second while a turn runs, no faster.
  useEffect(() => {
    if (!snapshot.turnRunning) return
    turnStarted.current = Date.now()
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [snapshot.turnRunning])

  const { editor, menuIndex } = inputRef.current
  const { menu } = completions(inputRef.current)
  const approval = snapshot.approvals[0]

  const accept = (choice: Completion | undefined): boolean => {
    const { editor } = inputRef.current
    const { token } = completions(inputRef.current)
    if (!choice || !token) return false
    const value = `${choice.value} `
    update({
      editor: {
        ...editor,
        text: editor.text.slice(0, token.start) + value + editor.text.slice(token.end),
        cursor: token.start + value.length,
      },
      menuIndex: 0,
    })
    return true
  }

  const submit = () => {
    const text = ed.expandedText(inputRef.current.editor)
    if (text.trim() === '') return
    history.add(text)
    cursor.reset()
    setEditor(ed.emptyEditor)
    void controller.send(text)
  }

  const ctrlC = () => {
    const windowMs = props.exitWindowMs ?? 2000
    if (Date.now() - exitArmed.current < windowMs) return props.onExit()
    exitArmed.current = Date.now()
    if (store.getSnapshot().turnRunning) controller.interrupt()
    else if (inputRef.current.editor.text !== '') setEditor(ed.emptyEditor)
    setHint('Ctrl+C again to exit')
    setTimeout(() => setHint(undefined), windowMs)
  }

  const edit = (next: ed.EditorState) => update({ editor: next, menuClosed: false, menuIndex: 0 })
  // A pasted path to an image file (e.g. a file dragged onto the terminal) becomes an image chip.
  const pasteInto = (editor: ed.EditorState, text: string) => {
    const image = pastedImagePath(text, store.getSnapshot().status.cwd)
    return image ? attachImage(editor, image) : ed.paste(editor, text)
  }

  useInput(
    (input, key) => {
      const { editor, menuIndex } = inputRef.current
      const { token, menu } = completions(inputRef.current)
      // Bracketed paste: everything between the markers is text, newlines included.
      if (input === '[200~') {
        pasting.current = ''
        return
      }
      if (pasting.current !== undefined) {
        if (input === '[201~') {
          const text = pasting.current
          pasting.current = undefined
          edit(pasteInto(editor, text))
        } else pasting.current += key.return ? '\n' : input
        return
      }
      if (key.ctrl && input === 'c') return ctrlC()
      if (key.ctrl && input === 'd') {
        if (editor.text === '') return props.onExit()
        return edit(ed.deleteForward(editor))
      }
      if (key.ctrl && input === 'o') {
        const last = store.getSnapshot().lastCommand
        if (last) store.push({ ...last, expanded: true })
        return
      }
      if (key.escape) {
        if (menu.length > 0) return setMenuClosed(true)
        if (store.getSnapshot().turnRunning) controller.interrupt()
        return
      }
      if (key.return) {
        if (key.meta || key.shift) return edit(ed.insert(editor, '\n'))
        if (menu.length > 0 && token) {
          const choice = menu[menuIndex]
          // Enter completes a partly typed name; on a complete one it sends.
          if (choice && choice.value !== editor.text.slice(token.start, token.end)) {
            if (token.kind === 'command') {
              setEditor(ed.emptyEditor)
              history.add(choice.value)
              void controller.send(choice.value)
              return
            }
            accept(choice)
            return
          }
        }
        if (editor.text.slice(editor.cursor - 1, editor.cursor) === '\\')
          return edit(ed.insert(ed.backspace(editor), '\n'))
        return submit()
      }
      if (input === '\n') return edit(ed.insert(editor, '\n'))
      if (key.tab) {
        if (menu.length > 0) accept(menu[menuIndex])
        return
      }
      if (key.upArrow) {
        if (menu.length > 0) return setMenuIndex((menuIndex + menu.length - 1) % menu.length)
        const up = ed.moveUp(editor)
        if (up) return setEditor(up)
        const entry = cursor.up(editor.text)
        if (entry !== undefined) setEditor(ed.editorFrom(entry))
        setMenuClosed(true)
        return
      }
      if (key.downArrow) {
        if (menu.length > 0) return setMenuIndex((menuIndex + 1) % menu.length)
        const down = ed.moveDown(editor)
        if (down) return setEditor(down)
        const entry = cursor.down()
        if (entry !== undefined) setEditor(ed.editorFrom(entry))
        setMenuClosed(true)
        return
      }
      if (key.leftArrow)
        return setEditor(key.ctrl || key.meta ? ed.moveWordLeft(editor) : ed.moveLeft(editor))
      if (key.rightArrow)
        return setEditor(key.ctrl || key.meta ? ed.moveWordRight(editor) : ed.moveRight(editor))
      if (key.home || (key.ctrl && input === 'a')) return setEditor(ed.lineStart(editor))
      if (key.end || (key.ctrl && input === 'e')) return setEditor(ed.lineEnd(editor))
      if (key.ctrl && input === 'u') return edit(ed.killToLineStart(editor))
      if (key.ctrl && input === 'k') return edit(ed.killToLineEnd(editor))
      if (key.ctrl && input === 'w') return edit(ed.deleteWordBefore(editor))
      // Ink reports the Backspace key (DEL) as `delete`.
      if (key.backspace || key.delete)
        return edit(key.meta ? ed.deleteWordBefore(editor) : ed.backspace(editor))
      if (key.ctrl || input === '') return
      if (input.length > 1 || /[\r\n]/.test(input)) {
        // Text that arrived in one read without paste markers: a paste, unless it is typed-ahead
        // text ending in one Enter, which is sent.
        const typedAhead = /^[^\r\n]+\r$/.exec(input)
        if (typedAhead) {
          const text = ed.expandedText(ed.insert(editor, input.slice(0, -1)))
          history.add(text)
          cursor.reset()
          setEditor(ed.emptyEditor)
          void controller.send(text)
          return
        }
        return edit(pasteInto(editor, input))
      }
      edit(ed.insert(editor, input))
    },
    { isActive: approval === undefined && picker === undefined },
  )

  // Ctrl+C still works while an approval or picker has the keyboard.
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') ctrlC()
    },
    { isActive: approval !== undefined },
  )

  const liveBudget = Math.max(6, rows - 2)
  const composerRows = Math.max(1, Math.min(8, Math.floor(rows / 3)))
  const elapsed = Math.max(0, Math.floor((now - turnStarted.current) / 1000))
  // Each running cell takes at most its title, its last output lines and a margin; show as many
  // as fit above the prompt and status line.
  const maxLiveCells = Math.max(1, Math.floor((rows - composerRows - 6) / (LIVE_OUTPUT_LINES + 3)))
  const liveCells = snapshot.live.slice(-maxLiveCells)
  const statusHint = hint ?? (snapshot.turnRunning ? undefined : editor.text === '' ? '? /help' : undefined)

  return (
    <>
      <Static key={epoch} items={snapshot.committed as Cell[]}>
        {(cell, index) => (
          <Box key={index} marginTop={cell.kind === 'assistant' && cell.continued ? 0 : 1} width={columns}>
            <Text wrap="wrap">{renderCell(cell, theme, { cwd: snapshot.status.cwd }).join('\n')}</Text>
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={columns}>
        {liveCells.map((cell) => (
          <Box key={'callId' in cell ? cell.callId : cell.kind} marginTop={1} flexDirection="column">
            {renderCell(cell, theme, {
              outputLines: LIVE_OUTPUT_LINES,
              diffLines: 6,
              cwd: snapshot.status.cwd,
            })
              .slice(0, LIVE_OUTPUT_LINES + 2)
              .map((line, i) => (
                // One row per line: Ink truncates a multi-line text as a whole.
                // biome-ignore lint/suspicious/noArrayIndexKey: a line's place is its identity here
                <Text key={i} wrap="truncate-end">
                  {line}
                </Text>
              ))}
          </Box>
        ))}
        {snapshot.live.length > liveCells.length && (
          <Text>{theme.dim(`+${snapshot.live.length - liveCells.length} more running`)}</Text>
        )}
        {snapshot.reasoning !== '' && (
          <Text wrap="truncate">{theme.dim(theme.italic(lastLine(snapshot.reasoning)))}</Text>
        )}
        {snapshot.partialLine !== '' && <Text wrap="wrap">{`  ${snapshot.partialLine}`}</Text>}
        {snapshot.pendingSteers.map((steer) => (
          <Text key={steer.id} wrap="truncate">
            {theme.dim(`↳ ${firstLine(steer.text)}  · queued: the agent reads it at its next step`)}
          </Text>
        ))}
        <Box marginTop={1} flexDirection="column">
          {approval ? (
            <ApprovalPrompt
              key={approval.callId}
              request={approval}
              theme={theme}
              columns={columns}
              cwd={snapshot.status.cwd}
              maxRows={liveBudget - 4}
              onAnswer={(answer) => controller.answer(approval, answer)}
              onShowAll={(text) => store.push({ kind: 'notice', level: 'decision', text })}
            />
          ) : picker ? (
            <SessionPicker
              sessions={picker}
              theme={theme}
              maxRows={Math.min(12, liveBudget - 2)}
              onPick={(id) => {
                setPicker(undefined)
                if (id) void controller.resume(id)
              }}
            />
          ) : (
            <Composer
              columns={columns}
              editor={editor}
              theme={theme}
              maxRows={composerRows}
              placeholder={
                snapshot.turnRunning
                  ? 'Steer the agent (it reads this at its next step)'
                  : 'Ask the agent to do something'
              }
            />
          )}
          {!approval && !picker && menu.length > 0 && (
            <Box flexDirection="column">
              {menu.map((item, i) => (
                <Text key={item.value} wrap="truncate">
                  {i === menuIndex ? theme.accent('› ') : '  '}
                  {i === menuIndex ? theme.bold(item.label) : item.label}
                  {item.description ? theme.dim(`  ${item.description}`) : ''}
                </Text>
              ))}
            </Box>
          )}
        </Box>
        <StatusLine
          status={snapshot.status}
          theme={theme}
          columns={columns}
          hint={statusHint}
          activity={
            snapshot.turnRunning
              ? `${snapshot.approvals.length ? 'Waiting for approval' : snapshot.activity || 'Working'} ${elapsed}s`
              : undefined
          }
        />
      </Box>
    </>
  )
}

/**
 * When the width changes the terminal re-wraps what is on screen and the live region no longer
 * lines up with what Ink erases; so, once the resizing settles, clear the screen and scrollback
 * and write the transcript again at the new width (a new key remounts <Static>).
 */
function useReflowOnResize(columns: number): number {
  const { stdout } = useStdout()
  const [epoch, setEpoch] = useState(0)
  const first = useRef(columns)
  useEffect(() => {
    if (columns === first.current) return
    const timer = setTimeout(() => {
      first.current = columns
      stdout.write('\u001b[H\u001b[2J\u001b[3J')
      setEpoch((n) => n + 1)
    }, 150)
    return () => clearTimeout(timer)
  }, [columns, stdout])
  return epoch
}

function lastLine(text: string): string {
  const lines = sanitize(text).trimEnd().split('\n')
  return lines[lines.length - 1] ?? ''
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? ''
  return line.length < text.length ? `${line} …` : line
}
