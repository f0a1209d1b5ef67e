import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Event,
  EventMsg,
  ModelEvent,
  ModelRequest,
  Op,
  parseEvent,
  parseRolloutLine,
  parseSubmission,
  ResponseItem,
  SandboxPolicy,
  Submission,
  ThreadItem,
  type WebSearchCallItem,
  webSearchQuery,
} from './index.js'

describe('submissions', () => {
  it('parses every op kind', () => {
    const ops: unknown[] = [
      { type: 'user_input', items: [{ type: 'text', text: 'fix the test' }], cwd: '/w' },
      { type: 'interrupt' },
      { type: 'exec_approval', id: 'call_1', decision: 'approved_for_session', prefix: ['npm', 'test'] },
      { type: 'patch_approval', id: 'call_2', decision: 'denied', feedback: 'use a new file' },
      { type: 'override_turn_context', approval_policy: 'never', sandbox_policy: { type: 'read-only' } },
      { type: 'compact' },
      { type: 'undo' },
      { type: 'shutdown' },
      { type: 'list_mcp_tools' },
    ]
    for (const op of ops) {
      const parsed = parseSubmission({ id: 's1', op })
      expect(parsed.ok, JSON.stringify(op)).toBe(true)
    }
  })

  it('names the bad field of a malformed op', () => {
    const bad = parseSubmission({ id: 's1', op: { type: 'user_input', items: [{ type: 'text', text: 3 }] } })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.message).toMatch(/^invalid submission: op\.items\.0\.text: /)
    expect(bad.error.issues[0]?.path).toBe('op.items.0.text')
  })

  it('accepts steering input and names a malformed steer flag', () => {
    const steer = parseSubmission({
      id: 's1',
      op: { type: 'user_input', items: [{ type: 'text', text: 'also x' }], steer: true },
    })
    expect(steer.ok && steer.value.op.type === 'user_input' && steer.value.op.steer).toBe(true)
    const bad = parseSubmission({
      id: 's1',
      op: { type: 'user_input', items: [{ type: 'text', text: 'x' }], steer: 'yes' },
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.issues[0]?.path).toBe('op.steer')
  })

  it('rejects an unknown op type and an empty input', () => {
    const unknown = parseSubmission({ id: 's1', op: { type: 'dance' } })
    expect(unknown.ok).toBe(false)
    if (!unknown.ok) expect(unknown.error.message).toContain('op.type')
    const empty = parseSubmission({ id: 's1', op: { type: 'user_input', items: [] } })
    expect(empty.ok).toBe(false)
    if (!empty.ok) expect(empty.error.message).toContain('op.items')
  })

  it('fills sandbox policy defaults', () => {
    expect(SandboxPolicy.parse({ type: 'workspace-write' })).toEqual({
      type: 'workspace-write',
      writable_roots: [],
      network_access: false,
    })
  })
})

describe('events', () => {
  it('round-trips an exec_command_end event through JSON', () => {
    const event: Event = {
      id: 's1',
      msg: {
        type: 'exec_command_end',
        call_id: 'c1',
        exit_code: 0,
        stdout: 'ok\n',
        stderr: '',
        aggregated_output: 'ok\n',
        duration_ms: 12,
      },
    }
    const parsed = parseEvent(JSON.parse(JSON.stringify(event)))
    expect(parsed).toEqual({ ok: true, value: event })
  })

  it('rejects an event with a missing field, naming it', () => {
    const parsed = parseEvent({ id: 's1', msg: { type: 'turn_complete' } })
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error.issues.map((i) => i.path)).toContain('msg.last_agent_message')
  })
})

describe('rollout lines', () => {
  it('parses each line type', () => {
    const ts = '2026-01-01T00:00:00.000Z'
    const lines = [
      { timestamp: ts, type: 'session_meta', payload: { id: 'x', timestamp: ts, cwd: '/w' } },
      {
        timestamp: ts,
        type: 'response_item',
        payload: { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}' },
      },
      {
        timestamp: ts,
        type: 'turn_context',
        payload: { cwd: '/w', model: 'm', approval_policy: 'never', sandbox_policy: { type: 'read-only' } },
      },
      { timestamp: ts, type: 'event_msg', payload: { type: 'agent_message', message: 'hi' } },
      { timestamp: ts, type: 'compacted', payload: { message: 'summary' } },
    ]
    for (const line of lines) expect(parseRolloutLine(line).ok, line.type).toBe(true)
    const bad = parseRolloutLine({ timestamp: ts, type: 'response_item', payload: { type: 'message' } })
    expect(bad.ok).toBe(false)
  })
})

