// Serving the agent over MCP: stdio (the client spawns `agent mcp-server`), or streamable HTTP
// bound to 127.0.0.1 with one protocol server per MCP session and DNS-rebinding protection.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { AgentSessionPort } from './agent-port.js'
import { type AgentMcpServerOptions, createAgentMcpServer } from './agent-server.js'
import { rejectNonLoopback } from './host-check.js'

export interface ServeAgentMcpOptions extends AgentMcpServerOptions {
  /** `'stdio'`, or HTTP on 127.0.0.1 at this port (0 picks a free one). */
  transport: 'stdio' | { http: number }
  /** Path of the MCP endpoint over HTTP (default `/mcp`). */
  path?: string
}

export interface AgentMcpServing {
  /** The endpoint URL, over HTTP. */
  url?: string
  /** Resolves when the client disconnects (stdio) or `close()` was called. */
  closed: Promise<void>
  close(): Promise<void>
}

const MAX_BODY_BYTES = 4 * 1024 * 1024

/** Serves the agent over MCP until the client disconnects (stdio) or `close()` is called. */
export async function serveAgentMcp(
  port: AgentSessionPort,
  options: ServeAgentMcpOptions,
): Promise<AgentMcpServing> {
  const agentServer = createAgentMcpServer(port, options)
  let resolveClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve
  })

  if (options.transport === 'stdio') {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js')
    const transport = new StdioServerTransport()
    const close = async () => {
      await agentServer.close()
      resolveClosed()
    }
    transport.onclose = () => void close()
    await agentServer.connect(transport)
    // The SDK's stdio transport does not notice the client closing stdin.
    process.stdin.once('end', () => void close())
    return { closed, close }
  }

  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js')
  const { isInitializeRequest } = await import('@modelcontextprotocol/sdk/types.js')
  const path = options.path ?? '/mcp'
  const sessions = new Map<string, StreamableHTTPServerTransport>()

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refusal = rejectNonLoopback({ host: req.headers.host, origin: req.headers.origin })
    if (refusal) return sendError(res, 403, `Forbidden: ${refusal}`)
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== path) return sendError(res, 404, `Not found: the MCP endpoint is ${path}`)
    const sessionId = req.headers['mcp-session-id']
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined
    if (req.method === 'POST') {
      const body = await readJson(req)
      if (!body.ok) return sendError(res, body.status, body.message, -32700)
      if (existing) return existing.handleRequest(req, res, body.value)
      if (sessionId !== undefined) return sendError(res, 404, 'Session not found: initialize a new session')
      if (!isInitializeRequest(body.value)) {
        return sendError(res, 400, 'Bad request: the first request of a session must be initialize')
      }
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, transport)
        },
      })
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId)
      }
      await agentServer.connect(transport)
      return transport.handleRequest(req, res, body.value)
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing)
        return sendError(res, sessionId === undefined ? 400 : 404, 'Missing or unknown Mcp-Session-Id')
      return existing.handleRequest(req, res)
    }
    res.setHeader('Allow', 'GET, POST, DELETE')
    return sendError(res, 405, `Method ${req.method} not allowed`)
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `Internal error: ${(error as Error).message}`, -32603)
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.transport === 'stdio' ? 0 : options.transport.http, '127.0.0.1', () => resolve())
  })
  const address = http.address() as AddressInfo
  const close = async () => {
    await Promise.all([...sessions.values()].map((t) => t.close().catch(() => {})))
    await agentServer.close()
    await new Promise<void>((resolve) => {
      http.close(() => resolve())
      http.closeAllConnections()
    })
    resolveClosed()
  }
  return { url: `http://127.0.0.1:${address.port}${path}`, closed, close }
}

function sendError(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }))
}

async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: 'Request body too large' }
    chunks.push(chunk as Buffer)
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) }
  } catch {
    return { ok: false, status: 400, message: 'Parse error: the body is not valid JSON' }
  }
}
