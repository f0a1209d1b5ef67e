// Hosted web search end to end: the built binary, `web_search` in the config, the mock provider
// answering with a search on the Responses and Anthropic wires. The request offers the hosted
// tool in the wire's form; `agent exec` prints the search, `--json` emits Codex's web_search
// item, `agent acp` shows it as a tool call, and a wire without hosted search says so once.
import { rmSync } from 'node:fs'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import type { SessionUpdate } from '@agentclientprotocol/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { type AcpProcess, initialize, startAcp } from './acp-client.js'
import { jsonLines, runAgent, type Workspace, workspace } from './helpers.js'

let server: MockProviderServer | undefined
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await server?.close()
  server = undefined
})

function tempWorkspace(): Workspace {
  const ws = workspace()
  cleanups.push(() => rmSync(ws.root, { recursive: true, force: true }))
  return ws
}

const SEARCH: MockTurn = {
  webSearch: {
    query: 'rust 1.90 release date',
    results: [{ url: 'https://blog.rust-lang.org/', title: 'Rust Blog' }],
  },
  text: 'Rust 1.90 was released in September.',
}

// biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
type Json = any
const firstBody = (): Json => server?.requests[0]?.body

// 60 s per test: the binary starts and talks to the mock server on a shared, busy machine.
describe('web search', () => {
  it('agent exec over the Responses wire: offered live, printed as a searched line before the answer', async () => {
    const ws = tempWorkspace()
    server = await startMockProviderServer({ wire: 'responses', turns: [SEARCH] })
    const run = await runAgent(['exec', '-c', 'web_search="live"', 'when is rust 1.90 out?'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('Rust 1.90 was released in September.\n')
    const lines = run.stderr.split('\n')
    const searched = lines.indexOf('🔎 searched: rust 1.90 release date')
    expect(searched).toBeGreaterThan(0)
    expect(lines.indexOf('agent Rust 1.90 was released in September.')).toBeGreaterThan(searched)
    expect(run.stderr).not.toContain('warning')
    expect(firstBody().tools.filter((tool: Json) => tool.type === 'web_search')).toEqual([
      { type: 'web_search', external_web_access: true },
    ])
  }, 60_000)

  it('agent exec --json over the Anthropic wire: the server tool offered, the web_search item emitted', async () => {
    const ws = tempWorkspace()
    server = await startMockProviderServer({ wire: 'anthropic', turns: [SEARCH] })
    const run = await runAgent(
      [
        'exec',
        '--json',
        '--provider',
        'anthropic',
        '--base-url',
        server.baseUrl,
        '-c',
        'web_search="live"',
        'rust?',
      ],
      { cwd: ws.repo, env: ws.env({ ANTHROPIC_API_KEY: 'x' }) },
    )
    expect(run.code, run.stderr).toBe(0)
    const items = (jsonLines(run.stdout) as Json[])
      .filter((line) => line.type.startsWith('item.'))
      .map((line) => ({ type: line.type, item: line.item }))
    expect(items).toEqual([
      { type: 'item.started', item: { id: 'item_0', type: 'web_search', query: '' } },
      { type: 'item.completed', item: { id: 'item_0', type: 'web_search', query: 'rust 1.90 release date' } },
      {
        type: 'item.completed',
        item: { id: 'item_1', type: 'agent_message', text: 'Rust 1.90 was released in September.' },
      },
    ])
    expect(firstBody().tools[0]).toEqual({ type: 'web_search_20250305', name: 'web_search' })
  }, 60_000)

  it('Chat Completions has no hosted search: one warning, no tool offered, the turn still runs', async () => {
    const ws = tempWorkspace()
    server = await startMockProviderServer({ wire: 'chat', turns: [{ text: 'No search here.' }] })
    const run = await runAgent(['exec', '--provider', 'openai-chat', '-c', 'web_search="cached"', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('No search here.\n')
    expect(run.stderr.match(/Chat Completions API has no hosted web search/g)).toHaveLength(1)
    expect(firstBody().tools.every((tool: Json) => tool.type === 'function')).toBe(true)
  }, 60_000)

  it('agent acp: the search is a fetch tool call, in progress then completed', async () => {
    const ws = tempWorkspace()
    server = await startMockProviderServer({ wire: 'responses', turns: [SEARCH] })
    const acp: AcpProcess = startAcp({
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.baseUrl }),
      args: ['-m', 'test-model', '-c', 'web_search="cached"'],
    })
    cleanups.push(() => acp.close())
    await initialize(acp)
    const session = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId: session.sessionId,
      prompt: [{ type: 'text', text: 'when is rust 1.90 out?' }],
    })
    expect(result.stopReason).toBe('end_turn')
    const calls = acp
      .updates(session.sessionId)
      .filter((u: SessionUpdate) => u.sessionUpdate === 'tool_call' || u.sessionUpdate === 'tool_call_update')
    expect(calls).toEqual([
      {
        sessionUpdate: 'tool_call',
        toolCallId: 'ws_mock_0',
        title: 'Searching the web',
        kind: 'fetch',
        status: 'in_progress',
        rawInput: {},
      },
      expect.objectContaining({
        sessionUpdate: 'tool_call_update',
        toolCallId: 'ws_mock_0',
        title: 'Web search: rust 1.90 release date',
        status: 'completed',
      }),
    ])
    expect(firstBody().tools.at(-1)).toEqual({ type: 'web_search', external_web_access: false })
  }, 60_000)
})
