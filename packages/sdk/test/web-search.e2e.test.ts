// Hosted web search through the client: `webSearchMode` / `webSearchEnabled` (as
// @openai/codex-sdk users set them) reach the request as the wire's hosted tool, and the search
// comes back as Codex's `web_search` item, in order with the messages.
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, type ThreadEvent, type ThreadOptions } from '../src/index.js'
import { clientFor, WIRES, type Workspace, workspace } from './helpers.js'

const servers: MockProviderServer[] = []
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

function tempWorkspace(): Workspace {
  const ws = workspace()
  cleanups.push(() => rmSync(dirname(ws.dir), { recursive: true, force: true }))
  return ws
}

const TURN = {
  webSearch: { query: 'zod 4 migration', results: [{ url: 'https://zod.dev/v4', title: 'Zod 4' }] },
  text: 'Zod 4 changed error maps.',
}

// biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
type Json = any

describe.each(WIRES.filter((w) => w.wire !== 'chat'))('over $wire', (wire) => {
  it('webSearchMode "live": the hosted tool is offered and the search is a web_search item', async () => {
    const ws = tempWorkspace()
    const server = await startMockProviderServer({ wire: wire.wire, turns: [TURN] })
    servers.push(server)
    const thread = clientFor(server, wire, ws).startThread({
      workingDirectory: ws.dir,
      webSearchMode: 'live',
    })
    cleanups.push(() => thread.close())
    const { events } = await thread.runStreamed('what changed in zod 4?')
    const seen: ThreadEvent[] = []
    for await (const event of events) seen.push(event)
    const items = seen.flatMap((e) =>
      e.type === 'item.started' || e.type === 'item.completed' ? [`${e.type} ${JSON.stringify(e.item)}`] : [],
    )
    expect(items).toEqual([
      'item.started {"id":"item_0","type":"web_search","query":""}',
      'item.completed {"id":"item_0","type":"web_search","query":"zod 4 migration"}',
      'item.completed {"id":"item_1","type":"agent_message","text":"Zod 4 changed error maps."}',
    ])
    const tools = (server.requests[0] as { body: Json }).body.tools.map(
      (tool: Json) => tool.type ?? tool.name,
    )
    expect(tools).toContain(wire.wire === 'responses' ? 'web_search' : 'web_search_20250305')
  })
})

it('webSearchEnabled maps to live / disabled; the mode wins; a bad mode is a ConfigError', async () => {
  const wire = WIRES[0]
  const offered = async (options: Partial<ThreadOptions>) => {
    const ws = tempWorkspace()
    const server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'ok' }] })
    servers.push(server)
    const thread = clientFor(server, wire, ws).startThread({ workingDirectory: ws.dir, ...options })
    cleanups.push(() => thread.close())
    await thread.run('hi')
    return (server.requests[0] as { body: Json }).body.tools.filter(
      (tool: Json) => tool.type === 'web_search',
    )
  }
  expect(await offered({ webSearchEnabled: true })).toEqual([
    { type: 'web_search', external_web_access: true },
  ])
  expect(await offered({ webSearchEnabled: false })).toEqual([])
  expect(await offered({})).toEqual([])
  expect(await offered({ webSearchEnabled: true, webSearchMode: 'cached' })).toEqual([
    { type: 'web_search', external_web_access: false },
  ])
  const ws = tempWorkspace()
  const server = await startMockProviderServer({ wire: 'responses', turns: [] })
  servers.push(server)
  const bad = clientFor(server, wire, ws).startThread({
    workingDirectory: ws.dir,
    webSearchMode: 'always' as never,
  })
  await expect(bad.run('x')).rejects.toThrow(ConfigError)
  expect(server.requests).toHaveLength(0)
})
