// Hosted web search on each wire: the tool offered in the provider's form, the search streamed
// as `web_search_begin` + a `web_search_call` item in order with the text, the item (and
// Anthropic's results and citations) sent back as the provider requires, a warning where the
// wire has no hosted search, and unknown hosted items that never break a stream.
import type { ModelEvent, ModelRequest, ResponseItem } from '@agent/protocol'
import { afterEach, describe, expect, test } from 'vitest'
import {
  type MockProviderServer,
  type MockTurn,
  sseEvent,
  startMockProviderServer,
} from '../src/testing/index.js'
import { clientFor, collect, request } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

// biome-ignore lint/suspicious/noExplicitAny: the test walks untyped wire JSON
type Json = any

const live: ModelRequest['hosted_tools'] = [{ type: 'web_search', mode: 'live' }]
const cached: ModelRequest['hosted_tools'] = [{ type: 'web_search', mode: 'cached' }]
const SEARCH_TURN: MockTurn = {
  webSearch: { query: 'bun 1.3 release', results: [{ url: 'https://bun.sh/blog', title: 'Bun 1.3' }] },
  text: 'Bun 1.3 shipped.',
}

/** Runs one request, then a second whose history is the first one's output items. */
async function twoRequests(
  wire: 'responses' | 'anthropic' | 'chat',
  hosted: ModelRequest['hosted_tools'],
  first: MockTurn = SEARCH_TURN,
) {
  server = await startMockProviderServer({ wire, turns: [first, { text: 'done' }] })
  const client = clientFor(server)
  const events = await collect(client.stream(request({ hosted_tools: hosted })))
  const items = events.flatMap((event) => (event.type === 'output_item' ? [event.item] : []))
  const input: ResponseItem[] = [...request().input, ...items]
  const second = await collect(client.stream(request({ hosted_tools: hosted, input })))
  const bodies = server.requests.map((r) => r.body as Json)
  return { events, items, second, bodies }
}

function searchEvents(events: ModelEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === 'web_search_begin') return [`begin ${event.call_id}`]
    if (event.type === 'output_item') return [`item ${event.item.type}`]
    if (event.type === 'warning') return ['warning']
    return []
  })
}

