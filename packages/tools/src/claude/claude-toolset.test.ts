import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ToolContext, ToolDefinition, ToolOutput } from '@agent/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testContext } from '../testing/test-context.js'
import { claudeToolset } from './index.js'
import { currentTodos } from './todo-write.js'

let dir: string
let cleanup: (() => void)[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-claude-'))
})
afterEach(async () => {
  for (const f of cleanup) f()
  cleanup = []
  await rm(dir, { recursive: true, force: true })
})

const tools = claudeToolset()
const tool = (name: string) => tools.find((t) => t.name === name) as ToolDefinition
async function call(name: string, args: unknown, context: ToolContext): Promise<ToolOutput> {
  const t = tool(name)
  return t.handle(t.parameters.parse(args), context)
}
const text = (out: ToolOutput) => (typeof out.output === 'string' ? out.output : JSON.stringify(out.output))

function setup(options: Partial<Parameters<typeof testContext>[0]> = {}) {
  const t = testContext({ cwd: dir, ...options })
  cleanup.push(() => t.processes.killAll())
  return t
}

describe('claudeToolset', () => {
  it('has Claude Code’s tool names and schemas', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'Bash',
      'Read',
      'Write',
      'Edit',
      'Glob',
      'Grep',
      'TodoWrite',
      'BashOutput',
      'KillShell',
      'WebFetch',
    ])
    const props = (name: string) => Object.keys((tool(name).jsonSchema as { properties: object }).properties)
    expect(props('Bash')).toEqual(['command', 'timeout', 'description', 'run_in_background'])
    expect(props('Read')).toEqual(['file_path', 'offset', 'limit'])
    expect(props('Write')).toEqual(['file_path', 'content'])
    expect(props('Edit')).toEqual(['file_path', 'old_string', 'new_string', 'replace_all'])
    expect(props('Glob')).toEqual(['pattern', 'path'])
    expect(props('WebFetch')).toEqual(['url', 'prompt'])
    expect(props('Grep')).toEqual(
      expect.arrayContaining([
        'pattern',
        'path',
        'glob',
        'output_mode',
        '-B',
        '-A',
        '-C',
        '-n',
        '-i',
        'type',
        'head_limit',
        'multiline',
      ]),
    )
    expect(props('TodoWrite')).toEqual(['todos'])
    expect(claudeToolset({ todos: false, backgroundShells: false, webFetch: false })).toHaveLength(6)
  })
})

describe('Bash', () => {
  it('runs the command through exec and reports failures', async () => {
    const { context, execRequests } = setup()
    const ok = await call('Bash', { command: 'echo out; echo err >&2', description: 'print things' }, context)
    expect(ok).toEqual({ output: 'out\nerr', isError: false })
    expect(execRequests[0]).toMatchObject({
      command: ['bash', '-c', 'echo out; echo err >&2'],
      timeoutMs: 120000,
    })
    const bad = await call('Bash', { command: 'echo nope; exit 2', timeout: 60000 }, context)
    expect(bad).toEqual({ output: 'nope\nExit code 2', isError: true })
    expect(() => tool('Bash').parameters.parse({ command: 'x', timeout: 700000 })).toThrow()
  })

  it('reports a timeout', async () => {
    const { context } = setup()
    const out = await call('Bash', { command: 'sleep 5', timeout: 300 }, context)
    expect(out.isError).toBe(true)
    expect(text(out)).toContain('Command timed out after 300 ms')
  })

  it('returns the refusal to the model', async () => {
    const { context } = setup({ refuse: () => 'Bash(rm:*) is denied' })
    expect(await call('Bash', { command: 'rm x' }, context)).toEqual({
      output: 'Bash(rm:*) is denied',
      isError: true,
    })
  })

  it('runs in the background, reads output with BashOutput and stops with KillShell', async () => {
    const { context } = setup()
    const started = await call('Bash', { command: 'echo first; sleep 30', run_in_background: true }, context)
    expect(text(started)).toBe('Command running in background with ID: bash_1')
    let seen = ''
    for (let i = 0; i < 50 && !seen.includes('first'); i++)
      seen += text(await call('BashOutput', { bash_id: 'bash_1' }, context))
    expect(seen).toContain('<status>running</status>')
    expect(seen).toContain('first')
    expect(text(await call('KillShell', { shell_id: 'bash_1' }, context))).toBe(
      'Successfully killed shell: bash_1 (echo first; sleep 30)',
    )
    expect(text(await call('BashOutput', { bash_id: 'bash_1' }, context))).toContain(
      '<status>killed</status>',
    )
    expect((await call('BashOutput', { bash_id: 'bash_9' }, context)).isError).toBe(true)

    await call('Bash', { command: 'echo a; echo b; echo ab', run_in_background: true }, context)
    let done = ''
    for (let i = 0; i < 100 && !done.includes('completed'); i++) {
      done += text(await call('BashOutput', { bash_id: 'bash_2', filter: '^a' }, context))
    }
    expect(done).toContain('<exit_code>0</exit_code>')
    expect(done).toContain('a\nab')
    expect(done).not.toMatch(/^b$/m)
  })
})

