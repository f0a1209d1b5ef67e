// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config syntax under test, not a template.
// Headers and bearer tokens reach a streamable HTTP server: an SDK server on loopback that
// answers with the headers it received.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingManager } from './helpers.js'

let http: Server
let url = ''
beforeAll(async () => {
  http = createServer(async (req, res) => {
    if (req.headers.authorization === 'Bearer wrong') {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_token"}')
      return
    }
    const server = new McpServer({ name: 'headers', version: '1.0.0' })
    server.registerTool('headers', { description: 'Returns the request headers' }, async () => ({
      content: [
        {
          type: 'text',
          text: JSON.stringify({
            authorization: req.headers.authorization,
            team: req.headers['x-team'],
            api: req.headers['x-api-key'],
          }),
        },
      ],
    }))
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    await server.connect(transport)
    await transport.handleRequest(req, res)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
})
afterAll(async () => {
  http.closeAllConnections()
  await new Promise((resolve) => http.close(resolve))
})

describe('streamable HTTP settings', () => {
  it('sends http_headers, env_http_headers and the bearer token from the environment', async () => {
    const { manager, start, text } = recordingManager(
      {
        api: {
          url: '${API_URL}',
          http_headers: { 'X-Team': '${TEAM:-core}' },
          env_http_headers: { 'X-Api-Key': 'API_KEY' },
          bearer_token_env_var: 'API_TOKEN',
        },
      },
      { env: { API_URL: url, API_KEY: 'k-123', API_TOKEN: 't-456' } },
    )
    await start()
    const result = await manager.callTool('mcp__api__headers', {}, {})
    expect(JSON.parse(text(result))).toEqual({ authorization: 'Bearer t-456', team: 'core', api: 'k-123' })
    await manager.close()
  })

  it('reports a rejected token as a start-up failure naming the server', async () => {
    const { manager, start, events } = recordingManager(
      { api: { url, bearer_token_env_var: 'API_TOKEN' } },
      { env: { API_TOKEN: 'wrong' } },
    )
    await start()
    expect(events.at(-1)).toMatchObject({ type: 'mcp_startup_complete', failed: [{ server: 'api' }] })
    expect(manager.status()[0]?.error).toMatch(
      /^MCP server 'api' refused the credentials \(HTTP 401\): check bearer_token_env_var/,
    )
    await manager.close()
  })
})