describe('Responses wire', () => {
  test('offers web_search as the Codex CLI does: live fetches, cached uses the index only', async () => {
    const { bodies } = await twoRequests('responses', live, { text: 'no search' })
    expect(bodies[0].tools).toEqual([
      expect.objectContaining({ type: 'function', name: 'read_file' }),
      { type: 'web_search', external_web_access: true },
    ])
    await server?.close()
    const again = await twoRequests('responses', cached, { text: 'no search' })
    expect(again.bodies[0].tools.at(-1)).toEqual({ type: 'web_search', external_web_access: false })
  })

  test('a hosted search streams as begin, its item, then the text; the item goes back as it came', async () => {
    const { events, items, bodies } = await twoRequests('responses', live)
    expect(searchEvents(events)).toEqual(['begin ws_mock_0', 'item web_search_call', 'item message'])
    expect(items[0]).toEqual({
      type: 'web_search_call',
      id: 'ws_mock_0',
      status: 'completed',
      action: {
        type: 'search',
        query: 'bun 1.3 release',
      },
    })
    expect(events.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'end_turn' })
    expect(bodies[1].input.slice(1)).toEqual([
      {
        type: 'web_search_call',
        id: 'ws_mock_0',
        status: 'completed',
        action: {
          type: 'search',
          query: 'bun 1.3 release',
        },
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Bun 1.3 shipped.' }] },
    ])
  })

  test('fields the API adds to an action (sources, when asked for) are kept and sent back', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: [SEARCH_TURN] })
    const raw = { model: 'm', input: 'q', stream: true, include: ['web_search_call.action.sources'] }
    const response = await fetch(`${server.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(raw),
    })
    expect(await response.text()).toContain('"sources":[{"type":"url","url":"https://bun.sh/blog"}]')
    const action = { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://bun.sh/blog' }] }
    await server.close()
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'ok' }] })
    const input: ResponseItem[] = [
      ...request().input,
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action },
    ]
    await collect(clientFor(server).stream(request({ input })))
    const body = server.requests[0]?.body as Json
    expect(body.input[1]).toEqual({ type: 'web_search_call', id: 'ws_1', status: 'completed', action })
  })

  test('a failed search is an item with status failed, and the turn goes on', async () => {
    const { items } = await twoRequests('responses', live, {
      webSearch: { query: 'x', errorCode: 'unavailable' },
      text: 'sorry',
    })
    expect(items[0]).toMatchObject({ type: 'web_search_call', status: 'failed', action: { query: 'x' } })
  })

  test('a search Anthropic ran is not replayed to OpenAI', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'ok' }] })
    const input: ResponseItem[] = [
      ...request().input,
      {
        type: 'web_search_call',
        id: 'srvtoolu_1',
        status: 'completed',
        action: { type: 'search', query: 'q' },
        anthropic_result: [],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'found' }] },
    ]
    await collect(clientFor(server).stream(request({ input })))
    const body = server.requests[0]?.body as Json
    expect(body.input.map((item: Json) => item.type)).toEqual(['message', 'message'])
  })

  test('unknown hosted items and progress events do not break the stream', async () => {
    const events = [
      { type: 'response.created', response: { id: 'resp_1' } },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'ci_1', type: 'code_interpreter_call', status: 'in_progress' },
      },
      { type: 'response.code_interpreter_call.interpreting', item_id: 'ci_1', output_index: 0 },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'ci_1', type: 'code_interpreter_call', status: 'completed' },
      },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 1, delta: 'hi' },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'hi' }],
        },
      },
      { type: 'response.completed', response: { id: 'resp_1', usage: null } },
    ].map((data) => sseEvent(data, data.type))
    server = await startMockProviderServer({ wire: 'responses', turns: [{ type: 'raw', events }] })
    const out = await collect(clientFor(server).stream(request({ hosted_tools: live })))
    expect(searchEvents(out)).toEqual(['item message'])
    expect(out.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'end_turn' })
  })
})

describe('Anthropic Messages wire', () => {
  test('offers the web_search server tool (before the cached function tools) with max_uses', async () => {
    server = await startMockProviderServer({ wire: 'anthropic', turns: [{ text: 'ok' }] })
    await collect(
      clientFor(server).stream(
        request({ hosted_tools: [{ type: 'web_search', mode: 'live', max_uses: 3 }] }),
      ),
    )
    const body = server.requests[0]?.body as Json
    expect(body.tools).toEqual([
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      expect.objectContaining({ name: 'read_file', cache_control: { type: 'ephemeral' } }),
    ])
  })

  test('server_tool_use and web_search_tool_result become one item; results and citations go back verbatim', async () => {
    const { events, items, bodies } = await twoRequests('anthropic', live)
    expect(searchEvents(events)).toEqual(['begin srvtoolu_mock_0', 'item web_search_call', 'item message'])
    const result = [
      {
        type: 'web_search_result',
        title: 'Bun 1.3',
        url: 'https://bun.sh/blog',
        encrypted_content: 'EqMockPage0_0==',
        page_age: 'April 30, 2025',
      },
    ]
    expect(items[0]).toEqual({
      type: 'web_search_call',
      id: 'srvtoolu_mock_0',
      status: 'completed',
      action: { type: 'search', query: 'bun 1.3 release' },
      anthropic_result: result,
    })
    const citation = {
      type: 'web_search_result_location',
      cited_text: 'Bun 1.3 shipped.',
      url: 'https://bun.sh/blog',
      title: 'Bun 1.3',
      encrypted_index: 'EqMockIndex0==',
    }
    expect(items[1]).toEqual({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Bun 1.3 shipped.', citations: [citation] }],
    })
    // The assistant turn goes back with the blocks in the order they came.
    expect(bodies[1].messages[1]).toEqual({
      role: 'assistant',
      content: [
        {
          type: 'server_tool_use',
          id: 'srvtoolu_mock_0',
          name: 'web_search',
          input: { query: 'bun 1.3 release' },
        },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_mock_0', content: result },
        { type: 'text', text: 'Bun 1.3 shipped.', citations: [citation] },
      ],
    })
  })

  test('a search error is a failed item whose error block still goes back', async () => {
    const { items, bodies } = await twoRequests('anthropic', live, {
      webSearch: { query: 'q', errorCode: 'max_uses_exceeded' },
      text: 'no more searches',
    })
    const error = { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' }
    expect(items[0]).toMatchObject({ status: 'failed', anthropic_result: error })
    expect(bodies[1].messages[1].content[1]).toEqual({
      type: 'web_search_tool_result',
      tool_use_id: 'srvtoolu_mock_0',
      content: error,
    })
  })

  test('cached mode is not offered (Anthropic only searches live): one warning, not one per request', async () => {
    const { events, second, bodies } = await twoRequests('anthropic', cached, { text: 'ok' })
    expect(events[0]).toMatchObject({
      type: 'warning',
      message: expect.stringContaining('web_search = "live"'),
    })
    expect(second.some((event) => event.type === 'warning')).toBe(false)
    expect(bodies[0].tools.map((tool: Json) => tool.name)).toEqual(['read_file'])
  })

  test('a search OpenAI ran is not replayed to Anthropic; other server tools do not break the stream', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 5, output_tokens: 1 } } },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_x', name: 'code_execution', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"code":"1"}' },
      },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'code_execution_tool_result', tool_use_id: 'srvtoolu_x', content: {} },
      },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'two' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
    ].map((data) => sseEvent(data, data.type))
    server = await startMockProviderServer({ wire: 'anthropic', turns: [{ type: 'raw', events }] })
    const input: ResponseItem[] = [
      ...request().input,
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'found' }] },
    ]
    const out = await collect(clientFor(server).stream(request({ input, hosted_tools: live })))
    expect(searchEvents(out)).toEqual(['item message'])
    expect(out.at(-1)).toMatchObject({ type: 'completed', stop_reason: 'end_turn' })
    const body = server.requests[0]?.body as Json
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'found' }] })
  })
})

describe('Chat Completions wire', () => {
  test('has no hosted search: says so once and sends no such tool', async () => {
    const { events, second, bodies } = await twoRequests('chat', live, { text: 'ok' })
    expect(events[0]).toMatchObject({
      type: 'warning',
      message: expect.stringContaining('no hosted web search'),
    })
    expect(second.some((event) => event.type === 'warning')).toBe(false)
    expect(bodies[0].tools.map((tool: Json) => tool.type)).toEqual(['function'])
  })
})
