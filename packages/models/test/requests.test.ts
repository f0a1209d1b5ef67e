// What each client puts on the wire for a multi-turn conversation: tool calls and results,
// reasoning state sent back, images, tool choice, reasoning effort and Anthropic cache breakpoints.
import type { ModelRequest, ResponseItem } from '@agent/protocol'
import { afterEach, describe, expect, test } from 'vitest'
import { type MockProviderServer, startMockProviderServer } from '../src/testing/index.js'
import { clientFor, collect, request } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const PNG = 'data:image/png;base64,iVBORw0KGgo='

/** A conversation after one model turn with reasoning and two parallel tool calls. */
function history(): ResponseItem[] {
  return [
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'What is in these files?' },
        { type: 'input_image', image_url: PNG },
      ],
    },
    {
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Need both files.' }],
      encrypted_content: 'gAAAA_openai_state',
    },
    {
      type: 'reasoning',
      summary: [],
      content: [{ type: 'reasoning_text', text: 'Need both files.' }],
      signature: 'anthropic-signature',
    },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Reading both.' }] },
    { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' },
    { type: 'function_call', call_id: 'call_2', name: 'read_file', arguments: '{"path":"b.png"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'alpha' },
    {
      type: 'function_call_output',
      call_id: 'call_2',
      output: [
        { type: 'input_text', text: 'an image' },
        { type: 'input_image', image_url: PNG },
      ],
      is_error: false,
    },
    { type: 'function_call_output', call_id: 'call_3', output: 'no such file', is_error: true },
    { type: 'compaction_summary', summary: 'Earlier we set things up.' },
  ]
}

async function sent(wire: 'responses' | 'chat' | 'anthropic', overrides: Partial<ModelRequest> = {}) {
  server = await startMockProviderServer({ wire, turns: [{ text: 'ok' }] })
  const events = await collect(clientFor(server).stream(request({ input: history(), ...overrides })))
  expect(events.at(-1)).toMatchObject({ type: 'completed' })
  // biome-ignore lint/suspicious/noExplicitAny: the test walks untyped wire JSON
  return server.requests[0]?.body as Record<string, any>
}

describe('Responses request', () => {
  test('maps history, sends OpenAI reasoning back and drops foreign reasoning', async () => {
    const body = await sent('responses', {
      reasoning_effort: 'medium',
      tool_choice: 'required',
      parallel_tool_calls: true,
      max_output_tokens: 500,
      prompt_cache_key: 'sess-1',
    })
    expect(body).toMatchObject({
      model: 'test-model',
      instructions: 'You are a test.',
      stream: true,
      store: false,
      tool_choice: 'required',
      parallel_tool_calls: true,
      max_output_tokens: 500,
      prompt_cache_key: 'sess-1',
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      tools: [
        {
          type: 'function',
          name: 'read_file',
          description: 'Read a file',
          strict: false,
          parameters: expect.any(Object),
        },
      ],
    })
    expect(body.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is in these files?' },
          { type: 'input_image', image_url: PNG, detail: 'auto' },
        ],
      },
      {
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Need both files.' }],
        encrypted_content: 'gAAAA_openai_state',
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Reading both.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"a.txt"}' },
      { type: 'function_call', call_id: 'call_2', name: 'read_file', arguments: '{"path":"b.png"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'alpha' },
      {
        type: 'function_call_output',
        call_id: 'call_2',
        output: [
          { type: 'input_text', text: 'an image' },
          { type: 'input_image', image_url: PNG, detail: 'auto' },
        ],
      },
      { type: 'function_call_output', call_id: 'call_3', output: 'no such file' },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Summary of the earlier conversation:\nEarlier we set things up.' },
        ],
      },
    ])
  })

  test('a named tool choice', async () => {
    const body = await sent('responses', { tool_choice: { type: 'function', name: 'read_file' } })
    expect(body.tool_choice).toEqual({ type: 'function', name: 'read_file' })
    expect(body.reasoning).toBeUndefined()
  })
})

