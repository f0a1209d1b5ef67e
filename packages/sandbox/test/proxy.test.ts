// The network allowlist for real: network namespace off, an HTTP proxy on the host's Unix socket,
// the in-sandbox bridge, and servers on the host's 127.0.0.1 that only the proxy may reach.
import { existsSync, mkdirSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSandbox, type ManagedSandbox } from '../src/sandbox.js'
import { baseEnv, runWrapped, scratchDir, workspaceWrite } from './helpers.js'

let scratch: ReturnType<typeof scratchDir>
let ws: string
let sandbox: ManagedSandbox
let echo: Server
let echoPort: number
let direct = 0
let http: ReturnType<typeof createHttpServer>
let httpPort: number

beforeAll(async () => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  mkdirSync(ws)
  sandbox = createSandbox({ allowedDomains: ['127.0.0.1'] })
  echo = createServer((socket) => {
    direct++
    socket.on('data', (d) => socket.write(`echo:${d}`))
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  echoPort = (echo.address() as { port: number }).port
  http = createHttpServer((req, res) => res.end(`http ok ${req.url}`))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  httpPort = (http.address() as { port: number }).port
})
afterAll(async () => {
  await sandbox.close()
  echo.close()
  http.close()
  scratch.cleanup()
})

async function run(argv: string[]) {
  const wrapped = await sandbox.wrapCommand(workspaceWrite(), { argv, cwd: ws, env: baseEnv() })
  return runWrapped(wrapped, ws)
}

// Speaks CONNECT to the proxy named in HTTPS_PROXY, then sends "ping" through the tunnel.
const tunnelClient = (host: string, port: number) => `
  const net = require('node:net')
  const proxy = new URL(process.env.HTTPS_PROXY)
  const s = net.connect(Number(proxy.port), proxy.hostname, () => s.write('CONNECT ${host}:${port} HTTP/1.1\\r\\nHost: ${host}\\r\\n\\r\\n'))
  let buf = ''
  s.on('data', (d) => {
    buf += d
    if (buf.startsWith('HTTP/1.1 200') && buf.includes('\\r\\n\\r\\n') && !s.sent) { s.sent = true; buf = ''; s.write('ping') }
    else if (s.sent && buf.includes('ping')) { console.log(buf); s.destroy() }
    else if (!buf.startsWith('HTTP/1.1 200') && buf.includes('\\r\\n\\r\\n')) { console.log(buf.split('\\r\\n')[0]); s.destroy() }
  })
  s.on('error', (e) => console.log('error', e.code))`

describe.skipIf(process.platform !== 'linux')('network allowlist through the proxy', () => {
  it('tunnels to an allowed host and refuses others with 403', async () => {
    const allowed = await run([process.execPath, '-e', tunnelClient('127.0.0.1', echoPort)])
    expect(allowed.stdout).toBe('echo:ping\n')
    const refused = await run([process.execPath, '-e', tunnelClient('localhost', echoPort)])
    expect(refused.stdout).toBe('HTTP/1.1 403 Forbidden\n')
    expect(sandbox.proxy?.denied).toContain('localhost')
  })

  it('forwards plain HTTP requests for allowed hosts', async () => {
    const script = `
      const http = require('node:http')
      const proxy = new URL(process.env.HTTP_PROXY)
      http.get({ host: proxy.hostname, port: proxy.port, path: 'http://127.0.0.1:${httpPort}/path?q=1' }, (res) => {
        let body = ''; res.on('data', (d) => body += d); res.on('end', () => console.log(res.statusCode, body))
      })`
    expect((await run([process.execPath, '-e', script])).stdout).toBe('200 http ok /path?q=1\n')
  })

  it('still has no direct route to the host loopback', async () => {
    const before = direct
    const script = `require('node:net').connect(${echoPort}, '127.0.0.1').on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))`
    expect((await run([process.execPath, '-e', script])).stdout).toBe('ECONNREFUSED\n')
    expect(direct).toBe(before)
  })

  it('passes exit codes, signals and output through the bridge, and marks the environment', async () => {
    const r = await run([
      'sh',
      '-c',
      'echo "$AGENT_SANDBOX_NETWORK x$AGENT_SANDBOX_NETWORK_DISABLED"; echo err >&2; exit 5',
    ])
    expect(r).toMatchObject({ exitCode: 5, stdout: 'proxy x\n', stderr: 'err\n' })
    expect((await run(['sh', '-c', 'kill -TERM $$'])).exitCode).toBe(143)
  })

  it('keeps the proxy socket out of reach of a writable /tmp', async () => {
    const socketPath = sandbox.proxy?.socketPath as string
    const r = await run(['sh', '-c', `rm -f ${socketPath}; echo x > ${socketPath}.new; echo done`])
    expect(r.stdout).toBe('done\n')
    expect(existsSync(socketPath)).toBe(true)
    expect(existsSync(`${socketPath}.new`)).toBe(false)
  })

  it('does not use the proxy when the policy allows the network', async () => {
    const wrapped = await sandbox.wrapCommand(workspaceWrite({ network_access: true }), {
      argv: ['true'],
      cwd: ws,
      env: baseEnv(),
    })
    expect(wrapped.argv).not.toContain('--unshare-net')
    expect(wrapped.argv).not.toContain('-e')
  })

  it('removes the socket on close and starts a new proxy when needed again', async () => {
    const other = createSandbox({ allowedDomains: ['127.0.0.1'] })
    await other.wrapCommand(workspaceWrite(), { argv: ['true'], cwd: ws, env: baseEnv() })
    const first = other.proxy?.socketPath as string
    expect(existsSync(first)).toBe(true)
    await other.close()
    expect(existsSync(first)).toBe(false)
    expect(other.proxy).toBeNull()
  })

  it('rejects a bad allowlist when the sandbox is created', () => {
    expect(() => createSandbox({ allowedDomains: ['https://x.com'] })).toThrow(
      /invalid allowed domain "https:\/\/x.com"/,
    )
  })
})
