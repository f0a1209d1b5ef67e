import { describe, expect, it } from 'vitest'
import { formatCommand, formatDuration, renderCell } from './cells.js'
import { countChanges, renderFileChange, renderUnifiedDiff } from './diff.js'
import { createMarkdownRenderer, renderInline, renderMarkdown } from './markdown.js'
import { createTheme, wantsColor } from './theme.js'

const plain = createTheme(false)
const color = createTheme(true)

describe('markdown', () => {
  it('renders headings, lists, quotes, rules and inline spans', () => {
    expect(
      renderMarkdown('# Title\n- a **b**\n1. one\n> quoted\n---\n[docs](https://x.y) and `a*b*c`', plain),
    ).toEqual(['Title', '• a b', '1. one', '▌ quoted', '─'.repeat(40), 'docs (https://x.y) and a*b*c'])
  })

  it('keeps code blocks literal across lines, also when streamed', () => {
    const r = createMarkdownRenderer(plain)
    expect(r.line('```ts')).toBe('┌ ts')
    expect(r.preview('const **x** = 1')).toBe('│ const **x** = 1')
    expect(r.line('const **x** = 1')).toBe('│ const **x** = 1')
    expect(r.line('```')).toBe('└')
    expect(r.line('**bold**')).toBe('bold')
  })

  it('colours when the theme has colour', () => {
    expect(renderInline('**b**', color)).toContain('\u001b[1m')
    expect(renderInline('x_y_z', plain)).toBe('x_y_z')
  })
})

describe('diff', () => {
  const diff = '--- a/f.js\n+++ b/f.js\n@@ -9,3 +9,3 @@\n keep\n-old\n+new\n keep2\n'
  it('numbers old and new lines', () => {
    expect(renderUnifiedDiff(diff, plain)).toEqual([
      '--- a/f.js',
      '+++ b/f.js',
      '@@ -9,3 +9,3 @@',
      ' 9  9  keep',
      '10    -old',
      '   10 +new',
      '11 11  keep2',
    ])
  })
  it('colours additions and removals', () => {
    const lines = renderUnifiedDiff(diff, color)
    expect(lines[4]).toContain('\u001b[31m')
    expect(lines[5]).toContain('\u001b[32m')
  })
  it('renders file changes with a header and cuts long ones', () => {
    expect(
      renderFileChange('new.txt', { type: 'add', content: 'a\nb\nc\n' }, plain, { maxLines: 2 }),
    ).toEqual(['A new.txt (+3)', '1 +a', '2 +b', '… 1 more lines'])
    expect(renderFileChange('f.js', { type: 'update', unified_diff: diff }, plain)[0]).toBe('M f.js (+1 -1)')
    expect(countChanges(diff)).toEqual({ added: 1, removed: 1 })
  })
})

