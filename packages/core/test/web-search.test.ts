// Hosted web search through the agent over real model clients and the mock provider server:
// the session offers it with every request, the search's events come in order with the text
// around them, its item is recorded (rollout, journal) as part of the sampling step it belongs
// to, and the next request sends it back in the provider's form.
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import type { Event } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type Agent, MemorySessionStore } from '../src/index.js'
import { collectUntil, MemoryJournal } from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent } from './helpers.js'
import { mockModelClient } from './mock-provider.js'

const agents: Agent[] = []
let server: MockProviderServer | undefined
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.shutdown().catch(() => undefined)
  await server?.close()
  server = undefined
})

const SEARCH: MockTurn = {
  webSearch: {
    query: 'node 20 end of life',
    results: [{ url: 'https://nodejs.org/en/about/eol', title: 'EOL' }],
  },
  text: 'Node 20 reaches end of life in April 2026.',
}

/** The search's events and the messages, in the order the client saw them. */
function story(events: Event[]): string[] {
  return events.flatMap(({ msg }) => {
    if (msg.type === 'web_search_begin') return [`begin ${msg.call_id}`]
    if (msg.type === 'web_search_end') return [`end ${msg.call_id} ${msg.status}: ${msg.query}`]
    if (msg.type === 'agent_message') return [`say ${msg.message}`]
    if (msg.type === 'warning') return ['warning']
    return []
  })
}

async function turn(agent: Agent, text: string): Promise<Event[]> {
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text }] })
  return collectUntil(agent, isTurnEnd, { timeoutMs: 30_000 })
}

describe.each([
  ['responses', 'ws_mock_0', 'web_search_call'],
  ['anthropic', 'srvtoolu_mock_0', 'server_tool_use'],
] as const)('over the %s wire', (wire, callId, sentBackAs) => {
  it('offers the search, emits its events in order with the text, and sends it back next turn', async () => {
    server = await startMockProviderServer({ wire, turns: [SEARCH, { text: 'You are welcome.' }] })
    const store = new MemorySessionStore()
    const { agent } = await makeAgent([], {
      model: mockModelClient(server),
      modelName: 'mock-model',
      hostedTools: [{ type: 'web_search', mode: 'live' }],
      store,
    })
    agents.push(agent)
    const first = await turn(agent, 'when does node 20 die?')
    expect(story(first)).toEqual([
      `begin ${callId}`,
      `end ${callId} completed: node 20 end of life`,
      'say Node 20 reaches end of life in April 2026.',
    ])
    expect(find(first, 'web_search_end')[0]?.action).toMatchObject({
      type: 'search',
      query: 'node 20 end of life',
    })
    await turn(agent, 'thanks')
    const second = JSON.stringify(server.requests[1]?.body)
    expect(second).toContain(`"type":"${sentBackAs}"`)
    expect(second).toContain(callId)

    // The rollout has the item, for resume (events other than messages are not persisted).
    await agent.flush()
    const { lines } = await store.load(agent.sessionId)
    const recorded = lines.flatMap((line) =>
      line.type === 'response_item' && line.payload.type === 'web_search_call'
        ? [`item ${line.payload.id}`]
        : line.type === 'event_msg' && line.payload.type.startsWith('web_search')
          ? [line.payload.type]
          : [],
    )
    expect(recorded).toEqual([`item ${callId}`])
  })
})

it('a journaled sampling step records the search with the response and replays it the same', async () => {
  server = await startMockProviderServer({ wire: 'responses', turns: [SEARCH] })
  const journal = new MemoryJournal()
  const options = {
    model: mockModelClient(server),
    modelName: 'mock-model',
    hostedTools: [{ type: 'web_search' as const, mode: 'cached' as const }],
    sessionId: 'durable-search',
    journal,
  }
  const { agent, cwd } = await makeAgent([], options)
  agents.push(agent)
  const live = story(await turn(agent, 'search'))
  expect(live).toEqual([
    'begin ws_mock_0',
    'end ws_mock_0 completed: node 20 end of life',
    'say Node 20 reaches end of life in April 2026.',
  ])
  const body = server.requests[0]?.body as { tools: unknown[] }
  expect(body.tools.at(-1)).toEqual({ type: 'web_search', external_web_access: false })

  // A second worker replays the journal: the same events, and no new model request.
  const { agent: replay } = await makeAgent([], { ...options, journal: journal.fork(), cwd })
  agents.push(replay)
  expect(story(await turn(replay, 'search'))).toEqual(live)
  expect(server.requests).toHaveLength(1)
})

it("Anthropic's pause_turn: the agent sends the paused response back and the model continues", async () => {
  server = await startMockProviderServer({
    wire: 'anthropic',
    turns: [{ ...SEARCH, text: 'Searching more.', stopReason: 'pause_turn' }, { text: 'Done: April 2026.' }],
  })
  const { agent } = await makeAgent([], {
    model: mockModelClient(server),
    modelName: 'mock-model',
    hostedTools: [{ type: 'web_search', mode: 'live' }],
  })
  agents.push(agent)
  const events = await turn(agent, 'when does node 20 die?')
  expect(story(events)).toEqual([
    'begin srvtoolu_mock_0',
    'end srvtoolu_mock_0 completed: node 20 end of life',
    'say Searching more.',
    'say Done: April 2026.',
  ])
  expect(find(events, 'turn_complete')[0]).toMatchObject({
    last_agent_message: 'Done: April 2026.',
    stop_reason: 'end_turn',
  })
  // The continuation carries the paused assistant turn, search blocks included, as its last message.
  const body = server.requests[1]?.body as
    | { messages: { role: string; content: { type: string }[] }[] }
    | undefined
  const messages = body?.messages ?? []
  expect(messages.at(-1)?.role).toBe('assistant')
  expect(messages.at(-1)?.content.map((block) => block.type)).toEqual([
    'server_tool_use',
    'web_search_tool_result',
    'text',
  ])
})
