import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RolloutLine } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { defaultAgentHome, JsonlSessionStore, loadRolloutFile } from './jsonl-store.js'
import { forkLines, restoreFromRollout } from './rollout-history.js'

const ts = '2026-01-01T00:00:00.000Z'
const user = (text: string): RolloutLine[] => [
  { timestamp: ts, type: 'event_msg', payload: { type: 'user_message', message: text } },
  {
    timestamp: ts,
    type: 'response_item',
    payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  },
]

describe('rollout history', () => {
  it('applies compactions and restores token totals', () => {
    const usage = {
      input_tokens: 5,
      cached_input_tokens: 0,
      output_tokens: 1,
      reasoning_output_tokens: 0,
      total_tokens: 6,
    }
    const lines: RolloutLine[] = [
      {
        timestamp: ts,
        type: 'session_meta',
        payload: { id: 's', timestamp: ts, cwd: '/', originator: 'agent' },
      },
      ...user('one'),
      { timestamp: ts, type: 'compacted', payload: { message: 'sum' } },
      ...user('two'),
      {
        timestamp: ts,
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: usage, last_token_usage: usage } },
      },
    ]
    const state = restoreFromRollout(lines)
    expect(state.history.map((i) => i.type)).toEqual(['compaction_summary', 'message'])
    expect(state.userMessages).toBe(2)
    expect(state.totalUsage).toEqual(usage)
  })
  it('forks at a user-message boundary and rejects a bad count', () => {
    const lines = [...user('a'), ...user('b'), ...user('c')]
    expect(forkLines(lines, 2)).toHaveLength(4)
    expect(forkLines(lines, 99)).toHaveLength(6)
    expect(() => forkLines(lines, -1)).toThrow(RangeError)
  })
})

describe('JSONL store details', () => {
  it('defaults to $AGENT_HOME, else ~/.agent', () => {
    expect(defaultAgentHome({ AGENT_HOME: '/x' })).toBe('/x')
    expect(defaultAgentHome({})).toMatch(/\.agent$/)
  })
  it('refuses ids that are not file names, and files that are not sessions', async () => {
    const home = mkdtempSync(join(tmpdir(), 'core-store-'))
    const store = new JsonlSessionStore({ home })
    await expect(
      store.create({ id: '../evil', timestamp: ts, cwd: '/', originator: 'agent' }),
    ).rejects.toThrow('not usable as a file name')
    const path = join(home, 'x.jsonl')
    writeFileSync(path, '{"hello":1}\n')
    await expect(loadRolloutFile(path)).rejects.toThrow('does not start with a session_meta line')
    await expect(store.load(path)).rejects.toThrow('session_meta')
    const writer = await store.create({ id: 'abc', timestamp: ts, cwd: '/', originator: 'agent' })
    await writer.close()
    await expect(store.create({ id: 'abc', timestamp: ts, cwd: '/', originator: 'agent' })).rejects.toThrow()
    expect((await store.load('abc')).meta.id).toBe('abc')
    expect(await store.find('abc')).toMatch(/2026\/01\/01\/abc\.jsonl$/)
  })
})
