// Turns a tree-sitter-bash word node into the string the shell would pass to the program, when
// that string is fixed (quotes removed, escapes applied). Anything decided at run time
// (expansions, substitutions, globs of braces) is marked dynamic, with a note of what it is.
import type { SyntaxNode as Node } from './syntax.js'

export interface WordValue {
  /** The argument as the program receives it; for dynamic parts, their source text. */
  value: string
  /** False when some part is only known at run time ($x, $(...), {a,b}, ...). */
  literal: boolean
}

/** What made a script "complex", keyed by node type, in words a user understands. */
export const CONSTRUCT_NAMES: Record<string, string> = {
  simple_expansion: 'variable expansion ($x)',
  expansion: 'parameter expansion',
  command_substitution: 'command substitution $(...)',
  process_substitution: 'process substitution <(...)',
  arithmetic_expansion: 'arithmetic expansion $((...))',
  brace_expression: 'brace expansion {a,b}',
  ansi_c_string: "ANSI-C quoting ($'...')",
  translated_string: 'locale quoting ($"...")',
}

/**
 * Reads a word-like node. `note` receives the construct names that make the word non-plain;
 * `nested` receives sub-nodes that may contain commands ($(...), <(...)), for the caller to walk.
 */
export function readWord(
  node: Node,
  note: (construct: string) => void,
  nested: (node: Node) => void,
): WordValue {
  const type = node.type
  switch (type) {
    case 'word':
      // tree-sitter-bash leaves `{a,b}` / `{1..3}` inside a plain word; bash expands it to several words.
      if (hasBraceExpansion(node.text)) {
        note(CONSTRUCT_NAMES.brace_expression as string)
        return { value: node.text, literal: false }
      }
      return { value: unescapeBare(node.text), literal: true }
    case 'number':
      return { value: node.text, literal: true }
    case 'raw_string':
      return { value: node.text.slice(1, -1), literal: true }
    case 'ansi_c_string':
      note(CONSTRUCT_NAMES.ansi_c_string as string)
      return { value: decodeAnsiC(node.text.slice(2, -1)), literal: true }
    case 'string':
    case 'translated_string': {
      if (node.type === 'translated_string') note(CONSTRUCT_NAMES.translated_string as string)
      return readParts(node, note, nested, true)
    }
    case 'concatenation':
      if (hasBraceExpansion(node.text)) note(CONSTRUCT_NAMES.brace_expression as string)
      return readParts(node, note, nested, false)
    default: {
      note(CONSTRUCT_NAMES[node.type] ?? node.type.replaceAll('_', ' '))
      if (
        node.type === 'command_substitution' ||
        node.type === 'process_substitution' ||
        node.type === 'arithmetic_expansion'
      )
        nested(node)
      else if (node.children.length > 0) visitNested(node, nested)
      return { value: node.text, literal: false }
    }
  }
}

function readParts(
  node: Node,
  note: (construct: string) => void,
  nested: (node: Node) => void,
  doubleQuoted: boolean,
): WordValue {
  let value = ''
  let literal = true
  for (const child of node.children) {
    if (!child.named) {
      // Quote marks of a string, or `$` of $"..." — not part of the value. In a concatenation an
      // anonymous child is literal text (e.g. a lone `$`).
      if (!doubleQuoted) value += child.text
      continue
    }
    if (doubleQuoted && child.type === 'string_content') {
      value += unescapeDoubleQuoted(child.text)
      continue
    }
    const part = readWord(child, note, nested)
    value += part.value
    literal &&= part.literal
  }
  return { value, literal }
}

function visitNested(node: Node, nested: (node: Node) => void): void {
  for (const child of node.children) {
    if (
      child.type === 'command_substitution' ||
      child.type === 'process_substitution' ||
      child.type === 'arithmetic_expansion'
    )
      nested(child)
    else if (child.children.length > 0) visitNested(child, nested)
  }
}

/** Outside quotes a backslash keeps the next character literally; backslash-newline vanishes. */
export function unescapeBare(text: string): string {
  if (!text.includes('\\')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && i + 1 < text.length) {
      i++
      if (text[i] !== '\n') out += text[i]
    } else out += c
  }
  return out
}

/** Inside double quotes a backslash only escapes $ ` " \ and newline. */
export function unescapeDoubleQuoted(text: string): string {
  if (!text.includes('\\')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    const next = text[i + 1]
    if (c === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      i++
      if (next !== '\n') out += next
    } else out += c
  }
  return out
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
}

/** Decodes the body of $'...' the way bash does, so `$'\x72m'` is seen as `rm`. */
export function decodeAnsiC(body: string): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const e = body[++i] as string
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) {
      out += simple
    } else if (e >= '0' && e <= '7') {
      const digits = takeWhile(body, i, 3, isOctal)
      out += String.fromCodePoint(Number.parseInt(digits, 8) & 0xff)
      i += digits.length - 1
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const digits = takeWhile(body, i + 1, e === 'x' ? 2 : e === 'u' ? 4 : 8, isHex)
      if (digits.length === 0) out += `\\${e}`
      else {
        const code = Number.parseInt(digits, 16)
        out += code <= 0x10ffff ? String.fromCodePoint(code) : ''
      }
      i += digits.length
    } else if (e === 'c' && i + 1 < body.length) {
      out += String.fromCharCode((body.charCodeAt(++i) as number) & 0x1f)
    } else {
      out += `\\${e}`
    }
  }
  return out
}

function takeWhile(text: string, start: number, max: number, test: (c: string) => boolean): string {
  let end = start
  while (end < text.length && end - start < max && test(text[end] as string)) end++
  return text.slice(start, end)
}

const isOctal = (c: string) => c >= '0' && c <= '7'
const isHex = (c: string) => /[0-9a-fA-F]/.test(c)

/** An unescaped `{` closed by `}` with a `,` or `..` between: bash brace expansion. */
function hasBraceExpansion(text: string): boolean {
  let open = -1
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === '{') open = i
    else if (c === '}' && open !== -1) {
      const inner = text.slice(open + 1, i)
      if (inner.includes(',') || inner.includes('..')) return true
    }
  }
  return false
}
