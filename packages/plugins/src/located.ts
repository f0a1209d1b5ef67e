// Parsing JSON files and YAML frontmatter so that every problem, syntax or schema, can be
// reported with the line it is on. JSON is parsed strictly with JSON.parse; the `yaml` library's
// source ranges (JSON is valid YAML) locate the value a schema issue points at. Both libraries
// load lazily (text-parsers.ts): callers that read a file await `loadTextParsers()` first.
import type { ParseError, ParseErrorCode } from 'jsonc-parser'
import type { z } from 'zod'
import { textParsers } from './text-parsers.js'

export interface Located<T> {
  ok: true
  value: T
}
export interface LocatedError {
  ok: false
  reason: string
  line?: number
}

/** 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * Strict JSON. V8's messages do not always carry a position, so a syntax error is located
 * with `jsonc-parser`, which reports the offset of every error it meets.
 */
export function parseJsonText(text: string): Located<unknown> | LocatedError {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    const { parseTree } = textParsers().jsonc
    const errors: ParseError[] = []
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
    const first = errors[0]
    const message = (error as Error).message.split('\n')[0] ?? 'syntax error'
    if (!first)
      return { ok: false, reason: `invalid JSON: ${message}`, line: lineOfOffset(text, text.length) }
    return {
      ok: false,
      reason: `invalid JSON: ${describeJsonError(first.error)}`,
      line: lineOfOffset(text, first.offset),
    }
  }
}

function describeJsonError(code: ParseErrorCode): string {
  const name = textParsers().jsonc.printParseErrorCode(code)
  // `CommaExpected` → `comma expected`
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** Finds the line of the value at `path` in a JSON or YAML text (`lineOffset` for frontmatter). */
export function lineOfPath(text: string, path: readonly PropertyKey[], lineOffset = 0): number | undefined {
  const { LineCounter, parseDocument } = textParsers().yaml
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, strict: false, uniqueKeys: false })
  // Walk down as far as the path exists: a missing field is reported on its parent's line.
  let keys = path.map((k) => (typeof k === 'symbol' ? String(k) : k))
  while (keys.length > 0 && !doc.hasIn(keys)) keys = keys.slice(0, -1)
  const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true)
  const range = (node as { range?: [number, number, number] } | null)?.range
  if (!range) return undefined
  return counter.linePos(range[0]).line + lineOffset
}

/**
 * Validates `value` with `schema`; the first issue becomes the reason, located in `text`.
 * `at` is where `value` sits in the text: a path prefix, and a line offset for frontmatter.
 */
export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  text: string,
  at: { path?: (string | number)[]; lineOffset?: number } = {},
): Located<z.infer<S>> | LocatedError {
  const result = schema.safeParse(value)
  if (result.success) return { ok: true, value: result.data }
  const issue = result.error.issues[0]
  const path = [...(at.path ?? []), ...(issue?.path ?? [])]
  const field = path.length === 0 ? '(top level)' : path.map(String).join('.')
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : ''
  const line = lineOfPath(text, path, at.lineOffset ?? 0)
  return { ok: false, reason: `${field}: ${issue?.message ?? 'invalid'}${more}`, ...(line ? { line } : {}) }
}

export interface MarkdownWithFrontmatter {
  /** The YAML mapping between the `---` fences, `{}` when there is none. */
  data: Record<string, unknown>
  /** The YAML text itself, for locating schema issues. */
  yamlText: string
  /** Line of the first YAML line minus one (so YAML line 1 → file line 2). */
  yamlLineOffset: number
  body: string
  /** Set when the YAML was invalid and the frontmatter was read line by line: why. */
  lenient?: string
}

const fence = /^---[ \t]*$/

