import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ModelEvent } from '@agent/protocol'
import { describe, expect, test } from 'vitest'
import { parseRecording, RecordingModelClient, ReplayFileError, ReplayModelClient } from './recording.js'
import { ScriptedModelClient } from './scripted-client.js'

const req = { model: 'm', instructions: 'be brief', input: [], tools: [] }

async function collect(stream: AsyncIterable<ModelEvent>) {
  const events: ModelEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

describe('record and replay', () => {
  test('a recording replays the same events with no network', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'models-rec-'))
    const file = path.join(dir, 'session.jsonl')
    const inner = new ScriptedModelClient(
      [{ text: 'first', toolCalls: [{ name: 'ls', arguments: {} }] }, { text: 'second' }],
      { provider: 'openai' },
    )
    const recorder = new RecordingModelClient(inner, file)
    const live = [await collect(recorder.stream(req)), await collect(recorder.stream(req))]
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      v: 1,
      provider: 'openai',
      request: { instructions: 'be brief' },
    })
    const replay = ReplayModelClient.fromFile(file)
    expect(replay.provider).toBe('openai')
    expect([await collect(replay.stream(req)), await collect(replay.stream(req))]).toEqual(live)
    expect(replay.remaining).toBe(0)
    expect(await collect(replay.stream(req))).toEqual([
      expect.objectContaining({
        type: 'error',
        message: 'replay: the recording has 2 responses and request #3 has none',
      }),
    ])
  })

  test('a consumer that stops early still gets its partial exchange recorded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'models-rec-'))
    const file = path.join(dir, 'partial.jsonl')
    const recorder = new RecordingModelClient(new ScriptedModelClient([{ text: ['a', 'b', 'c'] }]), file)
    for await (const event of recorder.stream(req)) if (event.type === 'text_delta') break
    expect(parseRecording(readFileSync(file, 'utf8'))[0]?.events.map((e) => e.type)).toEqual([
      'created',
      'text_delta',
    ])
  })

  test('hand-written lines need only v and events', () => {
    const text =
      '{"v":1,"events":[{"type":"text_delta","delta":"hi"},{"type":"completed","stop_reason":"end_turn"}]}\n\n'
    const [exchange] = parseRecording(text)
    expect(exchange?.events).toEqual([
      { type: 'text_delta', delta: 'hi' },
      { type: 'completed', stop_reason: 'end_turn' },
    ])
  })

  test('malformed files name the line and the field', () => {
    expect(() => parseRecording('{"v":1,"events":[]}\nnot json', 'demo.jsonl')).toThrow(
      /^demo\.jsonl:2: not valid JSON/,
    )
    expect(() => parseRecording('{"v":1,"events":[{"type":"text_delta"}]}', 'demo.jsonl')).toThrow(
      /demo\.jsonl:1: events\.0\.delta/,
    )
    expect(() => parseRecording('{"v":2,"events":[]}')).toThrow(ReplayFileError)
    expect(() => ReplayModelClient.fromFile('/nonexistent/file.jsonl')).toThrow(
      /cannot read replay file \/nonexistent\/file\.jsonl/,
    )
    const dir = mkdtempSync(path.join(tmpdir(), 'models-rec-'))
    writeFileSync(path.join(dir, 'bad.jsonl'), '{}')
    expect(() => ReplayModelClient.fromFile(path.join(dir, 'bad.jsonl'))).toThrow(/bad\.jsonl:1: v/)
  })
})
