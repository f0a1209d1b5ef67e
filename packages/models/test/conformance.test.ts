// Recorded real-API streams from ../shared/conformance/wire (when present), served as SSE to the
// matching client: each must normalise without throwing, into events that obey the stream contract.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ModelEvent } from '@agent/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { WireApi } from '../src/index.js'
import { type MockProviderServer, sseEvent, startMockProviderServer } from '../src/testing/index.js'
import { clientFor, collect, request, textOf } from './helpers.js'

const repoRoot = path.resolve(import.meta.dirname, '../../..')
const wireDir = path.resolve(repoRoot, '../shared/conformance/wire')
const FOLDERS: Record<string, WireApi> = {
  'openai-responses': 'responses',
  'openai-chat': 'chat',
  anthropic: 'anthropic',
}

/** The recorded `data:` payloads as the API sends them: named events, or data-only plus [DONE] for chat. */
function sseFor(wire: WireApi, text: string): string[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const events = lines.map((line) => {
    if (wire === 'chat') return sseEvent(line)
    let type: string | undefined
    try {
      type = (JSON.parse(line) as { type?: string }).type
    } catch {
      // A line that is not JSON is served as is; the client must report it, not crash.
      type = 'message'
    }
    return sseEvent(line, type)
  })
  if (wire === 'chat') events.push(sseEvent('[DONE]'))
  return events
}

/** What some recordings must produce, beyond the invariants every stream obeys. */
const EXPECT: Record<string, (events: ModelEvent[]) => void> = {
  'openai-error.1.chunks.txt': (events) =>
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'rate_limit', retryable: false }),
  'openai-reasoning-encrypted-content.1.chunks.txt': (events) => {
    const reasoning = events.find((e) => e.type === 'output_item' && e.item.type === 'reasoning')
    expect(reasoning).toMatchObject({ item: { encrypted_content: expect.stringMatching(/^gAAAA/) } })
    expect(events.some((e) => e.type === 'tool_call')).toBe(true)
  },
  'anthropic-refusal.chunks.txt': (events) =>
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'refusal' }),
  'anthropic-text.chunks.txt': (events) => {
    expect(textOf(events).length).toBeGreaterThan(10)
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'end_turn' })
  },
  'anthropic-tool-no-args.chunks.txt': (events) => {
    const call = events.find((e) => e.type === 'tool_call')
    expect(call && call.type === 'tool_call' ? JSON.parse(call.arguments) : undefined).toEqual({})
  },
  'spliced-message-start.chunks.txt': (events) => {
    const calls = events.filter((e) => e.type === 'tool_call')
    expect(calls.at(-1)).toMatchObject({ arguments: '{"value":"Sparkle Day"}' })
  },
  'deepseek-reasoning.chunks.txt': (events) =>
    expect(events.some((e) => e.type === 'reasoning_delta')).toBe(true),
  'deepseek-tool-call.chunks.txt': (events) =>
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'tool_calls' }),
  'xai-tool-call.chunks.txt': (events) =>
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'tool_calls' }),
  'openai-custom-tool.1.chunks.txt': (events) => {
    // The raw input of a freeform call fills the tool's argument (`input` when the request does
    // not declare the tool): the same call a function-calling model would make.
    const item = events.find((e) => e.type === 'output_item' && e.item.type === 'custom_tool_call')
    expect(item).toMatchObject({ item: { name: 'write_sql', input: 'SELECT * FROM users WHERE age > 25' } })
    const call = events.find((e) => e.type === 'tool_call')
    expect(call && call.type === 'tool_call' ? JSON.parse(call.arguments) : undefined).toEqual({
      input: 'SELECT * FROM users WHERE age > 25',
    })
  },
  'parallel-tool-call-wrapper.1.chunks.txt': (events) =>
    // Its first event is not valid JSON: reported as a bad response.
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: 'bad_response' }),
}

function checkInvariants(events: ModelEvent[]) {
  for (const event of events) expect(ModelEvent.safeParse(event).success, JSON.stringify(event)).toBe(true)
  const last = events.at(-1)
  expect(['completed', 'error']).toContain(last?.type)
  expect(events.filter((e) => e.type === 'completed' || e.type === 'error')).toHaveLength(1)
  for (const [i, event] of events.entries()) {
    if (event.type !== 'tool_call') continue
    expect(() => JSON.parse(event.arguments)).not.toThrow()
    expect(events[i - 1]).toMatchObject({
      type: 'output_item',
      // A freeform (custom) call is announced as itself; its tool_call carries JSON arguments.
      item: { type: expect.stringMatching(/^(function_call|custom_tool_call)$/), call_id: event.call_id },
    })
  }
  if (last?.type === 'completed') {
    expect(events.filter((e) => e.type === 'usage').length).toBeLessThanOrEqual(1)
    // Streamed text ends up in the message items: in full where deltas carry no item id; where
    // they do, some recordings were trimmed to a few deltas, so only the start must agree.
    const squash = (text: string) => text.replaceAll(/\s/g, '')
    const messages = events.flatMap((e) =>
      e.type === 'output_item' && e.item.type === 'message' ? [e.item] : [],
    )
    const textOfItem = (item: (typeof messages)[number]) =>
      item.content.map((part) => (part.type === 'input_image' ? '' : part.text)).join('')
    const deltasOf = (id: string | undefined) =>
      events.flatMap((e) => (e.type === 'text_delta' && e.item_id === id ? [e.delta] : []))
    for (const item of messages.filter((m) => m.id !== undefined)) {
      const first = deltasOf(item.id)[0]
      if (first !== undefined) expect(squash(textOfItem(item)).startsWith(squash(first))).toBe(true)
    }
    const deltas = (id: undefined) => deltasOf(id).join('')
    const anonymous = messages
      .filter((m) => m.id === undefined)
      .map(textOfItem)
      .join('')
    expect(squash(anonymous)).toBe(squash(deltas(undefined)))
  }
}

describe.skipIf(!existsSync(wireDir))('recorded API streams (../shared/conformance/wire)', () => {
  const servers: Partial<Record<WireApi, MockProviderServer>> = {}
  beforeAll(async () => {
    for (const wire of Object.values(FOLDERS)) servers[wire] = await startMockProviderServer({ wire })
  })
  afterAll(async () => {
    for (const server of Object.values(servers)) await server?.close()
  })
  const cases = existsSync(wireDir)
    ? Object.entries(FOLDERS).flatMap(([folder, wire]) =>
        readdirSync(path.join(wireDir, folder))
          .filter((file) => file.endsWith('.txt'))
          .sort()
          .map((file) => ({ name: `${folder}/${file}`, file, wire, full: path.join(wireDir, folder, file) })),
      )
    : []
  test.each(cases)('$name', async ({ file, wire, full }) => {
    const server = servers[wire] as MockProviderServer
    server.push({ type: 'raw', events: sseFor(wire, readFileSync(full, 'utf8')) })
    const client = clientFor(server, { request_max_retries: 0, stream_max_retries: 0 })
    const events = await collect(client.stream(request()))
    checkInvariants(events)
    EXPECT[file]?.(events)
  })
})