/** Splits a markdown file into YAML frontmatter and body; YAML errors carry the file line. */
export function parseFrontmatter(text: string): Located<MarkdownWithFrontmatter> | LocatedError {
  // Windows line endings and a byte-order mark are common in hand-written files.
  const source = (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/\r\n/g, '\n')
  const lines = source.split('\n')
  if (!fence.test(lines[0] ?? '')) {
    return { ok: true, value: { data: {}, yamlText: '', yamlLineOffset: 0, body: source } }
  }
  const end = lines.findIndex((line, i) => i > 0 && fence.test(line))
  if (end === -1) {
    return { ok: false, reason: 'frontmatter starts with --- but has no closing --- line', line: 1 }
  }
  const yamlText = lines.slice(1, end).join('\n')
  const body = lines
    .slice(end + 1)
    .join('\n')
    .replace(/^\r?\n/, '')
  const { LineCounter, parseDocument } = textParsers().yaml
  const counter = new LineCounter()
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false })
  if (doc.errors.length > 0) {
    const first = doc.errors[0]
    const line = first ? counter.linePos(first.pos[0]).line + 1 : 1
    const message = first?.message.split('\n')[0] ?? 'invalid YAML'
    const reason = `invalid YAML frontmatter: ${message}`
    // Claude Code reads `argument-hint: [pr] [priority]` and `description: Fix: then test`,
    // which are not YAML, as text; so do we, when every line is a plain `key: value` pair.
    const flat = parseFlatKeyValues(yamlText)
    if (flat) return { ok: true, value: { data: flat, yamlText: '', yamlLineOffset: 1, body } }
    // Published agents write an unquoted description over many lines (`Examples:`, then
    // `user: "..."` lines); Claude Code loads them, reading the frontmatter line by line.
    const lenient = parseLenientKeyValues(yamlText)
    if (lenient) {
      return {
        ok: true,
        value: {
          data: lenient,
          yamlText: '',
          yamlLineOffset: 1,
          body,
          lenient: `${reason} (line ${line}); read line by line instead (known keys start a field, other lines continue the previous value), as Claude Code does; quote the value or use a YAML block scalar (|) to silence this`,
        },
      }
    }
    return { ok: false, reason, line }
  }
  const data: unknown = doc.toJS() ?? {}
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    return { ok: false, reason: 'frontmatter must be a YAML mapping (key: value lines)', line: 2 }
  }
  return {
    ok: true,
    value: { data: data as Record<string, unknown>, yamlText, yamlLineOffset: 1, body },
  }
}

/** `key: value` lines only (no nesting, no lists); undefined when the text is anything else. */
function parseFlatKeyValues(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    const match = /^([A-Za-z_][\w-]*):[ \t]*(.*)$/.exec(line)
    if (!match?.[1]) return undefined
    out[match[1]] = (match[2] ?? '').trim()
  }
  return out
}

/**
 * Frontmatter keys Claude Code reads on commands, subagents and skills. In the line-by-line
 * reading, only these start a new field at the start of a line; any other line (`user: "..."`
 * inside an example) continues the value before it.
 */
const KNOWN_KEYS = new Set([
  'name',
  'description',
  'when_to_use',
  'tools',
  'disallowedTools',
  'model',
  'color',
  'maxTurns',
  'permissionMode',
  'skills',
  'hooks',
  'mcpServers',
  'memory',
  'effort',
  'argument-hint',
  'allowed-tools',
  'disable-model-invocation',
  'user-invocable',
  'context',
  'agent',
  'version',
  'license',
  'metadata',
])

/**
 * The line-by-line reading: `key: value` lines of known keys, continuation lines appended to
 * the value before them (joined with newlines). Each value is then read as YAML on its own
 * (so `tools: ["Read", "Grep"]` is a list), or kept as text when it is not valid YAML.
 * Undefined when the first content line is not a known key.
 */
function parseLenientKeyValues(text: string): Record<string, unknown> | undefined {
  const raw = new Map<string, string[]>()
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*)|)$/.exec(line)
    if (match?.[1] && KNOWN_KEYS.has(match[1])) {
      current = [match[2] ?? '']
      raw.set(match[1], current)
      continue
    }
    if (!current) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue
      return undefined
    }
    // Only text continues: a key with nothing after it opens a YAML list or mapping, and a
    // broken one of those is an error to report, not text.
    if (current[0] === '' && line.trim() !== '') return undefined
    current.push(line)
  }
  if (raw.size === 0) return undefined
  const { parse } = textParsers().yaml
  const out: Record<string, unknown> = {}
  for (const [key, lines] of raw) {
    const value = lines.join('\n').trim()
    if (lines.length === 1) {
      try {
        const parsed: unknown = parse(value)
        out[key] = parsed === null ? '' : parsed
        continue
      } catch {
        // not YAML on its own: text
      }
    }
    out[key] = value
  }
  return out
}