// Generators for the property test: values built from the schemas' own shapes.
const text = fc.string({ maxLength: 40 })
const sandbox = fc.oneof(
  fc.constant({ type: 'read-only' as const }),
  fc.record({
    type: fc.constant('workspace-write' as const),
    writable_roots: fc.array(text, { maxLength: 3 }),
    network_access: fc.boolean(),
  }),
  fc.constant({ type: 'danger-full-access' as const }),
)
const approval = fc.constantFrom('untrusted', 'on-failure', 'on-request', 'never')
const decision = fc.constantFrom('approved', 'approved_for_session', 'denied', 'abort')
const opArb = fc.oneof(
  fc.record(
    {
      type: fc.constant('user_input' as const),
      items: fc.array(fc.record({ type: fc.constant('text' as const), text }), {
        minLength: 1,
        maxLength: 3,
      }),
      cwd: text,
      approval_policy: approval,
      sandbox_policy: sandbox,
    },
    { requiredKeys: ['type', 'items'] },
  ),
  fc.constant({ type: 'interrupt' as const }),
  fc.record({ type: fc.constant('exec_approval' as const), id: text, decision }),
  fc.record({ type: fc.constant('patch_approval' as const), id: text, decision }),
  fc.constant({ type: 'undo' as const }),
)
const itemArb = fc.oneof(
  fc.record({
    type: fc.constant('message' as const),
    role: fc.constantFrom('user', 'assistant'),
    content: fc.array(fc.record({ type: fc.constant('input_text' as const), text }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('function_call' as const), call_id: text, name: text, arguments: text }),
  fc.record({ type: fc.constant('function_call_output' as const), call_id: text, output: text }),
)

describe('property: parse(serialize(x)) == x', () => {
  it('holds for submissions', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), opArb, (id, op) => {
        const value = Submission.parse({ id, op })
        expect(Submission.parse(JSON.parse(JSON.stringify(value)))).toEqual(value)
        expect(Op.parse(value.op)).toEqual(value.op)
      }),
    )
  })

  it('holds for conversation items and events', () => {
    fc.assert(
      fc.property(itemArb, fc.string(), (item, delta) => {
        const parsed = ResponseItem.parse(item)
        expect(ResponseItem.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed)
        const msg = EventMsg.parse({ type: 'agent_message_delta', delta })
        expect(EventMsg.parse(JSON.parse(JSON.stringify(msg)))).toEqual(msg)
        const me = ModelEvent.parse({ type: 'text_delta', delta })
        expect(ModelEvent.parse(JSON.parse(JSON.stringify(me)))).toEqual(me)
      }),
    )
  })
})

describe('hosted web search', () => {
  it('round-trips a web_search_call item, its events and its rollout line', () => {
    const item = {
      type: 'web_search_call',
      id: 'ws_1',
      status: 'completed',
      action: {
        type: 'search',
        query: 'bun release notes',
        sources: [{ type: 'url', url: 'https://bun.sh' }],
      },
    }
    const parsed = ResponseItem.parse(item)
    // Unknown action fields (sources) survive: the item goes back to the provider as it came.
    expect(parsed).toEqual(item)
    expect(webSearchQuery(parsed as WebSearchCallItem)).toBe('bun release notes')
    expect(webSearchQuery({ action: { type: 'search', queries: ['a', 'b'] } })).toBe('a, b')
    expect(webSearchQuery({ action: { type: 'find_in_page', url: 'https://x.dev', pattern: 'ok' } })).toBe(
      'ok in https://x.dev',
    )
    expect(EventMsg.parse({ type: 'web_search_begin', call_id: 'ws_1' })).toEqual({
      type: 'web_search_begin',
      call_id: 'ws_1',
    })
    expect(
      EventMsg.safeParse({ type: 'web_search_end', call_id: 'ws_1', query: 'q', action: item.action })
        .success,
    ).toBe(true)
    const line = parseRolloutLine({ timestamp: 't', type: 'response_item', payload: item })
    expect(line.ok).toBe(true)
  })

  it('keeps Anthropic results and citations verbatim', () => {
    const result = [
      { type: 'web_search_result', url: 'https://a.dev', title: 'A', encrypted_content: 'Eq..' },
    ]
    const item = ResponseItem.parse({
      type: 'web_search_call',
      id: 'srvtoolu_1',
      status: 'completed',
      action: { type: 'search', query: 'q' },
      anthropic_result: result,
    })
    expect(item.type === 'web_search_call' && item.anthropic_result).toEqual(result)
    const citation = { type: 'web_search_result_location', url: 'https://a.dev', encrypted_index: 'x' }
    const message = ResponseItem.parse({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'A says so', citations: [citation] }],
    })
    expect(message.type === 'message' && message.content[0]).toEqual({
      type: 'output_text',
      text: 'A says so',
      citations: [citation],
    })
  })

  it('offers web search as a hosted tool and names a bad mode', () => {
    const ok = ModelRequest.safeParse({
      model: 'm',
      instructions: '',
      input: [],
      hosted_tools: [{ type: 'web_search', mode: 'cached' }],
    })
    expect(ok.success).toBe(true)
    const bad = ModelRequest.safeParse({
      model: 'm',
      instructions: '',
      input: [],
      hosted_tools: [{ type: 'web_search', mode: 'sometimes' }],
    })
    expect(bad.success).toBe(false)
    if (!bad.success) expect(bad.error.issues[0]?.path).toEqual(['hosted_tools', 0, 'mode'])
    expect(ModelEvent.parse({ type: 'web_search_begin', call_id: 'ws_1' }).type).toBe('web_search_begin')
    expect(ThreadItem.parse({ id: 'item_1', type: 'web_search', query: 'q' })).toEqual({
      id: 'item_1',
      type: 'web_search',
      query: 'q',
    })
  })
})
