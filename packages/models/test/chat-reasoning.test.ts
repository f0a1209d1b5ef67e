// Reasoning over Chat Completions: servers that stream `reasoning_content` (DeepSeek, vLLM,
// Ollama) get it back on the assistant message within the current tool loop, and not for
// earlier turns; reasoning with another provider's opaque state never goes to them.
import type { ResponseItem } from '@agent/protocol'
import { afterEach, expect, test } from 'vitest'
import { type MockProviderServer, startMockProviderServer } from '../src/testing/index.js'
import { clientFor, collect, request } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const user = (text: string): ResponseItem => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
})
const thought = (text: string): ResponseItem => ({
  type: 'reasoning',
  summary: [],
  content: [{ type: 'reasoning_text', text }],
})

test('reasoning_content streams in, and goes back on the current tool loop only', async () => {
  server = await startMockProviderServer({
    wire: 'chat',
    turns: [
      { reasoning: 'Read it first.', toolCalls: [{ name: 'read_file', arguments: { path: 'a' } }] },
      { text: 'ok' },
    ],
  })
  const client = clientFor(server)
  const first = await collect(
    client.stream(request({ input: [user('earlier'), thought('Old thoughts.'), user('now')] })),
  )
  const reasoningItem = first.find((e) => e.type === 'output_item' && e.item.type === 'reasoning')
  expect(reasoningItem).toEqual({
    type: 'output_item',
    item: { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Read it first.' }] },
  })
  const call = first.find((e) => e.type === 'output_item' && e.item.type === 'function_call')
  if (call?.type !== 'output_item' || reasoningItem?.type !== 'output_item') throw new Error('no items')
  const history: ResponseItem[] = [
    user('earlier'),
    thought('Old thoughts.'),
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier answer.' }] },
    user('now'),
    reasoningItem.item,
    call.item,
    { type: 'function_call_output', call_id: (call.item as { call_id: string }).call_id, output: 'alpha' },
  ]
  await collect(client.stream(request({ input: history })))
  // biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
  const messages = (server.requests[1]?.body as any)?.messages
  // The earlier turn's reasoning is not sent back...
  expect(messages[2]).toEqual({ role: 'assistant', content: 'Earlier answer.' })
  // ...the current tool loop's is, on the assistant message that carries the call.
  expect(messages[4]).toMatchObject({
    role: 'assistant',
    content: null,
    reasoning_content: 'Read it first.',
    tool_calls: [{ type: 'function', function: { name: 'read_file' } }],
  })
  expect(messages[5]).toMatchObject({ role: 'tool', content: 'alpha' })
})

test("another provider's reasoning (encrypted or signed) is never sent as reasoning_content", async () => {
  server = await startMockProviderServer({ wire: 'chat', turns: [{ text: 'ok' }] })
  const input: ResponseItem[] = [
    user('now'),
    {
      type: 'reasoning',
      summary: [],
      content: [{ type: 'reasoning_text', text: 'signed' }],
      signature: 'sig',
    },
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'gAAAA' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Answer.' }] },
  ]
  await collect(clientFor(server).stream(request({ input })))
  // biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
  const messages = (server.requests[0]?.body as any)?.messages
  expect(messages.at(-1)).toEqual({ role: 'assistant', content: 'Answer.' })
})
