// A GPT-5 model on the Responses API edits files with apply_patch as a freeform tool: the
// request offers it as a `custom` tool with the patch grammar, the model's raw patch is applied
// for real, and the result goes back as a `custom_tool_call_output`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello, freeform\n*** End Patch\n'

it('applies a freeform apply_patch call from a GPT-5 model and answers it in kind', async () => {
  const ws = workspace({ 'README.md': 'demo\n' })
  server = await startMockProviderServer({
    wire: 'responses',
    turns: [
      { toolCalls: [{ name: 'apply_patch', id: 'call_patch', arguments: {}, freeformInput: PATCH }] },
      { text: 'Added hello.txt.' },
    ],
  })
  const run = await runAgent(
    [
      'exec',
      '--provider',
      'openai',
      '-m',
      'gpt-5-codex',
      '-s',
      'danger-full-access',
      '-a',
      'never',
      'add hello.txt',
    ],
    { cwd: ws.repo, env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }) },
  )
  expect(run.stderr).toContain('A hello.txt')
  expect(run.code).toBe(0)
  expect(readFileSync(join(ws.repo, 'hello.txt'), 'utf8')).toBe('Hello, freeform\n')
  // biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
  const [first, second] = server.requests.map((r) => r.body as any)
  const patchTool = first.tools.find((tool: { name: string }) => tool.name === 'apply_patch')
  expect(patchTool).toMatchObject({ type: 'custom', format: { type: 'grammar', syntax: 'lark' } })
  expect(patchTool.format.definition).toContain('"*** Begin Patch"')
  const tail = second.input.slice(-2)
  expect(tail[0]).toEqual({
    type: 'custom_tool_call',
    call_id: 'call_patch',
    name: 'apply_patch',
    input: PATCH,
  })
  expect(tail[1]).toMatchObject({ type: 'custom_tool_call_output', call_id: 'call_patch' })
  expect(tail[1].output).toContain('hello.txt')
})
