import { describe, expect, it } from 'vitest'
import { describeRecordedCall, replayHistory } from './replay.js'

describe('replaying a recorded session', () => {
  it('replays messages, thoughts and tool calls with their final status, leaving out injected context', () => {
    const updates = replayHistory([
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: '<!-- agent:preamble -->\n<environment_context>' }],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix it' }] },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }] },
      {
        type: 'function_call',
        call_id: 'a',
        name: 'shell',
        arguments: '{"command":["bash","-lc","npm test"]}',
      },
      { type: 'function_call_output', call_id: 'a', output: 'FAIL', is_error: true },
      { type: 'function_call', call_id: 'b', name: 'Read', arguments: '{"file_path":"/r/x.ts"}' },
      { type: 'function_call_output', call_id: 'b', output: '1\tx' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
    ])
    expect(updates.map((u) => u.sessionUpdate)).toEqual([
      'user_message_chunk',
      'agent_thought_chunk',
      'tool_call',
      'tool_call',
      'agent_message_chunk',
    ])
    expect(updates[2]).toMatchObject({
      toolCallId: 'a',
      title: 'npm test',
      kind: 'execute',
      status: 'failed',
    })
    expect(updates[3]).toMatchObject({
      toolCallId: 'b',
      title: 'Read /r/x.ts',
      kind: 'read',
      status: 'completed',
    })
  })

  it('replays a hosted web search as a completed fetch call', () => {
    const updates = replayHistory([
      {
        type: 'web_search_call',
        id: 'ws_1',
        status: 'completed',
        action: { type: 'search', query: 'acp spec' },
      },
    ])
    expect(updates).toEqual([
      {
        sessionUpdate: 'tool_call',
        toolCallId: 'ws_1',
        title: 'Web search: acp spec',
        kind: 'fetch',
        status: 'completed',
        rawInput: { type: 'search', query: 'acp spec' },
      },
    ])
  })

  it('describes a call with unreadable arguments by its name', () => {
    expect(describeRecordedCall('mcp__db__query', 'not json')).toEqual({
      kind: 'other',
      title: 'mcp__db__query',
    })
  })
})
