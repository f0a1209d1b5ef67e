// Parser for the Codex patch format (`*** Begin Patch` … `*** End Patch`): turns the text into
// hunks without touching the file system. Lenient where models are known to slip (heredoc
// wrapper, whitespace around markers), strict where a guess could damage a file.

export type PatchHunk =
  | { type: 'add'; path: string; contents: string }
  | { type: 'delete'; path: string }
  | { type: 'update'; path: string; movePath?: string; chunks: UpdateChunk[] }

export interface UpdateChunk {
  /** The `@@ <text>` line: a line (class, function) the chunk must come after. */
  changeContext?: string
  oldLines: string[]
  newLines: string[]
  /** `*** End of File`: the old lines must be at the end of the file. */
  isEndOfFile: boolean
}

export interface ParsedPatch {
  hunks: PatchHunk[]
  /** The patch text itself, without a heredoc wrapper. */
  patch: string
}

/** A patch that cannot be parsed; `message` is Codex's wording, shown to the model as is. */
export class PatchParseError extends Error {
  readonly kind: 'invalid_patch' | 'invalid_hunk'
  readonly lineNumber?: number
  constructor(kind: 'invalid_patch' | 'invalid_hunk', detail: string, lineNumber?: number) {
    super(
      kind === 'invalid_patch' ? `invalid patch: ${detail}` : `invalid hunk at line ${lineNumber}, ${detail}`,
    )
    this.name = 'PatchParseError'
    this.kind = kind
    this.detail = detail
    if (lineNumber !== undefined) this.lineNumber = lineNumber
  }
  readonly detail: string
}

const BEGIN = '*** Begin Patch'
const END = '*** End Patch'
const ADD = '*** Add File: '
const DELETE = '*** Delete File: '
const UPDATE = '*** Update File: '
const MOVE = '*** Move to: '
const EOF_MARKER = '*** End of File'
const HEREDOC_STARTS = new Set(['<<EOF', "<<'EOF'", '<<"EOF"'])

/** Splits like Rust's `str::lines`: `\n` separated, a trailing `\r` dropped from each line. */
function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
}

function checkBoundaries(lines: string[]): PatchParseError | undefined {
  const first = lines[0]?.trim()
  const last = lines[lines.length - 1]?.trim()
  if (first === BEGIN && last === END && lines.length >= 2) return undefined
  if (first !== BEGIN) {
    return new PatchParseError('invalid_patch', "The first line of the patch must be '*** Begin Patch'")
  }
  return new PatchParseError('invalid_patch', "The last line of the patch must be '*** End Patch'")
}

/** Parses a patch. Throws `PatchParseError` with Codex's message on malformed input. */
export function parsePatch(text: string): ParsedPatch {
  let lines = splitLines(text.trim())
  const error = checkBoundaries(lines)
  if (error) {
    // GPT-4.1 sends the heredoc wrapper as part of the argument (`<<'EOF'\n...\nEOF`).
    const first = lines[0]
    const last = lines[lines.length - 1]
    if (
      first !== undefined &&
      last !== undefined &&
      lines.length >= 4 &&
      HEREDOC_STARTS.has(first) &&
      last.endsWith('EOF')
    ) {
      const inner = lines.slice(1, -1)
      const innerError = checkBoundaries(inner)
      if (innerError) throw innerError
      lines = inner
    } else {
      throw error
    }
  }
  const body = lines.slice(1, -1)
  const hunks: PatchHunk[] = []
  let index = 0
  let lineNumber = 2
  while (index < body.length) {
    const { hunk, consumed } = parseHunk(body, index, lineNumber)
    hunks.push(hunk)
    index += consumed
    lineNumber += consumed
  }
  return { hunks, patch: lines.join('\n') }
}

function parseHunk(
  lines: string[],
  start: number,
  lineNumber: number,
): { hunk: PatchHunk; consumed: number } {
  const header = (lines[start] ?? '').trim()
  if (header.startsWith(ADD)) {
    const path = header.slice(ADD.length)
    let contents = ''
    let consumed = 1
    for (let i = start + 1; i < lines.length; i++) {
      const line = lines[i] as string
      if (!line.startsWith('+')) break
      contents += `${line.slice(1)}\n`
      consumed++
    }
    return { hunk: { type: 'add', path, contents }, consumed }
  }
  if (header.startsWith(DELETE)) {
    return { hunk: { type: 'delete', path: header.slice(DELETE.length) }, consumed: 1 }
  }
  if (header.startsWith(UPDATE)) {
    const path = header.slice(UPDATE.length)
    let i = start + 1
    let movePath: string | undefined
    const maybeMove = lines[i]
    if (maybeMove?.startsWith(MOVE)) {
      movePath = maybeMove.slice(MOVE.length)
      i++
    }
    const chunks: UpdateChunk[] = []
    while (i < lines.length) {
      const line = lines[i] as string
      // Blank lines between chunks are tolerated.
      if (line.trim() === '') {
        i++
        continue
      }
      if (line.startsWith('*')) break
      const { chunk, consumed } = parseChunk(lines, i, lineNumber + (i - start), chunks.length === 0)
      chunks.push(chunk)
      i += consumed
    }
    if (chunks.length === 0) {
      throw new PatchParseError('invalid_hunk', `Update file hunk for path '${path}' is empty`, lineNumber)
    }
    const hunk: PatchHunk = { type: 'update', path, chunks }
    if (movePath !== undefined) hunk.movePath = movePath
    return { hunk, consumed: i - start }
  }
  throw new PatchParseError(
    'invalid_hunk',
    `'${header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`,
    lineNumber,
  )
}

function parseChunk(
  lines: string[],
  start: number,
  lineNumber: number,
  allowMissingContext: boolean,
): { chunk: UpdateChunk; consumed: number } {
  const first = lines[start] as string
  let changeContext: string | undefined
  let bodyStart = start
  if (first === '@@') {
    bodyStart++
  } else if (first.startsWith('@@ ')) {
    changeContext = first.slice(3)
    bodyStart++
  } else if (!allowMissingContext) {
    throw new PatchParseError(
      'invalid_hunk',
      `Expected update hunk to start with a @@ context marker, got: '${first}'`,
      lineNumber,
    )
  }
  if (bodyStart >= lines.length) {
    throw new PatchParseError('invalid_hunk', 'Update hunk does not contain any lines', lineNumber + 1)
  }
  const chunk: UpdateChunk = { oldLines: [], newLines: [], isEndOfFile: false }
  if (changeContext !== undefined) chunk.changeContext = changeContext
  let parsed = 0
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i] as string
    if (line === EOF_MARKER) {
      if (parsed === 0) {
        throw new PatchParseError('invalid_hunk', 'Update hunk does not contain any lines', lineNumber + 1)
      }
      chunk.isEndOfFile = true
      parsed++
      break
    }
    const marker = line[0]
    if (marker === undefined) {
      // An empty line inside a chunk is an empty context line whose leading space was lost.
      chunk.oldLines.push('')
      chunk.newLines.push('')
    } else if (marker === ' ') {
      chunk.oldLines.push(line.slice(1))
      chunk.newLines.push(line.slice(1))
    } else if (marker === '+') {
      chunk.newLines.push(line.slice(1))
    } else if (marker === '-') {
      chunk.oldLines.push(line.slice(1))
    } else {
      if (parsed === 0) {
        throw new PatchParseError(
          'invalid_hunk',
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          lineNumber + 1,
        )
      }
      // The start of the next chunk or hunk.
      break
    }
    parsed++
  }
  return { chunk, consumed: parsed + (bodyStart - start) }
}
