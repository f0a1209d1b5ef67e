import type { ToolCallUpdate } from '@agentclientprotocol/sdk'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  commandEnded,
  commandKind,
  describeChanges,
  describeToolCall,
  diffSides,
  genericCall,
  genericEnded,
  OutputStreamer,
  quoteCommand,
  webSearchCall,
  webSearchEnded,
} from './tool-calls.js'

describe('tool calls', () => {
  it('shows a shell script as the script and quotes other argv', () => {
    expect(quoteCommand(['bash', '-lc', 'ls -la | head'])).toBe('ls -la | head')
    expect(quoteCommand(['git', 'commit', '-m', "it's done"])).toBe(`git commit -m 'it'\\''s done'`)
  })

  it('picks a kind from the command', () => {
    expect(commandKind(['bash', '-lc', 'cat a.txt'])).toBe('read')
    expect(commandKind(['sed', '-n', '1,5p', 'a.txt'])).toBe('read')
    expect(commandKind(['rg', 'TODO'])).toBe('search')
    expect(commandKind(['git', 'grep', 'x'])).toBe('search')
    expect(commandKind(['curl', 'https://example.com'])).toBe('fetch')
    expect(commandKind(['bash', '-lc', 'cat a.txt > b.txt'])).toBe('execute')
    expect(commandKind(['npm', 'test'])).toBe('execute')
  })

  it('splits a unified diff into its old and new sides, hunks separated', () => {
    const diff = '@@ -1,2 +1,2 @@\n keep\n-old\n+new\n@@ -10 +10 @@\n-x\n+y\n'
    expect(diffSides(diff)).toEqual({ oldText: 'keep\nold\n…\nx', newText: 'keep\nnew\n…\ny' })
  })

  it('describes file changes as diffs with locations, a kind and a title', () => {
    const one = describeChanges({ '/r/a.ts': { type: 'update', unified_diff: '@@ -3 +3 @@\n-a\n+b\n' } })
    expect(one).toEqual({
      title: 'Edit /r/a.ts',
      kind: 'edit',
      content: [{ type: 'diff', path: '/r/a.ts', oldText: 'a', newText: 'b' }],
      locations: [{ path: '/r/a.ts', line: 3 }],
    })
    expect(describeChanges({ '/r/n.ts': { type: 'add', content: 'x' } })).toMatchObject({
      title: 'Write /r/n.ts',
      content: [{ type: 'diff', path: '/r/n.ts', oldText: null, newText: 'x' }],
    })
    expect(describeChanges({ '/r/d.ts': { type: 'delete', content: 'gone' } }).kind).toBe('delete')
    const moved = describeChanges({
      '/r/a.ts': { type: 'update', unified_diff: '@@ -1 +1 @@\n-a\n+b\n', move_path: '/r/b.ts' },
    })
    expect(moved).toMatchObject({ kind: 'move', locations: [{ path: '/r/b.ts', line: 1 }] })
    const two = describeChanges({ '/a': { type: 'add', content: '' }, '/b': { type: 'delete' } })
    expect(two).toMatchObject({ title: 'Edit 2 files', kind: 'edit' })
  })

  it('ends a command as completed or failed with its output', () => {
    const base = { type: 'exec_command_end' as const, call_id: 'c', stdout: '', stderr: '', duration_ms: 3 }
    expect(commandEnded({ ...base, exit_code: 0, aggregated_output: 'hi\n' })).toMatchObject({
      status: 'completed',
      content: [{ type: 'content', content: { type: 'text', text: '```\nhi\n```' } }],
    })
    expect(commandEnded({ ...base, exit_code: 2, aggregated_output: '' })).toMatchObject({
      status: 'failed',
      content: [{ type: 'content', content: { type: 'text', text: '(exit code 2)' } }],
    })
  })

  it('shows a hosted web search as a fetch call that starts in progress and ends completed or failed', () => {
    expect(webSearchCall({ type: 'web_search_begin', call_id: 'ws_1' })).toEqual({
      toolCallId: 'ws_1',
      title: 'Searching the web',
      kind: 'fetch',
      status: 'in_progress',
      rawInput: {},
    })
    const action = { type: 'search', query: 'zed acp' }
    expect(
      webSearchEnded({
        type: 'web_search_end',
        call_id: 'ws_1',
        query: 'zed acp',
        action,
        status: 'completed',
      }),
    ).toEqual({
      toolCallId: 'ws_1',
      title: 'Web search: zed acp',
      kind: 'fetch',
      status: 'completed',
      rawInput: action,
      rawOutput: { status: 'completed' },
    })
    const opened = webSearchEnded({
      type: 'web_search_end',
      call_id: 'ws_2',
      query: 'https://x.dev',
      action: { type: 'open_page', url: 'https://x.dev' },
      status: 'failed',
    })
    expect(opened).toMatchObject({ title: 'Opened: https://x.dev', status: 'failed' })
  })
})

