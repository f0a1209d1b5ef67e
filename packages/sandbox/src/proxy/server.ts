// The host side of the network allowlist: an HTTP proxy (CONNECT tunnels and plain absolute-URI
// requests) listening on a Unix socket that is visible inside the sandbox. Hosts outside the
// allowlist get 403 and are never resolved or contacted.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileAllowlist } from './allowlist.js'

export interface NetworkProxyOptions {
  /** Hosts the sandboxed command may reach: "example.com", "*.example.com", or an IP address. */
  allowedDomains: readonly string[]
  /** Where to listen; default: `proxy.sock` in a fresh private (0700) temp directory. */
  socketPath?: string
}

export interface NetworkProxy {
  readonly socketPath: string
  readonly allowedDomains: readonly string[]
  /** Hosts refused so far (for telling the user why a download failed). */
  readonly denied: readonly string[]
  close(): Promise<void>
}

export async function startNetworkProxy(options: NetworkProxyOptions): Promise<NetworkProxy> {
  const allowlist = compileAllowlist(options.allowedDomains)
  const ownDir = options.socketPath ? null : mkdtempSync(join(tmpdir(), 'agent-sandbox-proxy-'))
  const socketPath = options.socketPath ?? join(ownDir as string, 'proxy.sock')
  const denied: string[] = []
  const sockets = new Set<Socket>()

  const refuse = (host: string) => {
    if (!denied.includes(host)) denied.push(host)
    return `agent-sandbox: network access to ${host} is not allowed (allowed: ${allowlist.entries.join(', ') || 'nothing'})\n`
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL
    try {
      url = new URL(req.url ?? '')
    } catch {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('agent-sandbox proxy: expected an absolute http:// URL\n')
      return
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('agent-sandbox proxy: use CONNECT for https\n')
      return
    }
    if (!allowlist.allows(url.hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(refuse(url.hostname))
      return
    }
    const headers = { ...req.headers }
    delete headers['proxy-connection']
    delete headers['proxy-authorization']
    const upstream = httpRequest(
      {
        host: url.hostname,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`agent-sandbox proxy: ${url.hostname}: ${error.message}\n`)
    })
    req.pipe(upstream)
  })

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    const target = parseAuthority(req.url ?? '')
    if (!target) {
      client.end(
        'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nagent-sandbox proxy: CONNECT needs host:port\n',
      )
      return
    }
    if (!allowlist.allows(target.host)) {
      const body = refuse(target.host)
      client.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      return
    }
    const upstream = connect({ host: target.host, port: target.port })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', (error) => {
      if (upstream.connecting)
        client.end(
          `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nagent-sandbox proxy: ${error.message}\n`,
        )
      else client.destroy()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => resolve())
  })
  // The proxy serves sandboxes for as long as the host wants; it must not keep the host alive.
  server.unref()

  return {
    socketPath,
    allowedDomains: allowlist.entries,
    denied,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (ownDir) rmSync(ownDir, { recursive: true, force: true })
    },
  }
}

function parseAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(authority)
  if (!match) return null
  const port = Number(match[2])
  if (port < 1 || port > 65535) return null
  const host = (match[1] as string).replace(/^\[|\]$/g, '')
  return { host, port }
}
