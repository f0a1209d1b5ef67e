// The composer's text buffer: multi-line text with a cursor, edited by immutable operations so
// React can compare states cheaply. Large pastes are kept aside and shown as one placeholder.
export interface EditorState {
  text: string
  /** Cursor offset in `text` (UTF-16 units). */
  cursor: number
  /** Pasted texts shown as placeholders in `text`, expanded on submit. */
  pastes: ReadonlyArray<{ placeholder: string; text: string }>
}

export const emptyEditor: EditorState = { text: '', cursor: 0, pastes: [] }

/** Pastes longer than this (characters or lines) become a placeholder. */
export const LARGE_PASTE_CHARS = 800
export const LARGE_PASTE_LINES = 8

export function editorFrom(text: string): EditorState {
  return { text, cursor: text.length, pastes: [] }
}

export function insert(state: EditorState, input: string): EditorState {
  const text = state.text.slice(0, state.cursor) + input + state.text.slice(state.cursor)
  return { ...state, text, cursor: state.cursor + input.length }
}

export function paste(state: EditorState, input: string): EditorState {
  const normalized = input.replace(/\r\n?/g, '\n')
  const lines = normalized.split('\n').length
  if (normalized.length < LARGE_PASTE_CHARS && lines < LARGE_PASTE_LINES) return insert(state, normalized)
  const placeholder = `[Pasted text #${state.pastes.length + 1} +${lines} lines]`
  const next = insert(state, placeholder)
  return { ...next, pastes: [...state.pastes, { placeholder, text: normalized }] }
}

/** The text to submit, with paste placeholders replaced by what was pasted. */
export function expandedText(state: EditorState): string {
  let text = state.text
  for (const p of state.pastes) text = text.replace(p.placeholder, p.text)
  return text
}

export function backspace(state: EditorState): EditorState {
  if (state.cursor === 0) return state
  // A placeholder is deleted as a whole, like one character.
  for (const p of state.pastes) {
    const start = state.cursor - p.placeholder.length
    if (start >= 0 && state.text.slice(start, state.cursor) === p.placeholder) {
      return {
        text: state.text.slice(0, start) + state.text.slice(state.cursor),
        cursor: start,
        pastes: state.pastes.filter((x) => x !== p),
      }
    }
  }
  const step = charBefore(state.text, state.cursor)
  return {
    ...state,
    text: state.text.slice(0, state.cursor - step) + state.text.slice(state.cursor),
    cursor: state.cursor - step,
  }
}

export function deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state
  const step = charAfter(state.text, state.cursor)
  return { ...state, text: state.text.slice(0, state.cursor) + state.text.slice(state.cursor + step) }
}

export function moveLeft(state: EditorState): EditorState {
  return { ...state, cursor: state.cursor - charBefore(state.text, state.cursor) }
}

export function moveRight(state: EditorState): EditorState {
  return { ...state, cursor: Math.min(state.text.length, state.cursor + charAfter(state.text, state.cursor)) }
}

export function moveWordLeft(state: EditorState): EditorState {
  const before = state.text.slice(0, state.cursor)
  const match = /\S+\s*$/.exec(before)
  return { ...state, cursor: match ? match.index : 0 }
}

export function moveWordRight(state: EditorState): EditorState {
  const match = /^\s*\S+/.exec(state.text.slice(state.cursor))
  return { ...state, cursor: match ? state.cursor + match[0].length : state.text.length }
}

export function deleteWordBefore(state: EditorState): EditorState {
  const target = moveWordLeft(state).cursor
  return { ...state, text: state.text.slice(0, target) + state.text.slice(state.cursor), cursor: target }
}

export function lineStart(state: EditorState): EditorState {
  return { ...state, cursor: state.text.lastIndexOf('\n', state.cursor - 1) + 1 }
}

export function lineEnd(state: EditorState): EditorState {
  const end = state.text.indexOf('\n', state.cursor)
  return { ...state, cursor: end === -1 ? state.text.length : end }
}

export function killToLineStart(state: EditorState): EditorState {
  const start = lineStart(state).cursor
  return { ...state, text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start }
}

export function killToLineEnd(state: EditorState): EditorState {
  const end = lineEnd(state).cursor
  return {
    ...state,
    text: state.text.slice(0, state.cursor) + state.text.slice(end === state.cursor ? end + 1 : end),
  }
}

/** Row and column of the cursor, for vertical movement and drawing. */
export function cursorPosition(state: EditorState): { row: number; column: number } {
  const before = state.text.slice(0, state.cursor)
  const row = before.split('\n').length - 1
  return { row, column: state.cursor - (before.lastIndexOf('\n') + 1) }
}

/** Moves up one line; `undefined` when already on the first line (the caller recalls history). */
export function moveUp(state: EditorState): EditorState | undefined {
  const { row, column } = cursorPosition(state)
  if (row === 0) return undefined
  const lines = state.text.split('\n')
  return { ...state, cursor: offsetOf(lines, row - 1, column) }
}

export function moveDown(state: EditorState): EditorState | undefined {
  const { row, column } = cursorPosition(state)
  const lines = state.text.split('\n')
  if (row >= lines.length - 1) return undefined
  return { ...state, cursor: offsetOf(lines, row + 1, column) }
}

function offsetOf(lines: string[], row: number, column: number): number {
  let offset = 0
  for (let i = 0; i < row; i++) offset += (lines[i] ?? '').length + 1
  return offset + Math.min(column, (lines[row] ?? '').length)
}

function charBefore(text: string, index: number): number {
  if (index <= 0) return 0
  const code = text.charCodeAt(index - 1)
  return code >= 0xdc00 && code <= 0xdfff && index >= 2 ? 2 : 1
}

function charAfter(text: string, index: number): number {
  const code = text.charCodeAt(index)
  return code >= 0xd800 && code <= 0xdbff ? 2 : 1
}
