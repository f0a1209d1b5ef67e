import type { Event, EventMsg } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { formatDuration, HumanRenderer } from './human-output.js'

const ev = (msg: EventMsg): Event => ({ id: '', msg })

function render(events: EventMsg[], color = false): string {
  let out = ''
  const renderer = new HumanRenderer({ write: (t: string) => (out += t) }, { color })
  for (const msg of events) renderer.render(ev(msg))
  return out
}

describe('HumanRenderer', () => {
  it('shows a finished hosted web search with its query, and a failed one as failed', () => {
    const out = render([
      { type: 'web_search_begin', call_id: 'ws_1' },
      { type: 'web_search_end', call_id: 'ws_1', query: 'deno 2.5', status: 'completed' },
      { type: 'web_search_end', call_id: 'ws_2', query: '', status: 'failed' },
    ])
    expect(out).toBe('🔎 searched: deno 2.5\n🔎 search failed: the web\n')
  })

  it('shows commands with status, duration and the tail of failed output, and paths relative to the cwd', () => {
    const out = render([
      {
        type: 'session_configured',
        session_id: 's1',
        model: 'm',
        model_provider: 'openai',
        cwd: '/w',
        approval_policy: 'never',
        sandbox_policy: { type: 'workspace-write', writable_roots: [], network_access: false },
      },
      {
        type: 'exec_command_begin',
        call_id: 'c1',
        command: ['bash', '-lc', 'npm test'],
        cwd: '/w',
        sandbox: 'workspace-write',
      },
      {
        type: 'exec_command_end',
        call_id: 'c1',
        exit_code: 1,
        stdout: '',
        stderr: '',
        aggregated_output: 'ok 1\nnot ok 2\n',
        duration_ms: 1500,
      },
      {
        type: 'patch_apply_begin',
        call_id: 'p1',
        auto_approved: true,
        changes: { '/w/src/a.js': { type: 'update', unified_diff: '' } },
      },
      { type: 'agent_message', message: 'Done.' },
      { type: 'error', message: 'boom' },
    ] as EventMsg[])
    expect(out).toBe(
      [
        'agent · model m (openai) · sandbox workspace-write · approval never · session s1',
        "$ bash -lc 'npm test' [workspace-write]",
        '  exit 1 in 1.5s',
        '  │ ok 1',
        '  │ not ok 2',
        'M src/a.js',
        'agent Done.',
        'error: boom',
        '',
      ].join('\n'),
    )
  })

  it('colours only when asked', () => {
    expect(render([{ type: 'warning', message: 'w' }], true)).toContain('\u001b[33m')
    expect(render([{ type: 'warning', message: 'w' }], false)).toBe('warning: w\n')
  })

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42ms')
    expect(formatDuration(61_000)).toBe('61.0s')
  })

  it('shows generic tool calls as Tool(subject), relative to the cwd, and their failures', () => {
    const out = render([
      {
        type: 'session_configured',
        session_id: 's',
        model: 'm',
        cwd: '/work/repo',
        approval_policy: 'never',
        sandbox_policy: { type: 'read-only' },
      },
      {
        type: 'tool_call_begin',
        call_id: 'r',
        tool: 'Read',
        arguments: { file_path: '/work/repo/src/a.ts' },
      },
      { type: 'tool_call_end', call_id: 'r', tool: 'Read', success: true, duration_ms: 3, output: 'body' },
      { type: 'tool_call_begin', call_id: 'g', tool: 'WebFetch', arguments: { url: 'https://x.test' } },
      {
        type: 'tool_call_end',
        call_id: 'g',
        tool: 'WebFetch',
        success: false,
        duration_ms: 3,
        output: 'the network policy denies x.test\nmore',
      },
    ])
    expect(out.split('\n').slice(1, 5)).toEqual([
      '● Read(src/a.ts)',
      '● WebFetch(https://x.test)',
      '  failed: the network policy denies x.test',
      '',
    ])
  })

  it('shows failed MCP calls, failed MCP starts once, and hooks that failed or timed out', () => {
    const invocation = { server: 'fs', tool: 'read', arguments: {} }
    const out = render([
      { type: 'mcp_tool_call_begin', call_id: 'm1', invocation },
      {
        type: 'mcp_tool_call_end',
        call_id: 'm1',
        invocation,
        duration_ms: 1000,
        result: {
          ok: true,
          value: { isError: true, content: [{ type: 'text', text: 'no answer within 1s\nmore' }] },
        },
      },
      {
        type: 'mcp_startup_complete',
        ready: [],
        failed: [
          { server: 'a', error: "MCP server 'a' did not start within 1s (startup_timeout_sec)" },
          { server: 'b', error: 'spawn nope ENOENT' },
        ],
        cancelled: [],
      },
      {
        type: 'hook_completed',
        run_id: 'r1',
        hook_event_name: 'PreToolUse',
        outcome: 'timeout',
        exit_code: null,
        duration_ms: 2000,
        message: 'hook sleep 600 timed out and was stopped; it had no effect',
      },
      {
        type: 'hook_completed',
        run_id: 'r2',
        hook_event_name: 'PreToolUse',
        outcome: 'success',
        exit_code: 0,
        duration_ms: 1,
      },
    ])
    expect(out).toBe(
      [
        'mcp fs.read',
        '  failed: no answer within 1s',
        "MCP server 'a' did not start within 1s (startup_timeout_sec)",
        'MCP server b failed to start: spawn nope ENOENT',
        'warning: hook sleep 600 timed out and was stopped; it had no effect',
        '',
      ].join('\n'),
    )
  })
})
