// Reads the small Starlark subset Codex's `.rules` files use: top-level calls with keyword
// arguments whose values are strings, lists and nested lists. Positions are kept for errors.
import { PolicyError } from '../errors.js'

export type StarValue =
  | { kind: 'string'; value: string; line: number }
  | { kind: 'list'; items: StarValue[]; line: number }

export interface StarCall {
  name: string
  line: number
  args: Map<string, StarValue>
}

interface Token {
  type: 'ident' | 'string' | 'punct' | 'end'
  text: string
  line: number
  column: number
}

/** Parses the calls of a `.rules` file; `source` names the file in error messages. */
export function parseStarlarkCalls(text: string, source: string): StarCall[] {
  const tokens = tokenize(text, source)
  let pos = 0
  const peek = () => tokens[pos] as Token
  const fail = (token: Token, message: string): never => {
    throw new PolicyError('rules_syntax', `${source}:${token.line}:${token.column}: ${message}`)
  }
  const expect = (text: string): Token => {
    const token = peek()
    if (token.type !== 'punct' || token.text !== text)
      fail(token, `expected \`${text}\` but found ${describe(token)}`)
    pos++
    return token
  }
  const value = (): StarValue => {
    const token = peek()
    if (token.type === 'string') {
      pos++
      return { kind: 'string', value: token.text, line: token.line }
    }
    if (token.type === 'punct' && token.text === '[') {
      pos++
      const items: StarValue[] = []
      while (!(peek().type === 'punct' && peek().text === ']')) {
        items.push(value())
        if (peek().type === 'punct' && peek().text === ',') pos++
        else break
      }
      expect(']')
      return { kind: 'list', items, line: token.line }
    }
    if (token.type === 'ident' && (token.text === 'True' || token.text === 'False' || token.text === 'None'))
      fail(token, `${token.text} is not a valid value here: use a string or a list of strings`)
    return fail(token, `expected a string or a list but found ${describe(token)}`)
  }

  const calls: StarCall[] = []
  while (peek().type !== 'end') {
    const name = peek()
    if (name.type !== 'ident')
      fail(name, `expected a call such as prefix_rule(...) but found ${describe(name)}`)
    pos++
    expect('(')
    const args = new Map<string, StarValue>()
    while (!(peek().type === 'punct' && peek().text === ')')) {
      const key = peek()
      if (key.type !== 'ident')
        fail(key, `expected a keyword argument (name = value) but found ${describe(key)}`)
      pos++
      expect('=')
      if (args.has(key.text)) fail(key, `argument \`${key.text}\` is given twice`)
      args.set(key.text, value())
      if (peek().type === 'punct' && peek().text === ',') pos++
      else break
    }
    expect(')')
    calls.push({ name: name.text, line: name.line, args })
  }
  return calls
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the file'
  if (token.type === 'string') return `the string ${JSON.stringify(token.text)}`
  return `\`${token.text}\``
}

function tokenize(text: string, source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let lineStart = 0
  let i = 0
  const fail = (message: string): never => {
    throw new PolicyError('rules_syntax', `${source}:${line}:${i - lineStart + 1}: ${message}`)
  }
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\n') {
      line++
      i++
      lineStart = i
    } else if (c === ' ' || c === '\t' || c === '\r') i++
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if ('()[],='.includes(c)) {
      tokens.push({ type: 'punct', text: c, line, column: i - lineStart + 1 })
      i++
    } else if (c === '"' || c === "'") {
      const column = i - lineStart + 1
      const startLine = line
      const triple = text.startsWith(c.repeat(3), i)
      const quote = triple ? c.repeat(3) : c
      i += quote.length
      let value = ''
      for (;;) {
        if (i >= text.length)
          throw new PolicyError(
            'rules_syntax',
            `${source}:${startLine}:${column}: this string is never closed`,
          )
        if (text.startsWith(quote, i)) {
          i += quote.length
          break
        }
        const ch = text[i] as string
        if (ch === '\n') {
          if (!triple) fail('a string must end on the line it starts (use """...""" for several lines)')
          line++
          lineStart = i + 1
        }
        if (ch === '\\') {
          const next = text[i + 1]
          const escapes: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            '"': '"',
            "'": "'",
          }
          if (next === undefined) fail('a backslash ends the file')
          value += escapes[next as string] ?? `\\${next}`
          i += 2
          continue
        }
        value += ch
        i++
      }
      tokens.push({ type: 'string', text: value, line: startLine, column })
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i] as string)) i++
      tokens.push({ type: 'ident', text: text.slice(start, i), line, column: start - lineStart + 1 })
    } else {
      fail(`unexpected character ${JSON.stringify(c)}`)
    }
  }
  tokens.push({ type: 'end', text: '', line, column: i - lineStart + 1 })
  return tokens
}
