import type { ModelEvent } from '@agent/protocol'
import { ModelEvent as ModelEventSchema } from '@agent/protocol'
import { describe, expect, test } from 'vitest'
import { ScriptedModelClient, scriptedEvents } from './scripted-client.js'

const req = (text: string) => ({
  model: 'm',
  instructions: '',
  input: [
    { type: 'message' as const, role: 'user' as const, content: [{ type: 'input_text' as const, text }] },
  ],
  tools: [],
})

async function collect(stream: AsyncIterable<ModelEvent>) {
  const events: ModelEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

describe('ScriptedModelClient', () => {
  test('answers in order, records requests, and follows the stream contract', async () => {
    const client = new ScriptedModelClient([
      {
        reasoning: ['Let me ', 'think.'],
        text: ['Reading ', 'it.'],
        toolCalls: [{ name: 'read_file', arguments: { path: 'a' }, id: 'c1' }],
      },
      (request) => ({ text: `You said ${request.input.length} things` }),
    ])
    const first = await collect(client.stream(req('one')))
    expect(first.map((e) => e.type)).toEqual([
      'created',
      'reasoning_delta',
      'reasoning_delta',
      'output_item',
      'text_delta',
      'text_delta',
      'output_item',
      'output_item',
      'tool_call',
      'usage',
      'completed',
    ])
    expect(first.at(-3)).toEqual({
      type: 'tool_call',
      call_id: 'c1',
      name: 'read_file',
      arguments: '{"path":"a"}',
    })
    expect(first.at(-1)).toMatchObject({ stop_reason: 'tool_calls' })
    for (const event of first) expect(ModelEventSchema.safeParse(event).success).toBe(true)
    const second = await collect(client.stream(req('two')))
    expect(second.find((e) => e.type === 'text_delta')).toMatchObject({ delta: 'You said 1 things' })
    expect(client.requests.map((r) => r.input[0])).toMatchObject([
      { content: [{ text: 'one' }] },
      { content: [{ text: 'two' }] },
    ])
    expect(client.remaining).toBe(0)
  })

  test('scripted errors end the stream; an exhausted script says so', async () => {
    const client = new ScriptedModelClient([
      { text: 'par', error: { kind: 'network', message: 'cut', retryable: true } },
    ])
    const events = await collect(client.stream(req('x')))
    expect(events.at(-1)).toEqual({ type: 'error', kind: 'network', message: 'cut', retryable: true })
    expect(events.some((e) => e.type === 'completed')).toBe(false)
    const exhausted = await collect(client.stream(req('y')))
    expect(exhausted).toEqual([
      expect.objectContaining({
        type: 'error',
        message: expect.stringContaining('no scripted response left for request #2'),
      }),
    ])
  })

  test('a delay can be aborted', async () => {
    const client = new ScriptedModelClient([{ text: 'late', delayMs: 60_000 }])
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    const events = await collect(client.stream(req('x'), { signal: controller.signal }))
    expect(events).toEqual([
      { type: 'error', kind: 'aborted', message: 'the request was aborted', retryable: false },
    ])
  })

  test('raw events pass through unchanged; push adds steps', async () => {
    const client = new ScriptedModelClient([])
    const raw: ModelEvent[] = [{ type: 'completed', stop_reason: 'content_filter' }]
    client.push({ events: raw })
    expect(await collect(client.stream(req('x')))).toEqual(raw)
    expect(
      scriptedEvents({ text: 'hi', usage: { input_tokens: 5, output_tokens: 2 } }, 0).find(
        (e) => e.type === 'usage',
      ),
    ).toEqual({
      type: 'usage',
      usage: {
        input_tokens: 5,
        cached_input_tokens: 0,
        output_tokens: 2,
        reasoning_output_tokens: 0,
        total_tokens: 7,
      },
    })
  })
})
