// The agent as an MCP server, driven by the SDK's client and by our own manager, over streamable
// HTTP and stdio, with a scripted agent behind it.
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  AGENT_EVENT_NOTIFICATION,
  type AgentMcpServing,
  type McpConnectionManager,
  serveAgentMcp,
} from '../src/index.js'
import { FakeAgent } from './fake-agent.js'
import { NODE, recordingManager } from './helpers.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serveHttp(agent = new FakeAgent()): Promise<{ agent: FakeAgent; serving: AgentMcpServing }> {
  const serving = await serveAgentMcp(agent, { transport: { http: 0 } })
  cleanups.push(() => serving.close())
  return { agent, serving }
}

const AgentEventNotification = z.object({
  method: z.literal(AGENT_EVENT_NOTIFICATION),
  params: z.object({
    threadId: z.string(),
    event: z.object({ id: z.string(), msg: z.object({ type: z.string() }).loose() }),
  }),
})

async function connectClient(url: string, answer?: (params: unknown) => ElicitResult) {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    answer ? { capabilities: { elicitation: {} } } : {},
  )
  const events: { threadId: string; type: string }[] = []
  client.setNotificationHandler(AgentEventNotification, (n) => {
    events.push({ threadId: n.params.threadId, type: n.params.event.msg.type })
  })
  const asked: unknown[] = []
  if (answer) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params)
      return answer(request.params)
    })
  }
  await client.connect(new StreamableHTTPClientTransport(new URL(url)))
  cleanups.push(() => client.close())
  return { client, events, asked }
}

const textOf = (result: unknown) =>
  ((result as { content: { text: string }[] }).content[0] as { text: string }).text

