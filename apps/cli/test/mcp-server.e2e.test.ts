// `agent mcp-server` over stdio, driven by the official MCP SDK client: the `agent` tool starts
// a real session (composed like `agent exec`) that runs a command, and `agent-reply` continues it.
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterEach, describe, expect, it } from 'vitest'
import { bin, workspace } from './helpers.js'

let server: MockProviderServer | undefined
let client: Client | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
  await server?.close()
  server = undefined
})

describe('agent mcp-server', () => {
  it('runs agent sessions for an MCP client', async () => {
    const ws = workspace({ 'data.txt': 'forty-two\n' })
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [{ name: 'shell', arguments: { command: ['cat', 'data.txt'] } }] },
        { text: 'The file says forty-two.' },
        { text: 'Still forty-two.' },
      ],
    })
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp-server', '-s', 'danger-full-access', '-a', 'never'],
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      stderr: 'pipe',
    })
    client = new Client({ name: 'cli-test', version: '1.0.0' })
    await client.connect(transport)
    const tools = await client.listTools()
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['agent', 'agent-reply'])

    const first = (await client.callTool({
      name: 'agent',
      arguments: { prompt: 'what does data.txt say?' },
    })) as unknown as {
      structuredContent: { threadId: string; content: string }
    }
    expect(first.structuredContent.content).toBe('The file says forty-two.')
    expect(JSON.stringify(server.requests[1]?.body)).toContain('forty-two')

    const reply = (await client.callTool({
      name: 'agent-reply',
      arguments: { threadId: first.structuredContent.threadId, prompt: 'and now?' },
    })) as unknown as { structuredContent: { content: string } }
    expect(reply.structuredContent.content).toBe('Still forty-two.')
  })
})
