// Freeform (custom, grammar-constrained) tools: offered as `custom` tools to models trained on
// them over the Responses API, as functions everywhere else; `custom_tool_call` items come back
// as tool calls whose raw text fills the tool's argument, and go back out in each wire's form.
import type { ModelRequest, ResponseItem, ToolSpec } from '@agent/protocol'
import { afterEach, describe, expect, test } from 'vitest'
import { type MockProviderServer, startMockProviderServer } from '../src/testing/index.js'
import { clientFor, collect, request } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+alpha\n*** End Patch\n'

const patchTool: ToolSpec = {
  name: 'apply_patch',
  description: 'Edit files.',
  parameters: { type: 'object', properties: { patch: { type: 'string' } }, required: ['patch'] },
  freeform: { argument: 'patch', grammar: { syntax: 'lark', definition: 'start: /.+/s' } },
}

const history: ResponseItem[] = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'add a.txt' }] },
  { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: PATCH },
  { type: 'function_call_output', call_id: 'call_p', output: 'Success. Updated: A a.txt' },
  { type: 'function_call', call_id: 'call_f', name: 'read_file', arguments: '{"path":"a.txt"}' },
  { type: 'function_call_output', call_id: 'call_f', output: 'alpha' },
]

// biome-ignore lint/suspicious/noExplicitAny: the test walks untyped wire JSON
type Json = any

async function sent(
  wire: 'responses' | 'chat' | 'anthropic',
  overrides: Partial<ModelRequest>,
): Promise<Json> {
  server = await startMockProviderServer({ wire, turns: [{ text: 'ok' }] })
  const events = await collect(
    clientFor(server).stream(
      request({ input: history, tools: [...request().tools, patchTool], ...overrides }),
    ),
  )
  expect(events.at(-1)).toMatchObject({ type: 'completed' })
  return server.requests[0]?.body
}

describe('freeform tools on the wire', () => {
  test('a GPT-5 model on the Responses API gets a custom tool and custom items', async () => {
    const body = await sent('responses', { model: 'gpt-5-codex' })
    expect(body.tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'read_file' }),
      {
        type: 'custom',
        name: 'apply_patch',
        description: 'Edit files.',
        format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/s' },
      },
    ])
    expect(body.input.slice(1)).toEqual([
      { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: PATCH },
      { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Success. Updated: A a.txt' },
      { type: 'function_call', call_id: 'call_f', name: 'read_file', arguments: '{"path":"a.txt"}' },
      { type: 'function_call_output', call_id: 'call_f', output: 'alpha' },
    ])
  })

  test('another Responses model gets the function form, and the history converted to it', async () => {
    const body = await sent('responses', { model: 'gpt-4.1' })
    expect(body.tools[1]).toMatchObject({
      type: 'function',
      name: 'apply_patch',
      parameters: patchTool.parameters,
    })
    expect(body.input[1]).toEqual({
      type: 'function_call',
      call_id: 'call_p',
      name: 'apply_patch',
      arguments: JSON.stringify({ patch: PATCH }),
    })
    expect(body.input[2]).toEqual({
      type: 'function_call_output',
      call_id: 'call_p',
      output: 'Success. Updated: A a.txt',
    })
  })

  test('Chat Completions sends a custom call back as a function call', async () => {
    const body = await sent('chat', { model: 'gpt-5-codex' })
    expect(body.tools[1]).toMatchObject({ type: 'function', function: { name: 'apply_patch' } })
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_p',
          type: 'function',
          function: { name: 'apply_patch', arguments: JSON.stringify({ patch: PATCH }) },
        },
      ],
    })
    expect(body.messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'call_p',
      content: 'Success. Updated: A a.txt',
    })
  })

  test('Anthropic sends a custom call back as tool_use with the argument object', async () => {
    const body = await sent('anthropic', { model: 'test-model' })
    expect(body.messages[1].content[0]).toEqual({
      type: 'tool_use',
      id: 'call_p',
      name: 'apply_patch',
      input: { patch: PATCH },
    })
  })

  test('a streamed custom_tool_call becomes an item and a tool call with the raw text as its argument', async () => {
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          toolCalls: [{ name: 'apply_patch', id: 'call_x', arguments: {}, freeformInput: PATCH }],
          chunkSize: 7,
        },
      ],
    })
    const events = await collect(clientFor(server).stream(request({ model: 'gpt-5', tools: [patchTool] })))
    const item = events.find((e) => e.type === 'output_item')
    expect(item).toEqual({
      type: 'output_item',
      item: {
        type: 'custom_tool_call',
        call_id: 'call_x',
        name: 'apply_patch',
        input: PATCH,
        id: 'ctc_mock_0_0',
      },
    })
    expect(events.find((e) => e.type === 'tool_call')).toEqual({
      type: 'tool_call',
      call_id: 'call_x',
      name: 'apply_patch',
      arguments: JSON.stringify({ patch: PATCH }),
    })
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'tool_calls' })
  })
})