describe('Read', () => {
  it('numbers lines like cat -n and honours offset and limit', async () => {
    await writeFile(join(dir, 'f.txt'), 'one\ntwo\nthree\nfour\n')
    const { context } = setup()
    expect(await call('Read', { file_path: join(dir, 'f.txt') }, context)).toEqual({
      output: '     1\tone\n     2\ttwo\n     3\tthree\n     4\tfour',
    })
    expect(text(await call('Read', { file_path: join(dir, 'f.txt'), offset: 2, limit: 2 }, context))).toBe(
      '     2\ttwo\n     3\tthree',
    )
    expect(text(await call('Read', { file_path: join(dir, 'f.txt'), offset: 9 }, context))).toContain(
      'shorter than the provided offset (9). The file has 4 lines.',
    )
  })

  it('refuses relative paths, missing files, directories and binaries, and warns on empty files', async () => {
    await writeFile(join(dir, 'empty.txt'), '')
    await writeFile(join(dir, 'bin.dat'), Buffer.from([1, 0, 2]))
    const { context } = setup()
    expect(text(await call('Read', { file_path: 'f.txt' }, context))).toContain('must be an absolute path')
    expect(await call('Read', { file_path: join(dir, 'missing') }, context)).toEqual({
      output: 'File does not exist.',
      isError: true,
    })
    expect(text(await call('Read', { file_path: dir }, context))).toContain('is a directory')
    expect(text(await call('Read', { file_path: join(dir, 'bin.dat') }, context))).toContain(
      'cannot read binary files',
    )
    expect(text(await call('Read', { file_path: join(dir, 'empty.txt') }, context))).toContain(
      'the file exists but the contents are empty',
    )
  })

  it('truncates long lines, refuses huge whole-file reads, returns images', async () => {
    await writeFile(join(dir, 'long.txt'), `${'x'.repeat(2500)}\n`)
    await writeFile(join(dir, 'huge.txt'), 'y'.repeat(300 * 1024))
    await writeFile(join(dir, 'p.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))
    const { context } = setup()
    const long = text(await call('Read', { file_path: join(dir, 'long.txt') }, context))
    expect(long.length).toBeLessThan(2100)
    expect(long).toContain('[line truncated]')
    expect(text(await call('Read', { file_path: join(dir, 'huge.txt') }, context))).toContain(
      'exceeds maximum allowed size',
    )
    const image = await call('Read', { file_path: join(dir, 'p.png') }, context)
    expect((image.output as { image_url: string }[])[0]?.image_url).toMatch(/^data:image\/png;base64,/)
  })
})

describe('Edit and Write', () => {
  it('refuses to edit a file that was not read, then edits it after Read', async () => {
    const path = join(dir, 'code.ts')
    await writeFile(path, 'const a = 1\nconst b = 2\n')
    const { context, events, approvals } = setup()
    const edit = { file_path: path, old_string: 'const b = 2', new_string: 'const b = 3' }
    expect(await call('Edit', edit, context)).toEqual({
      output: 'File has not been read yet. Read it first before writing to it.',
      isError: true,
    })
    await call('Read', { file_path: path }, context)
    const out = await call('Edit', edit, context)
    expect(text(out)).toContain(`The file ${path} has been updated.`)
    expect(text(out)).toContain('     2\tconst b = 3')
    expect(await readFile(path, 'utf8')).toBe('const a = 1\nconst b = 3\n')
    expect(approvals[0]?.changes[path]).toMatchObject({ type: 'update' })
    expect(events.map((e) => e.type)).toEqual(['patch_apply_begin', 'patch_apply_end'])
    // Its own write does not make the file stale.
    expect(
      (await call('Edit', { file_path: path, old_string: 'a = 1', new_string: 'a = 0' }, context)).isError,
    ).toBeFalsy()
  })

  it('refuses an edit after the file changed on disk', async () => {
    const path = join(dir, 'f.txt')
    await writeFile(path, 'x\n')
    const { context } = setup()
    await call('Read', { file_path: path }, context)
    await writeFile(path, 'changed by someone\n')
    const later = new Date(Date.now() + 5000)
    await utimes(path, later, later)
    expect(
      text(await call('Edit', { file_path: path, old_string: 'changed', new_string: 'c' }, context)),
    ).toContain('File has been modified since read')
  })

  it('fails clearly when old_string is missing or not unique, and replaces all on request', async () => {
    const path = join(dir, 'f.txt')
    await writeFile(path, 'foo bar foo\n')
    const { context } = setup()
    await call('Read', { file_path: path }, context)
    expect(await call('Edit', { file_path: path, old_string: 'baz', new_string: 'q' }, context)).toEqual({
      output: 'String to replace not found in file.\nString: baz',
      isError: true,
    })
    const ambiguous = await call('Edit', { file_path: path, old_string: 'foo', new_string: 'q' }, context)
    expect(ambiguous.isError).toBe(true)
    expect(text(ambiguous)).toContain('Found 2 matches of the string to replace, but replace_all is false.')
    expect(await readFile(path, 'utf8')).toBe('foo bar foo\n')
    expect(
      text(
        await call(
          'Edit',
          { file_path: path, old_string: 'foo', new_string: 'q', replace_all: true },
          context,
        ),
      ),
    ).toContain('All 2 occurrences')
    expect(await readFile(path, 'utf8')).toBe('q bar q\n')
    expect(text(await call('Edit', { file_path: path, old_string: 'q', new_string: 'q' }, context))).toBe(
      'No changes to make: old_string and new_string are exactly the same.',
    )
    expect(
      text(await call('Edit', { file_path: join(dir, 'none'), old_string: 'a', new_string: 'b' }, context)),
    ).toBe('File does not exist.')
  })

  it('matches straight quotes in old_string against curly quotes in the file', async () => {
    const path = join(dir, 'q.md')
    await writeFile(path, 'He said “hello” and ‘bye’.\n')
    const { context } = setup()
    await call('Read', { file_path: path }, context)
    const out = await call(
      'Edit',
      { file_path: path, old_string: 'said "hello"', new_string: 'said "hi"' },
      context,
    )
    expect(out.isError).toBeFalsy()
    expect(await readFile(path, 'utf8')).toBe('He said "hi" and ‘bye’.\n')
  })

  it('keeps $ patterns in new_string literal', async () => {
    const path = join(dir, 'f.txt')
    await writeFile(path, 'price\n')
    const { context } = setup()
    await call('Read', { file_path: path }, context)
    await call('Edit', { file_path: path, old_string: 'price', new_string: "$& $' $1" }, context)
    expect(await readFile(path, 'utf8')).toBe("$& $' $1\n")
  })

  it('creates files with Write, and needs a Read before overwriting', async () => {
    const path = join(dir, 'nested', 'new.txt')
    const { context } = setup()
    expect(text(await call('Write', { file_path: path, content: 'hello\n' }, context))).toBe(
      `File created successfully at: ${path}`,
    )
    const other = join(dir, 'other.txt')
    await writeFile(other, 'old\n')
    expect(text(await call('Write', { file_path: other, content: 'new\n' }, context))).toBe(
      'File has not been read yet. Read it first before writing to it.',
    )
    await call('Read', { file_path: other }, context)
    expect(text(await call('Write', { file_path: other, content: 'new\n' }, context))).toContain(
      'has been updated',
    )
    expect(await readFile(other, 'utf8')).toBe('new\n')
    expect(text(await call('Write', { file_path: 'rel.txt', content: 'x' }, context))).toContain(
      'absolute path',
    )
  })

  it('writes nothing when approval is refused', async () => {
    const { context } = setup({ approve: () => ({ approved: false, reason: 'read-only session' }) })
    const path = join(dir, 'x.txt')
    expect(await call('Write', { file_path: path, content: 'x' }, context)).toEqual({
      output: 'read-only session',
      isError: true,
    })
    expect(existsSync(path)).toBe(false)
  })
})

describe('Glob', () => {
  it('finds files newest first, relative to path, and says when none match', async () => {
    await mkdir(join(dir, 'src', 'deep'), { recursive: true })
    await writeFile(join(dir, 'src', 'a.ts'), '')
    await writeFile(join(dir, 'src', 'deep', 'b.ts'), '')
    await writeFile(join(dir, 'src', 'c.js'), '')
    const old = new Date(Date.now() - 60_000)
    await utimes(join(dir, 'src', 'a.ts'), old, old)
    const { context } = setup()
    expect(text(await call('Glob', { pattern: '**/*.ts' }, context))).toBe(
      `${join(dir, 'src', 'deep', 'b.ts')}\n${join(dir, 'src', 'a.ts')}`,
    )
    expect(text(await call('Glob', { pattern: '*.js', path: join(dir, 'src') }, context))).toBe(
      join(dir, 'src', 'c.js'),
    )
    expect(text(await call('Glob', { pattern: '*.py' }, context))).toBe('No files found')
    expect((await call('Glob', { pattern: '*', path: join(dir, 'nope') }, context)).isError).toBe(true)
  })
})

describe('Grep', () => {
  beforeEach(async () => {
    await mkdir(join(dir, 'src'))
    await writeFile(join(dir, 'src', 'a.ts'), 'export const Foo = 1\nconst bar = Foo + 1\n')
    await writeFile(join(dir, 'src', 'b.py'), 'foo = 2\n')
    await writeFile(join(dir, 'notes.md'), 'nothing here\n')
  })

  it('lists files with matches by default', async () => {
    const { context } = setup()
    const out = text(await call('Grep', { pattern: 'Foo' }, context))
    expect(out).toBe(`Found 1 file\n${join(dir, 'src', 'a.ts')}`)
    const insensitive = text(await call('Grep', { pattern: 'foo', '-i': true }, context))
    expect(insensitive.startsWith('Found 2 files')).toBe(true)
    expect(text(await call('Grep', { pattern: 'foo', '-i': true, type: 'py' }, context))).toBe(
      `Found 1 file\n${join(dir, 'src', 'b.py')}`,
    )
    expect(text(await call('Grep', { pattern: 'foo', '-i': true, glob: '*.ts' }, context))).toBe(
      `Found 1 file\n${join(dir, 'src', 'a.ts')}`,
    )
    expect(text(await call('Grep', { pattern: 'zzz' }, context))).toBe('No files found')
  })

  it('shows content with line numbers and context, and counts', async () => {
    const { context } = setup()
    const content = text(
      await call('Grep', { pattern: 'bar', output_mode: 'content', '-B': 1, path: 'src' }, context),
    )
    expect(content).toBe(
      `${join(dir, 'src', 'a.ts')}-1-export const Foo = 1\n${join(dir, 'src', 'a.ts')}:2:const bar = Foo + 1`,
    )
    const count = text(await call('Grep', { pattern: 'Foo', output_mode: 'count' }, context))
    expect(count).toBe(`${join(dir, 'src', 'a.ts')}:2\n\nFound 2 total occurrences across 1 file.`)
    const limited = text(
      await call(
        'Grep',
        { pattern: '.', output_mode: 'content', path: 'src', head_limit: 1, offset: 1 },
        context,
      ),
    )
    expect(limited.split('\n')).toHaveLength(1)
    const multi = text(await call('Grep', { pattern: 'Foo = 1\\nconst', multiline: true }, context))
    expect(multi).toContain('a.ts')
  })

  it('reports bad patterns and a missing ripgrep clearly', async () => {
    const { context } = setup()
    expect(text(await call('Grep', { pattern: '(' }, context))).toContain('ripgrep failed')
    const [noRg] = claudeToolset({ ripgrepPath: '/nonexistent/rg' }).filter((t) => t.name === 'Grep') as [
      ToolDefinition,
    ]
    const out = await noRg.handle(noRg.parameters.parse({ pattern: 'x' }), context)
    expect(out.isError).toBe(true)
    expect(text(out)).toContain('Grep needs ripgrep')
  })
})

describe('TodoWrite', () => {
  it('stores the list and emits plan_update', async () => {
    const { context, events } = setup()
    const todos = [
      { content: 'Run tests', status: 'in_progress', activeForm: 'Running tests' },
      { content: 'Fix bug', status: 'pending', activeForm: 'Fixing bug' },
    ]
    const out = await call('TodoWrite', { todos }, context)
    expect(text(out)).toContain('Todos have been modified successfully')
    expect(currentTodos(context.sessionState)).toEqual(todos)
    expect(events).toEqual([
      {
        type: 'plan_update',
        plan: [
          { step: 'Running tests', status: 'in_progress' },
          { step: 'Fix bug', status: 'pending' },
        ],
      },
    ])
    expect(() =>
      tool('TodoWrite').parameters.parse({ todos: [{ content: '', status: 'pending', activeForm: 'x' }] }),
    ).toThrow()
  })
})

describe('deny_read', () => {
  it('Read, Glob and Grep honour the sandbox policy’s deny_read paths', async () => {
    await mkdir(join(dir, 'secret'))
    await writeFile(join(dir, 'secret', 'key.txt'), 'token=abc\n')
    await writeFile(join(dir, 'open.txt'), 'token=public\n')
    const { context } = setup({
      sandboxPolicy: {
        type: 'workspace-write',
        writable_roots: [],
        network_access: false,
        deny_read: [join(dir, 'secret')],
      },
    })
    expect(text(await call('Read', { file_path: join(dir, 'secret', 'key.txt') }, context))).toContain(
      'deny_read',
    )
    expect(text(await call('Glob', { pattern: '**/*.txt' }, context))).toBe(join(dir, 'open.txt'))
    expect(text(await call('Grep', { pattern: 'token' }, context))).toBe(
      `Found 1 file\n${join(dir, 'open.txt')}`,
    )
    expect(text(await call('Grep', { pattern: 'token', output_mode: 'content' }, context))).toBe(
      `${join(dir, 'open.txt')}:1:token=public`,
    )
  })
})
