import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ToolDefinition, ToolOutput } from '@agent/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testContext } from '../testing/test-context.js'
import { createToolset } from '../toolset.js'
import type { TextFileSystem } from './file-system.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-fs-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** An editor's view: buffers that may differ from the disk, and a log of what was asked. */
function editorBuffers(buffers: Record<string, string>) {
  const calls: string[] = []
  const fs: TextFileSystem = {
    async readTextFile(path) {
      calls.push(`read ${path}`)
      const text = buffers[path]
      if (text === undefined) throw new Error(`no buffer for ${path}`)
      return text
    },
    async writeTextFile(path, content) {
      calls.push(`write ${path}`)
      buffers[path] = content
    },
  }
  return { fs, calls, buffers }
}

async function call(
  tools: ToolDefinition[],
  name: string,
  args: unknown,
  sessionState: Map<string, unknown>,
) {
  const tool = tools.find((t) => t.name === name) as ToolDefinition
  const { context } = testContext({ cwd: dir, sessionState })
  return (await tool.handle(tool.parameters.parse(args), context)) as ToolOutput
}

describe('a session file system (TextFileSystem)', () => {
  it('apply_patch reads the buffer and writes through it, not the disk', async () => {
    const file = join(dir, 'a.txt')
    await writeFile(file, 'on disk\n')
    const editor = editorBuffers({ [file]: 'unsaved\n' })
    const tools = createToolset('codex', { fileSystem: editor.fs })
    const patch = '*** Begin Patch\n*** Update File: a.txt\n@@\n-unsaved\n+edited\n*** End Patch'
    const out = await call(tools, 'apply_patch', { input: patch }, new Map())
    expect(out.isError).toBe(false)
    expect(editor.buffers[file]).toBe('edited\n')
    expect(await readFile(file, 'utf8')).toBe('on disk\n')
    expect(editor.calls).toEqual([`read ${file}`, `write ${file}`])
  })

  it('Read shows the buffer; Edit edits it', async () => {
    const file = join(dir, 'b.txt')
    await writeFile(file, 'one\n')
    const editor = editorBuffers({ [file]: 'one\ntwo (unsaved)\n' })
    const tools = createToolset('claude', { fileSystem: editor.fs })
    const state = new Map<string, unknown>()
    const read = await call(tools, 'Read', { file_path: file }, state)
    expect(read.output).toContain('two (unsaved)')
    const edit = await call(tools, 'Edit', { file_path: file, old_string: 'two', new_string: 'TWO' }, state)
    expect(edit.isError).toBeFalsy()
    expect(editor.buffers[file]).toBe('one\nTWO (unsaved)\n')
    expect(await readFile(file, 'utf8')).toBe('one\n')
  })

  it('without one, the tools use the disk', async () => {
    const file = join(dir, 'c.txt')
    await writeFile(file, 'x\n')
    const patch = '*** Begin Patch\n*** Update File: c.txt\n@@\n-x\n+y\n*** End Patch'
    await call(createToolset('codex'), 'apply_patch', { input: patch }, new Map())
    expect(await readFile(file, 'utf8')).toBe('y\n')
  })
})