describe('Chat Completions request', () => {
  test('folds tool calls into one assistant message and follows tool results with their images', async () => {
    const body = await sent('chat', {
      reasoning_effort: 'low',
      tool_choice: { type: 'function', name: 'read_file' },
      max_output_tokens: 300,
      parallel_tool_calls: false,
    })
    expect(body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
      max_tokens: 300,
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'read_file' } },
      tools: [
        {
          type: 'function',
          function: { name: 'read_file', description: 'Read a file', parameters: expect.any(Object) },
        },
      ],
    })
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a test.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these files?' },
          { type: 'image_url', image_url: { url: PNG } },
        ],
      },
      {
        role: 'assistant',
        content: 'Reading both.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
          { id: 'call_2', type: 'function', function: { name: 'read_file', arguments: '{"path":"b.png"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'alpha' },
      { role: 'tool', tool_call_id: 'call_2', content: 'an image' },
      { role: 'tool', tool_call_id: 'call_3', content: 'no such file' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: PNG } }] },
      { role: 'user', content: 'Summary of the earlier conversation:\nEarlier we set things up.' },
    ])
  })

  test('a tool call with no assistant text gets an assistant message of its own', async () => {
    const body = await sent('chat', {
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        { type: 'function_call', call_id: 'c', name: 'read_file', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c', output: 'done' },
      ],
    })
    expect(body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'read_file', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c', content: 'done' },
    ])
  })
})

describe('Anthropic request', () => {
  test('alternating turns, tool results with is_error, signed thinking sent back, cache breakpoints', async () => {
    const body = await sent('anthropic', {
      reasoning_effort: 'low',
      tool_choice: 'auto',
      parallel_tool_calls: false,
    })
    expect(body).toMatchObject({
      model: 'test-model',
      stream: true,
      system: [{ type: 'text', text: 'You are a test.', cache_control: { type: 'ephemeral' } }],
      tools: [
        {
          name: 'read_file',
          description: 'Read a file',
          input_schema: expect.any(Object),
          cache_control: { type: 'ephemeral' },
        },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 4096 },
      max_tokens: 8192 + 4096,
    })
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these files?' },
          { ...image, cache_control: { type: 'ephemeral' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need both files.', signature: 'anthropic-signature' },
          { type: 'text', text: 'Reading both.' },
          { type: 'tool_use', id: 'call_1', name: 'read_file', input: { path: 'a.txt' } },
          { type: 'tool_use', id: 'call_2', name: 'read_file', input: { path: 'b.png' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'alpha' },
          {
            type: 'tool_result',
            tool_use_id: 'call_2',
            content: [{ type: 'text', text: 'an image' }, image],
          },
          { type: 'tool_result', tool_use_id: 'call_3', content: 'no such file', is_error: true },
          {
            type: 'text',
            text: 'Summary of the earlier conversation:\nEarlier we set things up.',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ])
    // Breakpoints: tools, system, and the latest user turns — never more than four.
    expect(JSON.stringify(body).match(/cache_control/g)?.length).toBe(4)
  })

  test('without thinking the temperature is sent; required maps to any; http image urls stay urls', async () => {
    const body = await sent('anthropic', {
      temperature: 0.2,
      tool_choice: 'required',
      max_output_tokens: 1000,
      input: [
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_image', image_url: 'https://example.com/a.png' }],
        },
      ],
    })
    expect(body).toMatchObject({ temperature: 0.2, tool_choice: { type: 'any' }, max_tokens: 1000 })
    expect(body.thinking).toBeUndefined()
    expect(body.messages[0].content[0]).toMatchObject({
      type: 'image',
      source: { type: 'url', url: 'https://example.com/a.png' },
    })
  })
})

describe('edge cases', () => {
  test('Anthropic: a forced tool choice turns thinking off; empty tool results carry no content', async () => {
    const body = await sent('anthropic', {
      reasoning_effort: 'high',
      tool_choice: 'required',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        { type: 'function_call', call_id: 'c', name: 'read_file', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c', output: '' },
      ],
    })
    expect(body.thinking).toBeUndefined()
    expect(body.max_tokens).toBe(8192)
    expect(body.messages[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'c',
      cache_control: { type: 'ephemeral' },
    })
  })

  test('Responses: empty instructions are left out', async () => {
    const body = await sent('responses', { instructions: '' })
    expect('instructions' in body).toBe(false)
  })
})

describe('output schema', () => {
  const schema = {
    type: 'object',
    properties: { summary: { type: 'string' } },
    required: ['summary'],
    additionalProperties: false,
  }

  test('Responses: text.format json_schema, strict', async () => {
    const body = await sent('responses', { output_schema: schema })
    expect(body.text).toEqual({
      format: { type: 'json_schema', name: 'output_schema', schema, strict: true },
    })
  })

  test('Chat Completions: response_format json_schema, strict', async () => {
    const body = await sent('chat', { output_schema: schema })
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output_schema', schema, strict: true },
    })
  })

  test('Anthropic: output_config.format json_schema', async () => {
    const body = await sent('anthropic', { output_schema: schema })
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } })
  })

  test('no schema, no format fields', async () => {
    expect((await sent('responses')).text).toBeUndefined()
    await server?.close()
    expect((await sent('chat')).response_format).toBeUndefined()
    await server?.close()
    expect((await sent('anthropic')).output_config).toBeUndefined()
  })
})
