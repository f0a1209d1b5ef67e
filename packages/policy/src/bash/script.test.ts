import { describe, expect, it } from 'vitest'
import { loadBashParser } from './parser.js'
import { analyseScript } from './script.js'
import { decodeAnsiC, unescapeBare, unescapeDoubleQuoted } from './words.js'

describe('analyseScript', () => {
  it('splits a plain script into its commands, with quotes removed', async () => {
    const parser = await loadBashParser()
    const a = analyseScript(parser, `git log --format='%h %s' && grep -n "a b" x | wc -l; echo done`)
    expect(a.commands.map((c) => c.argv)).toEqual([
      ['git', 'log', '--format=%h %s'],
      ['grep', '-n', 'a b', 'x'],
      ['wc', '-l'],
      ['echo', 'done'],
    ])
    expect(a.complexity).toEqual([])
    expect(a.error).toBeUndefined()
    expect(a.commands[1]?.pipeline).toEqual({ id: 0, stage: 0 })
    expect(a.commands[2]?.pipeline).toEqual({ id: 0, stage: 1 })
  })

  it('finds commands inside substitutions and records who holds them', async () => {
    const parser = await loadBashParser()
    const a = analyseScript(parser, 'echo "$(date)" `id` <(ls)')
    expect(a.commands.map((c) => [c.argv[0], c.insideOf])).toEqual([
      ['echo', undefined],
      ['date', 0],
      ['id', 0],
      ['ls', 0],
    ])
    expect(a.commands[0]?.literal).toBe(false)
    expect(a.complexity).toEqual(['command substitution $(...)', 'process substitution <(...)'])
  })

  it('names every construct that makes a script complex', async () => {
    const parser = await loadBashParser()
    const a = analyseScript(parser, 'X=1 ls; f() { ls; }; (cd /; ls) > out & cat <<EOF\nhi\nEOF')
    expect(a.complexity).toEqual(
      expect.arrayContaining([
        'an environment assignment (NAME=value cmd)',
        'a function definition',
        'a subshell ( )',
        'an output redirection',
        'a background job (&)',
        'a heredoc (<<)',
      ]),
    )
  })

  it('keeps harmless redirections plain', async () => {
    const parser = await loadBashParser()
    expect(analyseScript(parser, 'ls 2>&1 >/dev/null 2>/dev/null').complexity).toEqual([])
    expect(analyseScript(parser, 'ls >&-').complexity).toEqual([])
  })

  it('reports where a script stops parsing', async () => {
    const parser = await loadBashParser()
    expect(analyseScript(parser, 'ls && (echo').error).toMatch(
      /^the script does not parse as bash: .* at line 1, column \d+$/,
    )
  })

  it('collects text that may be code elsewhere: strings, comments, heredocs', async () => {
    const parser = await loadBashParser()
    const a = analyseScript(parser, "ssh h 'uptime; w' # later: cleanup\ncat <<EOF\nrun this\nEOF")
    expect(a.embedded).toEqual(expect.arrayContaining(['uptime; w', ' later: cleanup', 'run this\n']))
  })

  it('notes fork-bomb shaped functions', async () => {
    const parser = await loadBashParser()
    expect(analyseScript(parser, ':(){ :|:& };:').functions).toEqual([
      { name: ':', recursive: true, forks: true },
    ])
    expect(analyseScript(parser, 'greet() { echo hi; }').functions).toEqual([
      { name: 'greet', recursive: false, forks: false },
    ])
  })
})

describe('word decoding', () => {
  it('applies backslashes outside quotes', () => {
    expect(unescapeBare('r\\m')).toBe('rm')
    expect(unescapeBare('a\\ b')).toBe('a b')
    expect(unescapeBare('a\\\nb')).toBe('ab')
  })

  it('applies only the double-quote escapes inside double quotes', () => {
    expect(unescapeDoubleQuoted('a\\"b\\$c\\n')).toBe('a"b$c\\n')
  })

  it("decodes $'...' like bash", () => {
    expect(decodeAnsiC('\\x72\\x6d')).toBe('rm')
    expect(decodeAnsiC('\\162\\155')).toBe('rm')
    expect(decodeAnsiC('a\\tb\\n')).toBe('a\tb\n')
    expect(decodeAnsiC('\\u0072m')).toBe('rm')
    expect(decodeAnsiC("it\\'s")).toBe("it's")
    expect(decodeAnsiC('\\cA')).toBe('\x01')
    expect(decodeAnsiC('\\q')).toBe('\\q')
  })
})

describe('loadBashParser', () => {
  it('returns the same parser every time', async () => {
    expect(await loadBashParser()).toBe(await loadBashParser())
  })
})
