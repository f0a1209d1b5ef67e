import { type Event, type EventMsg, ThreadEvent } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { ThreadEventMapper } from './thread-events.js'

const usage = (input: number, output: number) => ({
  input_tokens: input,
  cached_input_tokens: 1,
  output_tokens: output,
  reasoning_output_tokens: 0,
  total_tokens: input + output,
})

function run(msgs: EventMsg[]): ThreadEvent[] {
  const mapper = new ThreadEventMapper()
  const out = msgs.flatMap((msg) => mapper.map({ id: 's', msg } satisfies Event))
  for (const line of out) expect(ThreadEvent.safeParse(line).success, JSON.stringify(line)).toBe(true)
  return out
}

describe('ThreadEventMapper', () => {
  it('maps a session with a command, a patch, a plan and a message', () => {
    const out = run([
      {
        type: 'session_configured',
        session_id: 'thr_1',
        model: 'm',
        cwd: '/w',
        approval_policy: 'never',
        sandbox_policy: { type: 'read-only' },
      },
      { type: 'turn_started' },
      { type: 'plan_update', plan: [{ step: 'fix', status: 'in_progress' }] },
      { type: 'exec_command_begin', call_id: 'c1', command: ['bash', '-lc', 'npm test'], cwd: '/w' },
      {
        type: 'exec_command_end',
        call_id: 'c1',
        exit_code: 1,
        stdout: 'fail',
        stderr: '',
        aggregated_output: 'fail',
        duration_ms: 5,
      },
      {
        type: 'patch_apply_begin',
        call_id: 'p1',
        auto_approved: true,
        changes: { 'a.ts': { type: 'add', content: '' } },
      },
      { type: 'patch_apply_end', call_id: 'p1', success: true, stdout: '', stderr: '' },
      { type: 'plan_update', plan: [{ step: 'fix', status: 'completed' }] },
      {
        type: 'token_count',
        info: { total_token_usage: usage(10, 5), last_token_usage: usage(10, 5) },
      },
      {
        type: 'token_count',
        info: { total_token_usage: usage(30, 7), last_token_usage: usage(20, 2) },
      },
      { type: 'agent_message', message: 'done' },
      { type: 'turn_complete', last_agent_message: 'done' },
    ])
    expect(out.map((e) => e.type)).toEqual([
      'thread.started',
      'turn.started',
      'item.started',
      'item.started',
      'item.completed',
      'item.completed',
      'item.updated',
      'item.completed',
      'item.completed',
      'turn.completed',
    ])
    expect(out[3]).toMatchObject({
      item: { id: 'item_1', command: "bash -lc 'npm test'", status: 'in_progress' },
    })
    expect(out[4]).toMatchObject({
      item: { id: 'item_1', exit_code: 1, status: 'failed', aggregated_output: 'fail' },
    })
    expect(out[5]).toMatchObject({ item: { type: 'file_change', changes: [{ path: 'a.ts', kind: 'add' }] } })
    expect(out[8]).toMatchObject({ item: { id: 'item_0', type: 'todo_list', items: [{ completed: true }] } })
    expect(out[9]).toEqual({
      type: 'turn.completed',
      usage: { input_tokens: 30, cached_input_tokens: 2, output_tokens: 7, reasoning_output_tokens: 0 },
    })
  })

  it('fails the turn after an error, and on abort', () => {
    const failed = run([
      { type: 'turn_started' },
      { type: 'error', message: 'model: 401 unauthorized' },
      { type: 'turn_complete', last_agent_message: null },
    ])
    expect(failed.at(-1)).toEqual({ type: 'turn.failed', error: { message: 'model: 401 unauthorized' } })
    const aborted = run([{ type: 'turn_started' }, { type: 'turn_aborted', reason: 'interrupted' }])
    expect(aborted.at(-1)).toEqual({ type: 'turn.failed', error: { message: 'turn aborted: interrupted' } })
  })

  it('maps MCP calls, including failures', () => {
    const invocation = { server: 'fs', tool: 'read', arguments: { path: '/x' } }
    const out = run([
      { type: 'mcp_tool_call_begin', call_id: 'm1', invocation },
      {
        type: 'mcp_tool_call_end',
        call_id: 'm1',
        invocation,
        duration_ms: 3,
        result: { ok: true, value: { content: [{ type: 'text', text: 'hi' }] } },
      },
      { type: 'mcp_tool_call_begin', call_id: 'm2', invocation },
      {
        type: 'mcp_tool_call_end',
        call_id: 'm2',
        invocation,
        duration_ms: 3,
        result: { ok: false, error: 'boom' },
      },
    ])
    expect(out[1]).toMatchObject({
      item: { id: 'item_0', status: 'completed', result: { content: [{ text: 'hi' }] } },
    })
    expect(out[3]).toMatchObject({ item: { id: 'item_1', status: 'failed', error: { message: 'boom' } } })
  })
})
