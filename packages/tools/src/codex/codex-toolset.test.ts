import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ToolContext, ToolDefinition, ToolOutput } from '@agent/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testContext } from '../testing/test-context.js'
import { codexToolset } from './index.js'
import { sniffImageType } from './view-image.js'

let dir: string
let cleanup: (() => void)[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-codex-'))
})
afterEach(async () => {
  for (const f of cleanup) f()
  cleanup = []
  await rm(dir, { recursive: true, force: true })
})

const tools = codexToolset()
const tool = (name: string) => tools.find((t) => t.name === name) as ToolDefinition
async function call(name: string, args: unknown, context: ToolContext): Promise<ToolOutput> {
  const t = tool(name)
  return t.handle(t.parameters.parse(args), context)
}
const text = (out: ToolOutput) => (typeof out.output === 'string' ? out.output : JSON.stringify(out.output))
const patch = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`

function setup(options: Partial<Parameters<typeof testContext>[0]> = {}) {
  const t = testContext({ cwd: dir, ...options })
  cleanup.push(() => t.processes.killAll())
  return t
}

describe('codexToolset', () => {
  it('has Codex’s tool names and JSON schemas', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'shell',
      'apply_patch',
      'exec_command',
      'write_stdin',
      'update_plan',
      'view_image',
      'web_fetch',
    ])
    expect(tool('shell').jsonSchema).toMatchObject({
      required: ['command'],
      properties: {
        command: { type: 'array', items: { type: 'string' } },
        workdir: { type: 'string' },
        timeout_ms: { type: 'number' },
        with_escalated_permissions: { type: 'boolean' },
        justification: { type: 'string' },
      },
      additionalProperties: false,
    })
    expect(tool('apply_patch').jsonSchema).toMatchObject({
      required: ['input'],
      properties: { input: { type: 'string' } },
    })
    expect(tool('write_stdin').jsonSchema).toMatchObject({ required: ['session_id'] })
    expect(Object.keys((tool('exec_command').jsonSchema as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['cmd', 'workdir', 'yield_time_ms', 'max_output_tokens', 'tty']),
    )
    expect(
      codexToolset({ unifiedExec: false, viewImage: false, plan: false, webFetch: false }).map((t) => t.name),
    ).toEqual(['shell', 'apply_patch'])
  })
})

describe('shell', () => {
  it('runs the command in workdir and returns the formatted output', async () => {
    const { context, execRequests } = setup()
    const out = await call(
      'shell',
      { command: ['bash', '-c', 'pwd; echo hi'], workdir: '.', timeout_ms: 60000 },
      context,
    )
    expect(text(out)).toContain('Exit code: 0')
    expect(text(out)).toContain(`${dir}\nhi`)
    expect(out.isError).toBe(false)
    expect(execRequests[0]).toMatchObject({ cwd: dir, timeoutMs: 60000 })
  })

  it('flags a failing command and passes escalation through', async () => {
    const { context, execRequests } = setup()
    const out = await call(
      'shell',
      { command: ['bash', '-c', 'exit 3'], with_escalated_permissions: true, justification: 'needs network' },
      context,
    )
    expect(out.isError).toBe(true)
    expect(text(out)).toContain('Exit code: 3')
    expect(execRequests[0]).toMatchObject({ escalate: true, justification: 'needs network' })
  })

  it('returns the refusal reason to the model', async () => {
    const { context } = setup({ refuse: () => 'rm -rf is forbidden by policy' })
    const out = await call('shell', { command: ['rm', '-rf', '/'] }, context)
    expect(out).toEqual({ output: 'rm -rf is forbidden by policy', isError: true })
  })

  it('routes an apply_patch heredoc to the patch path (approved and announced)', async () => {
    const { context, execRequests, approvals, events } = setup()
    const script = `cd sub && apply_patch <<'EOF'\n${patch('*** Add File: made.txt\n+made by patch')}\nEOF`
    const out = await call('shell', { command: ['bash', '-lc', script] }, context)
    expect(execRequests).toHaveLength(0)
    expect(approvals).toHaveLength(1)
    expect(Object.keys(approvals[0]?.changes ?? {})).toEqual([join(dir, 'sub', 'made.txt')])
    expect(await readFile(join(dir, 'sub', 'made.txt'), 'utf8')).toBe('made by patch\n')
    expect(text(out)).toContain('Success. Updated the following files:\nA made.txt')
    expect(events.map((e) => e.type)).toEqual(['patch_apply_begin', 'patch_apply_end'])
  })

  it('tells the model to call apply_patch explicitly for a bare patch', async () => {
    const { context } = setup()
    const out = await call('shell', { command: [patch('*** Add File: x\n+y')] }, context)
    expect(out.isError).toBe(true)
    expect(text(out)).toContain('patch detected without explicit call to apply_patch')
  })
})

describe('apply_patch', () => {
  it('adds, moves and deletes files, announcing the changes', async () => {
    await writeFile(join(dir, 'old.txt'), 'alpha\nbeta\n')
    await writeFile(join(dir, 'gone.txt'), 'x\n')
    const { context, events } = setup()
    const out = await call(
      'apply_patch',
      {
        input: patch(
          '*** Add File: new.txt\n+fresh\n*** Update File: old.txt\n*** Move to: dir/renamed.txt\n@@\n-beta\n+BETA\n*** Delete File: gone.txt',
        ),
      },
      context,
    )
    expect(out.isError).toBe(false)
    expect(text(out)).toContain(
      'Success. Updated the following files:\nA new.txt\nM dir/renamed.txt\nD gone.txt\n',
    )
    expect(await readFile(join(dir, 'dir/renamed.txt'), 'utf8')).toBe('alpha\nBETA\n')
    expect(existsSync(join(dir, 'old.txt'))).toBe(false)
    expect(existsSync(join(dir, 'gone.txt'))).toBe(false)
    const begin = events.find((e) => e.type === 'patch_apply_begin')
    expect(begin).toMatchObject({ auto_approved: true, call_id: 'call_1' })
    expect(events.find((e) => e.type === 'patch_apply_end')).toMatchObject({ success: true })
  })

  it('applies with fuzzy context (whitespace and typographic punctuation)', async () => {
    await writeFile(join(dir, 'f.py'), 'def f():\n    return “quoted” — text   \n')
    const { context } = setup()
    const out = await call(
      'apply_patch',
      { input: patch('*** Update File: f.py\n@@ def f():\n-return "quoted" - text\n+    return "plain"') },
      context,
    )
    expect(out.isError).toBe(false)
    expect(await readFile(join(dir, 'f.py'), 'utf8')).toBe('def f():\n    return "plain"\n')
  })

  it('leaves files untouched on a conflicting patch and tells the model why', async () => {
    await writeFile(join(dir, 'a.txt'), 'one\n')
    const { context, approvals, events } = setup()
    const out = await call(
      'apply_patch',
      { input: patch('*** Add File: b.txt\n+b\n*** Update File: a.txt\n@@\n-two\n+three') },
      context,
    )
    expect(out).toEqual({
      output: 'apply_patch verification failed: Failed to find expected lines in a.txt:\ntwo',
      isError: true,
    })
    expect(existsSync(join(dir, 'b.txt'))).toBe(false)
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('one\n')
    expect(approvals).toHaveLength(0)
    expect(events).toHaveLength(0)
  })

  it('writes nothing when the user declines, and asks for a grant root outside the workspace', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'tools-outside-'))
    cleanup.push(() => void rm(outside, { recursive: true, force: true }))
    const { context, approvals } = setup({ approve: () => ({ approved: false, reason: 'user said no' }) })
    const out = await call(
      'apply_patch',
      { input: patch(`*** Add File: ${join(outside, 'x.txt')}\n+x`) },
      context,
    )
    expect(out).toEqual({ output: 'user said no', isError: true })
    expect(approvals[0]?.grantRoot).toBe(outside)
    expect(existsSync(join(outside, 'x.txt'))).toBe(false)
  })

  it('reports parse errors in Codex’s words', async () => {
    const { context } = setup()
    const out = await call('apply_patch', { input: 'not a patch' }, context)
    expect(text(out)).toBe(
      "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
    )
  })
})

describe('exec_command / write_stdin', () => {
  it('runs a finished command and reports its exit code', async () => {
    const { context } = setup()
    const out = await call(
      'exec_command',
      { cmd: 'echo hello; exit 4', login: false, yield_time_ms: 5000 },
      context,
    )
    expect(text(out)).toMatch(
      /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 4\nOutput:\nhello\n$/,
    )
    expect(out.isError).toBe(true)
  })

  it('keeps an interactive process and talks to it through write_stdin', async () => {
    const { context } = setup()
    const first = await call(
      'exec_command',
      {
        cmd: 'echo ready; while read line; do echo "got $line"; [ "$line" = quit ] && exit 0; done',
        login: false,
        yield_time_ms: 1000,
      },
      context,
    )
    const id = Number(/session ID (\d+)/.exec(text(first))?.[1])
    expect(text(first)).toContain('ready')
    expect(id).toBeGreaterThan(0)
    const second = await call(
      'write_stdin',
      { session_id: id, chars: 'ping\n', yield_time_ms: 2000 },
      context,
    )
    expect(text(second)).toContain('got ping')
    expect(text(second)).toContain(`Process running with session ID ${id}`)
    const third = await call('write_stdin', { session_id: id, chars: 'quit\n', yield_time_ms: 5000 }, context)
    expect(text(third)).toContain('Process exited with code 0')
    const gone = await call('write_stdin', { session_id: id, chars: 'x' }, context)
    expect(gone.isError).toBe(true)
    expect(text(gone)).toContain(`Unknown session id ${id}`)
  })

  it('truncates output to max_output_tokens', async () => {
    const { context } = setup()
    const out = await call(
      'exec_command',
      { cmd: 'head -c 5000 /dev/zero | tr "\\0" a', login: false, max_output_tokens: 100 },
      context,
    )
    expect(text(out)).toContain('Original token count: 1250')
    expect(text(out)).toContain('chars truncated')
  })

  it('returns a refused start to the model', async () => {
    const { context } = setup({ refuse: () => 'denied by the user' })
    expect(await call('exec_command', { cmd: 'ls' }, context)).toEqual({
      output: 'denied by the user',
      isError: true,
    })
  })
})

describe('update_plan', () => {
  it('emits plan_update and refuses two steps in progress', async () => {
    const { context, events } = setup()
    const plan = [
      { step: 'read code', status: 'completed' },
      { step: 'fix bug', status: 'in_progress' },
    ]
    expect(await call('update_plan', { explanation: 'started', plan }, context)).toEqual({
      output: 'Plan updated',
    })
    expect(events).toEqual([{ type: 'plan_update', explanation: 'started', plan }])
    const bad = await call('update_plan', { plan: [...plan, { step: 'x', status: 'in_progress' }] }, context)
    expect(bad.isError).toBe(true)
    expect(() => tool('update_plan').parameters.parse({ plan: [{ step: 'a', status: 'done' }] })).toThrow()
  })
})

describe('view_image', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')

  it('attaches an image as a data URL', async () => {
    await writeFile(join(dir, 'pic.dat'), png)
    const { context } = setup()
    const out = await call('view_image', { path: 'pic.dat' }, context)
    expect(Array.isArray(out.output)).toBe(true)
    const parts = out.output as { type: string; image_url?: string }[]
    expect(parts[1]?.image_url?.startsWith('data:image/png;base64,')).toBe(true)
  })

  it('refuses missing files and non-images', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello')
    const { context } = setup()
    expect(text(await call('view_image', { path: 'nope.png' }, context))).toContain(
      'unable to locate image at',
    )
    expect(text(await call('view_image', { path: 'notes.txt' }, context))).toContain(
      'is not a PNG, JPEG, GIF or WebP image',
    )
  })

  it('sniffs image types by content', () => {
    expect(sniffImageType(png)).toBe('image/png')
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
    expect(sniffImageType(Buffer.from('GIF89a....'))).toBe('image/gif')
    expect(sniffImageType(Buffer.from('RIFF0000WEBPVP8 '))).toBe('image/webp')
    expect(sniffImageType(Buffer.from('plain'))).toBeUndefined()
  })
})
