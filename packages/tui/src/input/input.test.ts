import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listProjectFiles, matchCommands, matchFiles, tokenAt } from './completion.js'
import * as ed from './editor.js'
import { HistoryCursor, PromptHistory } from './history.js'

describe('editor', () => {
  it('edits multi-line text around the cursor', () => {
    let s = ed.insert(ed.emptyEditor, 'hello')
    s = ed.insert(s, '\n')
    s = ed.insert(s, 'world')
    expect(ed.cursorPosition(s)).toEqual({ row: 1, column: 5 })
    s = ed.moveUp(s) as ed.EditorState
    expect(ed.cursorPosition(s)).toEqual({ row: 0, column: 5 })
    expect(ed.moveUp(s)).toBeUndefined()
    s = ed.lineStart(s)
    s = ed.deleteForward(s)
    expect(s.text).toBe('ello\nworld')
    s = ed.lineEnd(ed.moveDown(s) as ed.EditorState)
    s = ed.deleteWordBefore(s)
    expect(s.text).toBe('ello\n')
    s = ed.backspace(s)
    expect(s).toMatchObject({ text: 'ello', cursor: 4 })
    s = ed.killToLineStart(s)
    expect(s.text).toBe('')
  })

  it('moves by words and handles surrogate pairs as one character', () => {
    let s = ed.editorFrom('a 😀')
    s = ed.backspace(s)
    expect(s.text).toBe('a ')
    s = ed.moveWordLeft(ed.editorFrom('one two'))
    expect(s.cursor).toBe(4)
    expect(ed.moveWordRight({ ...s, cursor: 0 }).cursor).toBe(3)
  })

  it('keeps large pastes as a placeholder, deleted as a whole and expanded on submit', () => {
    const big = Array.from({ length: 50 }, (_, i) => `row ${i}`).join('\r\n')
    let s = ed.paste(ed.editorFrom('see: '), big)
    expect(s.text).toBe('see: [Pasted text #1 +50 lines]')
    expect(ed.expandedText(s)).toBe(`see: ${big.replaceAll('\r\n', '\n')}`)
    s = ed.backspace(s)
    expect(s).toMatchObject({ text: 'see: ', pastes: [] })
    expect(ed.paste(ed.emptyEditor, 'small\r\npaste').text).toBe('small\npaste')
  })
})

describe('history', () => {
  it('persists prompts across sessions and walks them with a saved draft', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tui-hist-')), 'sub', 'history.jsonl')
    const first = new PromptHistory({ file })
    first.add('one')
    first.add('two\nlines')
    first.add('two\nlines')
    const second = new PromptHistory({ file })
    expect(second.size).toBe(2)
    const cursor = new HistoryCursor(second)
    expect(cursor.up('draft')).toBe('two\nlines')
    expect(cursor.up('')).toBe('one')
    expect(cursor.up('')).toBeUndefined()
    expect(cursor.down()).toBe('two\nlines')
    expect(cursor.down()).toBe('draft')
    expect(readFileSync(file, 'utf8')).toBe('"one"\n"two\\nlines"\n')
  })

  it('skips broken lines and keeps the newest entries up to the limit', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tui-hist-')), 'h.jsonl')
    writeFileSync(file, '"a"\n{torn\n"b"\n"c"\n')
    const h = new PromptHistory({ file, limit: 2 })
    expect([h.at(1), h.at(2), h.size]).toEqual(['c', 'b', 2])
    expect(h.error).toBeUndefined()
  })

  it('reports an unreadable history file instead of failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-hist-'))
    const h = new PromptHistory({ file: dir })
    expect(h.error).toMatch(/cannot read history/)
  })
})

describe('completion', () => {
  it('finds the token under the cursor', () => {
    expect(tokenAt('/mo', 3)).toEqual({ kind: 'command', query: 'mo', start: 0, end: 3 })
    expect(tokenAt('look at @src/ma', 15)).toEqual({ kind: 'file', query: 'src/ma', start: 8, end: 15 })
    expect(tokenAt('mail me@example', 15)).toBeUndefined()
    expect(tokenAt('/model x', 8)).toBeUndefined()
  })

  it('ranks basename prefixes, then substrings, then fuzzy matches', () => {
    const files = ['docs/main.md', 'src/domain.ts', 'src/main.ts', 'test/m_a_i_n.ts']
    expect(matchFiles(files, 'main').map((c) => c.label)).toEqual([
      'src/main.ts',
      'docs/main.md',
      'src/domain.ts',
      'test/m_a_i_n.ts',
    ])
    expect(matchFiles(files, 'zzz')).toEqual([])
    expect(matchFiles(files, 'main')[0]?.value).toBe('@src/main.ts')
  })

  it('completes command names by prefix', () => {
    const commands = [
      { name: 'model', description: 'm' },
      { name: 'mcp', description: 'x' },
      { name: 'help', description: 'h' },
    ]
    expect(matchCommands(commands, 'm').map((c) => c.value)).toEqual(['/mcp', '/model'])
  })

  it('lists project files from git, ignored files left out, and by walking otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-files-'))
    mkdirSync(join(dir, 'src'))
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'src', 'a.ts'), '')
    writeFileSync(join(dir, 'node_modules', 'dep.js'), '')
    writeFileSync(join(dir, 'ignored.log'), '')
    expect((await listProjectFiles(dir)).sort()).toEqual(['ignored.log', 'src/a.ts'])
    writeFileSync(join(dir, '.gitignore'), '*.log\nnode_modules\n')
    execFileSync('git', ['init', '-q'], { cwd: dir })
    expect((await listProjectFiles(dir)).sort()).toEqual(['.gitignore', 'src/a.ts'])
  })
})
