import type { EventMsg } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { sessionConfigured } from '../../test/fake-connection.js'
import { createTheme } from '../render/theme.js'
import { TranscriptStore } from './store.js'

const theme = createTheme(false)
const status = { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'on-request' }
let store: TranscriptStore
afterEach(() => store?.dispose())

function make(frameMs = 0) {
  store = new TranscriptStore({ theme, status, frameMs })
  return store
}
const feed = (s: TranscriptStore, ...msgs: EventMsg[]) => {
  for (const msg of msgs) s.apply({ id: 'x', msg })
  s.flush()
  return s.getSnapshot()
}

describe('TranscriptStore', () => {
  it('commits completed lines of a streaming message and keeps the last one live', () => {
    const s = make()
    let snap = feed(
      s,
      { type: 'agent_message_delta', delta: 'Hello **wor' },
      { type: 'agent_message_delta', delta: 'ld**\nsecond li' },
    )
    expect(snap.committed).toEqual([{ kind: 'assistant', lines: ['Hello world'], continued: false }])
    expect(snap.partialLine).toBe('second li')
    snap = feed(
      s,
      { type: 'agent_message_delta', delta: 'ne\nthird' },
      { type: 'agent_message', message: 'Hello **world**\nsecond line\nthird' },
    )
    const lines = snap.committed.flatMap((c) => (c.kind === 'assistant' ? c.lines : []))
    expect(lines).toEqual(['Hello world', 'second line', 'third'])
    expect(snap.committed[1]).toMatchObject({ kind: 'assistant', continued: true })
    expect(snap.partialLine).toBe('')
  })

  it('shows only the end of a long unfinished line', () => {
    const s = make()
    s.setPreviewLimit(10)
    const snap = feed(s, { type: 'agent_message_delta', delta: `${'x'.repeat(50)}the end` })
    expect(snap.partialLine).toBe(`…${'x'.repeat(3)}the end`)
  })

  it('renders a message that arrives whole, once', () => {
    const snap = feed(make(), { type: 'agent_message', message: '# Title\n- item' })
    expect(snap.committed).toEqual([{ kind: 'assistant', lines: ['Title', '• item'], continued: false }])
  })

  it('tells listeners at most once per frame however many events arrive', async () => {
    const s = make(50)
    let notified = 0
    let first = () => {}
    const notifiedOnce = new Promise<void>((resolve) => {
      first = resolve
    })
    s.subscribe(() => {
      notified++
      first()
    })
    for (let i = 0; i < 1000; i++) s.apply({ id: 'x', msg: { type: 'agent_message_delta', delta: `w${i} ` } })
    await notifiedOnce
    // Another frame's time later (a slow machine only makes this wait longer): still once.
    await new Promise((r) => setTimeout(r, 100))
    expect(notified).toBe(1)
    expect(s.getSnapshot().partialLine).toContain('w999')
  })

  it('tracks a command from begin to end, keeping only the tail of huge output', () => {
    store = new TranscriptStore({ theme, status, frameMs: 0, maxCommandOutput: 10 })
    let snap = feed(store, {
      type: 'exec_command_begin',
      call_id: 'c1',
      command: ['ls'],
      cwd: '/w',
      sandbox: 'read-only',
    })
    expect(snap.live).toMatchObject([{ kind: 'exec', running: true }])
    snap = feed(store, {
      type: 'exec_command_output_delta',
      call_id: 'c1',
      stream: 'stdout',
      chunk: '0123456789abcdef',
    })
    expect(snap.live[0]).toMatchObject({ output: '6789abcdef' })
    snap = feed(store, {
      type: 'exec_command_end',
      call_id: 'c1',
      exit_code: 2,
      stdout: '',
      stderr: '',
      aggregated_output: 'all output',
      duration_ms: 1500,
    })
    expect(snap.live).toEqual([])
    expect(snap.committed.at(-1)).toMatchObject({
      kind: 'exec',
      command: ['ls'],
      exitCode: 2,
      durationMs: 1500,
      output: 'all output',
      sandbox: 'read-only',
    })
    expect(snap.lastCommand).toMatchObject({ callId: 'c1' })
  })

  it('queues approvals and records the decision when one is resolved', () => {
    const s = make()
    let snap = feed(
      s,
      {
        type: 'exec_approval_request',
        call_id: 'a1',
        command: ['rm', '-rf', 'x'],
        cwd: '/w',
        reason: 'dangerous',
        proposed_prefix: ['rm'],
      },
      {
        type: 'apply_patch_approval_request',
        call_id: 'a2',
        changes: { 'f.txt': { type: 'add', content: 'x\n' } },
      },
    )
    expect(snap.approvals.map((a) => a.callId)).toEqual(['a1', 'a2'])
    s.resolveApproval('a1', 'denied rm')
    snap = feed(s)
    expect(snap.approvals.map((a) => a.callId)).toEqual(['a2'])
    expect(snap.committed.at(-1)).toEqual({ kind: 'notice', level: 'decision', text: 'denied rm' })
  })

  it('ends running cells and pending approvals when a turn is interrupted', () => {
    const s = make()
    const snap = feed(
      s,
      { type: 'turn_started' },
      { type: 'exec_command_begin', call_id: 'c1', command: ['sleep', '9'], cwd: '/w' },
      { type: 'exec_approval_request', call_id: 'a1', command: ['x'], cwd: '/w' },
      { type: 'turn_aborted', reason: 'interrupted' },
    )
    expect(snap.turnRunning).toBe(false)
    expect(snap.turnsEnded).toBe(1)
    expect(snap.live).toEqual([])
    expect(snap.approvals).toEqual([])
    expect(snap.committed.map((c) => c.kind)).toEqual(['exec', 'notice'])
    expect(snap.committed.at(-1)).toMatchObject({ text: 'Turn interrupted' })
  })

  it('updates the status from the session, token counts and turns', () => {
    const s = make()
    const snap = feed(
      s,
      sessionConfigured({
        model: 'gpt-x',
        approval_policy: 'never',
        sandbox_policy: { type: 'danger-full-access' },
      }),
      { type: 'turn_started', model_context_window: 1000 },
      {
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: 300,
            cached_input_tokens: 0,
            output_tokens: 50,
            reasoning_output_tokens: 0,
            total_tokens: 350,
          },
          last_token_usage: {
            input_tokens: 200,
            cached_input_tokens: 0,
            output_tokens: 50,
            reasoning_output_tokens: 0,
            total_tokens: 250,
          },
        },
      },
    )
    expect(snap.status).toMatchObject({
      model: 'gpt-x',
      approval: 'never',
      sandbox: 'danger-full-access',
      sessionId: 'sess-1',
      totalTokens: 350,
      contextTokens: 250,
      contextWindow: 1000,
    })
    expect(snap.turnRunning).toBe(true)
  })

  it('shows a resumed session’s history once', () => {
    const snap = feed(
      make(),
      sessionConfigured({
        initial_messages: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'earlier question' }] },
        ],
      }),
    )
    expect(snap.committed.map((c) => c.kind)).toEqual(['session', 'history'])
    expect(snap.committed[0]).toMatchObject({ resumed: true })
  })

  it('shows a generic tool call live, then commits it with its result; an interrupt closes it', () => {
    const s = make()
    let snap = feed(s, {
      type: 'tool_call_begin',
      call_id: 'r',
      tool: 'Read',
      arguments: { file_path: 'a.ts' },
    })
    expect(snap.live).toMatchObject([{ kind: 'tool', tool: 'Read', running: true }])
    snap = feed(s, {
      type: 'tool_call_end',
      call_id: 'r',
      tool: 'Read',
      success: true,
      duration_ms: 4,
      output: 'body',
    })
    expect(snap.live).toEqual([])
    expect(snap.committed.at(-1)).toMatchObject({
      kind: 'tool',
      tool: 'Read',
      args: { file_path: 'a.ts' },
      ok: true,
      output: 'body',
      durationMs: 4,
    })
    snap = feed(
      s,
      { type: 'turn_started' },
      { type: 'tool_call_begin', call_id: 'w', tool: 'WebFetch', arguments: { url: 'https://x.test' } },
      { type: 'turn_aborted', reason: 'interrupted' },
    )
    expect(snap.live).toEqual([])
    expect(snap.committed.find((c) => c.kind === 'tool' && c.tool === 'WebFetch')).toMatchObject({
      kind: 'tool',
      tool: 'WebFetch',
      ok: false,
      output: 'interrupted',
    })
  })

  it('records patches, plans, MCP calls, hooks, retries and errors as cells', () => {
    const s = make()
    const snap = feed(
      s,
      {
        type: 'patch_apply_begin',
        call_id: 'p',
        auto_approved: false,
        changes: { 'a.txt': { type: 'delete' } },
      },
      { type: 'patch_apply_end', call_id: 'p', success: false, stdout: '', stderr: 'no such file' },
      { type: 'plan_update', plan: [{ step: 'one', status: 'completed' }] },
      {
        type: 'mcp_tool_call_begin',
        call_id: 'm',
        invocation: { server: 'fs', tool: 'read', arguments: { path: 'x' } },
      },
      {
        type: 'mcp_tool_call_end',
        call_id: 'm',
        invocation: { server: 'fs', tool: 'read' },
        duration_ms: 5,
        result: { ok: true, value: { content: [{ type: 'text', text: 'file body' }] } },
      },
      {
        type: 'hook_completed',
        run_id: 'h',
        hook_event_name: 'PreToolUse',
        outcome: 'success',
        exit_code: 0,
        duration_ms: 3,
      },
      {
        type: 'hook_completed',
        run_id: 'h2',
        hook_event_name: 'PreToolUse',
        outcome: 'blocked',
        exit_code: 2,
        duration_ms: 3,
        message: 'not here',
      },
      { type: 'stream_error', message: 'HTTP 503', retrying: true, attempt: 2, delay_ms: 2000 },
      { type: 'error', message: 'boom' },
    )
    expect(snap.committed.map((c) => c.kind)).toEqual(['patch', 'plan', 'mcp', 'hook', 'notice', 'notice'])
    expect(snap.committed[0]).toMatchObject({ state: 'failed', error: 'no such file' })
    expect(snap.committed[2]).toMatchObject({ ok: true, result: 'file body' })
    expect(snap.committed[4]).toMatchObject({ level: 'warning', text: 'HTTP 503 — retrying in 2s' })
    expect(snap.activity).toBe('Retrying in 2s (attempt 2)')
  })

  it('shows a hosted web search running, then as searched (or failed), in order with the answer', () => {
    const s = make()
    let snap = feed(
      s,
      { type: 'agent_message_delta', delta: 'Let me look.\n' },
      { type: 'web_search_begin', call_id: 'ws_1' },
    )
    expect(snap.live.map((c) => c.kind)).toEqual(['search'])
    snap = feed(
      s,
      { type: 'web_search_end', call_id: 'ws_1', query: 'vitest 4 changelog', status: 'completed' },
      { type: 'web_search_begin', call_id: 'ws_2' },
      { type: 'web_search_end', call_id: 'ws_2', query: 'x', status: 'failed' },
      { type: 'agent_message_delta', delta: 'Found it.\n' },
      { type: 'agent_message', message: 'Found it.' },
    )
    expect(snap.live).toEqual([])
    expect(snap.committed.map((c) => c.kind)).toEqual(['assistant', 'search', 'search', 'assistant'])
    expect(snap.committed[1]).toEqual({
      kind: 'search',
      callId: 'ws_1',
      query: 'vitest 4 changelog',
      running: false,
    })
    expect(snap.committed[2]).toMatchObject({ failed: true })
  })

  it('commits reasoning before the answer it precedes', () => {
    const snap = feed(
      make(),
      { type: 'agent_reasoning_delta', delta: 'thinking' },
      { type: 'agent_message_delta', delta: 'answer\n' },
    )
    expect(snap.committed.map((c) => c.kind)).toEqual(['reasoning', 'assistant'])
  })
})
