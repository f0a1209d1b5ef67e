// A server reached through a transport of the caller's: an SDK McpServer in this process over the
// SDK's linked in-memory transports, no child process. Reconnects open a fresh pair.

import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createMcpManager, type McpConnectionManager, McpServerConfig } from '../src/index.js'

let manager: McpConnectionManager | undefined
afterEach(async () => {
  await manager?.close()
  manager = undefined
})

function inProcessServer(): McpServer {
  const server = new McpServer({ name: 'calc', version: '1.0.0' })
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  )
  return server
}

describe('in-process MCP servers', () => {
  it('lists and calls the tools of an McpServer over an in-memory transport', async () => {
    const server = inProcessServer()
    let opened = 0
    manager = createMcpManager(
      { calc: McpServerConfig.parse({ url: 'memory://calc' }) },
      {
        transports: {
          calc: async () => {
            opened++
            const [client, serverSide] = InMemoryTransport.createLinkedPair()
            await server.connect(serverSide)
            return client
          },
        },
      },
    )
    await manager.start()
    const tools = await manager.listTools()
    expect(tools.map((t) => t.name)).toEqual(['mcp__calc__add'])
    const result = await manager.callTool('mcp__calc__add', { a: 2, b: 3 }, {})
    expect(result.isError).toBe(false)
    expect(result.content).toEqual([{ type: 'input_text', text: '5' }])
    expect(opened).toBe(1)
  })
})