describe('cells', () => {
  it('shows a finished command with exit code, duration and collapsed output', () => {
    const output = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n')
    const lines = renderCell(
      {
        kind: 'exec',
        callId: 'c',
        command: ['bash', '-lc', 'npm test'],
        cwd: '/',
        running: false,
        exitCode: 1,
        durationMs: 2300,
        output,
      },
      plain,
    )
    expect(lines[0]).toBe('✗ $ npm test · exit 1 · 2.3s')
    expect(lines).toHaveLength(1 + 7)
    expect(lines[4]).toContain('+14 lines (ctrl+o shows all)')
    const expanded = renderCell(
      {
        kind: 'exec',
        callId: 'c',
        command: ['ls'],
        cwd: '/',
        running: false,
        exitCode: 0,
        output,
        expanded: true,
      },
      plain,
    )
    expect(expanded).toHaveLength(21)
  })

  it('shows a generic tool call as Read(path) with one summary line', () => {
    const base = { kind: 'tool' as const, callId: 't', tool: 'Read', args: { file_path: 'src/a.ts' } }
    expect(renderCell({ ...base, running: true }, plain)).toEqual(['◌ Read(src/a.ts)'])
    expect(
      renderCell({ ...base, args: { file_path: '/repo/src/a.ts' }, running: true }, plain, { cwd: '/repo' }),
    ).toEqual(['◌ Read(src/a.ts)'])
    expect(
      renderCell({ ...base, running: false, ok: true, durationMs: 12, output: 'one\ntwo\nthree\n' }, plain),
    ).toEqual(['● Read(src/a.ts) · 12ms', '  ⎿ one … (3 lines)'])
    expect(
      renderCell(
        { ...base, tool: 'Task', args: {}, running: false, ok: false, output: 'Task failed: no such agent' },
        plain,
      ),
    ).toEqual(['● Task', '  ⎿ Task failed: no such agent'])
    expect(
      renderCell({ ...base, running: false, ok: true, output: 'x'.repeat(10), outputChars: 9000 }, plain)[1],
    ).toBe('  ⎿ xxxxxxxxxx … (1+ lines)')
  })

  it('shows a plan as a checklist', () => {
    expect(
      renderCell(
        {
          kind: 'plan',
          steps: [
            { step: 'a', status: 'completed' },
            { step: 'b', status: 'in_progress' },
            { step: 'c', status: 'pending' },
          ],
        },
        plain,
      ),
    ).toEqual(['Plan 1/3 done', '  ☒ a', '  ▶ b', '  ☐ c'])
  })

  it('shows a web search running, done and failed, and in a resumed history', () => {
    const cell = { kind: 'search' as const, callId: 'ws_1', query: 'pnpm 10 catalogs', running: true }
    expect(renderCell(cell, plain)).toEqual(['◌ Searching the web pnpm 10 catalogs'])
    expect(renderCell({ ...cell, running: false }, plain)).toEqual(['🔎 Searched pnpm 10 catalogs'])
    expect(renderCell({ ...cell, running: false, failed: true }, plain)).toEqual([
      '✗ Web search failed pnpm 10 catalogs',
    ])
    const history = renderCell(
      {
        kind: 'history',
        items: [
          {
            type: 'web_search_call',
            id: 'ws_1',
            status: 'completed',
            action: { type: 'search', query: 'pnpm 10 catalogs' },
          },
        ],
      },
      plain,
    )
    expect(history[1]).toBe('  ↳ 🔎 searched pnpm 10 catalogs')
  })

  it('formats commands and durations as a user reads them', () => {
    expect(formatCommand(['git', 'commit', '-m', "it's done"])).toBe("git commit -m 'it'\\''s done'")
    expect(formatCommand(['/bin/bash', '-lc', 'ls | wc'])).toBe('ls | wc')
    expect(formatDuration(42)).toBe('42ms')
    expect(formatDuration(125_000)).toBe('2m5s')
  })
})

describe('wantsColor', () => {
  it('follows NO_COLOR, FORCE_COLOR and the terminal', () => {
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false)
    expect(wantsColor({}, true)).toBe(true)
    expect(wantsColor({}, false)).toBe(false)
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true)
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false)
  })
})

describe('sanitize', () => {
  it('removes escape sequences and control characters, keeps what a terminal shows after \\r', async () => {
    const { sanitize } = await import('./sanitize.js')
    expect(sanitize('\u001b[31mred\u001b[0m \u001b]0;title\u0007ok\u001b[2J')).toBe('red ok')
    expect(sanitize('progress 10%\rprogress 100%\ndone\r\n')).toBe('progress 100%\ndone\n')
    expect(sanitize('a\tb\u0007\u0000c')).toBe('a    bc')
  })

  it('is applied to command output and commands before they are shown', () => {
    const lines = renderCell(
      {
        kind: 'exec',
        callId: 'c',
        command: ['echo', '\u001b[2Jx'],
        cwd: '/',
        running: false,
        exitCode: 0,
        output: '\u001b[1A\u001b[32mgreen\u001b[0m\n',
      },
      plain,
    )
    expect(lines).toEqual(["✓ $ echo 'x' · exit 0", '  │ green'])
  })
})