describe('serveAgentMcp over streamable HTTP', () => {
  it('lists the agent and agent-reply tools with their schemas', async () => {
    const { serving } = await serveHttp()
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
    const { client } = await connectClient(serving.url as string)
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['agent', 'agent-reply'])
    const agent = tools.find((t) => t.name === 'agent')
    expect(agent?.inputSchema.required).toEqual(['prompt'])
    expect(Object.keys(agent?.inputSchema.properties ?? {}).sort()).toEqual([
      'approval_policy',
      'cwd',
      'model',
      'prompt',
      'sandbox',
    ])
    expect(client.getServerVersion()).toMatchObject({ name: 'agent' })
  })

  it('starts a session, streams its events, and continues it with agent-reply', async () => {
    const { serving, agent } = await serveHttp()
    const { client, events } = await connectClient(serving.url as string)
    const first = await client.callTool({
      name: 'agent',
      arguments: { prompt: 'hello', model: 'gpt-test', sandbox: 'read-only', cwd: '/repo' },
    })
    expect(first.isError).toBeFalsy()
    expect(first.structuredContent).toEqual({
      threadId: 'thread-1',
      content: 'You said "hello" (turn 1, model=gpt-test sandbox=read-only)',
    })
    expect(agent.sessions[0]?.options).toMatchObject({ prompt: 'hello', cwd: '/repo', model: 'gpt-test' })
    expect(events.map((e) => e.type)).toEqual([
      'turn_started',
      'user_message',
      'agent_message',
      'turn_complete',
    ])
    expect(events.every((e) => e.threadId === 'thread-1')).toBe(true)

    const second = await client.callTool({
      name: 'agent-reply',
      arguments: { threadId: 'thread-1', prompt: 'again' },
    })
    expect(textOf(second)).toContain('You said "again" (turn 2')
    const unknown = await client.callTool({
      name: 'agent-reply',
      arguments: { threadId: 'nope', prompt: 'x' },
    })
    expect(unknown.isError).toBe(true)
    expect(textOf(unknown)).toContain("No agent session with threadId 'nope'")
  })

  it('sends exec approval requests as elicitations and applies the answer', async () => {
    const { serving, agent } = await serveHttp()
    const { client, asked } = await connectClient(serving.url as string, () => ({
      action: 'accept',
      content: { decision: 'approved_for_session' },
    }))
    const result = await client.callTool({
      name: 'agent',
      arguments: { prompt: 'run rm -rf build', cwd: '/repo' },
    })
    expect(textOf(result)).toBe('exec_approval approved_for_session')
    expect(asked).toHaveLength(1)
    expect(asked[0]).toMatchObject({
      message: expect.stringContaining('The agent wants to run: rm -rf build\nin /repo'),
      requestedSchema: { type: 'object', required: ['decision'] },
      _meta: { 'agent/approval': { kind: 'exec', threadId: 'thread-1', call_id: 'call-s1' } },
    })
    expect(agent.sessions[0]?.ops).toContainEqual({
      type: 'exec_approval',
      id: 'call-s1',
      decision: 'approved_for_session',
    })
  })

  it('maps decline to denied (with feedback) and cancel to abort, for patches too', async () => {
    const { serving } = await serveHttp()
    const answers: ElicitResult[] = [
      { action: 'accept', content: { decision: 'denied', feedback: 'use a branch' } },
      { action: 'decline' },
      { action: 'cancel' },
    ]
    const { client } = await connectClient(serving.url as string, () => answers.shift() as ElicitResult)
    expect(textOf(await client.callTool({ name: 'agent', arguments: { prompt: 'patch a.txt' } }))).toBe(
      'patch_approval denied (use a branch)',
    )
    expect(textOf(await client.callTool({ name: 'agent', arguments: { prompt: 'run make' } }))).toBe(
      'exec_approval denied',
    )
    expect(textOf(await client.callTool({ name: 'agent', arguments: { prompt: 'run make' } }))).toBe(
      'exec_approval abort',
    )
  })

  it('denies approvals when the client cannot answer elicitations', async () => {
    const { serving } = await serveHttp()
    const { client } = await connectClient(serving.url as string)
    const result = await client.callTool({ name: 'agent', arguments: { prompt: 'run make' } })
    expect(textOf(result)).toMatch(/^exec_approval denied \(The MCP client cannot answer approval requests/)
  })

  it('reports aborted turns and start failures as error results', async () => {
    const { serving } = await serveHttp()
    const { client } = await connectClient(serving.url as string)
    const failed = await client.callTool({ name: 'agent', arguments: { prompt: 'fail' } })
    expect(failed.isError).toBe(true)
    expect(textOf(failed)).toBe(
      "The agent's turn was aborted (error). Errors: model_error: the model is unavailable (threadId: thread-1)",
    )
    const refused = await client.callTool({ name: 'agent', arguments: { prompt: 'refuse to start' } })
    expect(textOf(refused)).toBe('Starting the agent failed: no model configured')
    const invalid = await client.callTool({ name: 'agent', arguments: { prompt: 'x', sandbox: 'yolo' } })
    expect(invalid.isError).toBe(true)
  })

  it('interrupts the turn when the client cancels the call', async () => {
    const { serving, agent } = await serveHttp()
    const { client } = await connectClient(serving.url as string)
    const controller = new AbortController()
    const call = client.callTool({ name: 'agent', arguments: { prompt: 'wait' } }, undefined, {
      signal: controller.signal,
    })
    await expect.poll(() => agent.sessions.length).toBe(1)
    controller.abort()
    await expect(call).rejects.toThrow()
    await expect.poll(() => agent.sessions[0]?.ops.some((op) => op.type === 'interrupt')).toBe(true)
  })

  it('refuses non-loopback Host and Origin headers (DNS rebinding) and unknown sessions', async () => {
    const { serving } = await serveHttp()
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    })
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }
    const post = (extra: Record<string, string>, body = init) =>
      fetch(serving.url as string, { method: 'POST', headers: { ...headers, ...extra }, body })
    expect((await post({ Origin: 'http://evil.example.com' })).status).toBe(403)
    expect((await post({ 'Mcp-Session-Id': 'forged' })).status).toBe(404)
    expect((await post({}, '{not json')).status).toBe(400)
    expect((await post({})).status).toBe(200)
    const wrongPath = await fetch(new URL('/other', serving.url as string), {
      method: 'POST',
      headers,
      body: init,
    })
    expect(wrongPath.status).toBe(404)
  })

  it('shuts the sessions down on close', async () => {
    const agent = new FakeAgent()
    const serving = await serveAgentMcp(agent, { transport: { http: 0 } })
    const { client } = await connectClient(serving.url as string)
    await client.callTool({ name: 'agent', arguments: { prompt: 'hello' } })
    await serving.close()
    await serving.closed
    expect(agent.sessions[0]?.shutdownCalled).toBe(true)
  })
})

describe('serveAgentMcp over stdio, used through the connection manager', () => {
  const managers: McpConnectionManager[] = []
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()))
  })

  it('runs the agent as a tool of another agent, with approvals answered by elicitation', async () => {
    const made = recordingManager(
      {
        agent: {
          command: NODE,
          args: ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'agent-stdio-server.ts')],
          cwd: join(import.meta.dirname, '..'),
          env: { PATH: process.env.PATH ?? '' },
          startup_timeout_sec: 60,
        },
      },
      { onElicitation: async () => ({ action: 'accept', content: { decision: 'approved' } }) },
    )
    managers.push(made.manager)
    await made.start()
    expect(made.manager.status()[0]).toMatchObject({ state: 'ready', tools: 2 })
    const result = await made.manager.callTool('mcp__agent__agent', { prompt: 'hi there' }, {})
    expect(result.structuredContent).toEqual({
      threadId: 'thread-1',
      content: expect.stringContaining('You said "hi there"'),
    })
    const approved = await made.manager.callTool('mcp__agent__agent', { prompt: 'run ls' }, {})
    expect(made.text(approved)).toBe('exec_approval approved')
    const reply = await made.manager.callTool(
      'mcp__agent__agent_reply',
      { threadId: 'thread-1', prompt: 'more' },
      {},
    )
    expect(made.text(reply)).toContain('You said "more"')
  })
})