describe('generic tool calls', () => {
  it('maps each tool to a kind, a title and the file it touches (one mapping, live and replayed)', () => {
    expect(describeToolCall('Read', { file_path: 'src/a.ts', offset: 40 }, '/repo')).toEqual({
      kind: 'read',
      title: 'Read src/a.ts',
      locations: [{ path: '/repo/src/a.ts', line: 40 }],
    })
    expect(describeToolCall('Grep', { pattern: 'TODO', path: '/repo/src' })).toMatchObject({
      kind: 'search',
      title: 'Grep TODO',
      locations: [{ path: '/repo/src' }],
    })
    expect(describeToolCall('WebFetch', { url: 'https://x.test/a', prompt: 'sum up' })).toEqual({
      kind: 'fetch',
      title: 'WebFetch https://x.test/a',
      locations: [],
    })
    expect(describeToolCall('Task', { description: 'explore the tests', prompt: '...' }).kind).toBe('think')
    expect(describeToolCall('exec_command', { cmd: 'rg foo' })).toEqual({
      kind: 'search',
      title: 'rg foo',
      locations: [],
    })
    expect(describeToolCall('my_tool', { n: 1 })).toEqual({ kind: 'other', title: 'my_tool', locations: [] })
  })

  it('starts in progress and ends completed or failed with the result, saying when it was cut', () => {
    expect(
      genericCall({ type: 'tool_call_begin', call_id: 'c', tool: 'Glob', arguments: { pattern: '**/*.ts' } }),
    ).toEqual({
      toolCallId: 'c',
      title: 'Glob **/*.ts',
      kind: 'search',
      status: 'in_progress',
      rawInput: { pattern: '**/*.ts' },
    })
    const ended = genericEnded({
      type: 'tool_call_end',
      call_id: 'c',
      tool: 'Glob',
      success: false,
      duration_ms: 2,
      output: 'abc',
      output_chars: 10,
    })
    expect(ended.status).toBe('failed')
    expect(ended.content).toEqual([
      { type: 'content', content: { type: 'text', text: 'abc\n… (7 more characters)' } },
    ])
  })
})

describe('streamed command output', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  const textOf = (u: ToolCallUpdate | undefined) => {
    const block = u?.content?.[0]
    return block?.type === 'content' && block.content.type === 'text' ? block.content.text : undefined
  }

  it('sends the output so far at most every interval, keeps the tail when capped, and nothing after the end', () => {
    vi.useFakeTimers()
    const sent: ToolCallUpdate[] = []
    const streamer = new OutputStreamer((u) => sent.push(u), 100, 10)
    streamer.add('c', 'one\n')
    // The first update waits an interval too: a command that ends sooner sends only its end.
    expect(sent).toHaveLength(0)
    vi.advanceTimersByTime(100)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.status).toBe('in_progress')
    expect(textOf(sent[0])).toBe('```\none\n```')
    streamer.add('c', 'two\n')
    streamer.add('c', 'three\n')
    expect(sent).toHaveLength(1) // within the interval: held
    vi.advanceTimersByTime(100)
    expect(sent).toHaveLength(2)
    // Capped at 10 characters: the tail, marked as cut.
    expect(textOf(sent[1])).toBe('```\n… (earlier output cut)\ntwo\nthree\n```')
    streamer.add('c', 'four\n')
    streamer.end('c')
    vi.advanceTimersByTime(1000)
    expect(sent).toHaveLength(2)
    // A command that ends within the first interval: nothing but its end.
    streamer.add('quick', 'done\n')
    streamer.end('quick')
    vi.advanceTimersByTime(1000)
    expect(sent).toHaveLength(2)
  })
})
