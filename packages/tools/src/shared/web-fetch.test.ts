import { once } from 'node:events'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApprovalAnswer, ApprovalQuestion, ToolOutput } from '@agent/core'
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testContext } from '../testing/test-context.js'
import {
  createClaudeWebFetchTool,
  createCodexWebFetchTool,
  hostAllowed,
  type WebFetchOptions,
} from './web-fetch.js'

const OPEN: SandboxPolicy = { type: 'danger-full-access' }
const NO_NET: SandboxPolicy = { type: 'workspace-write', writable_roots: [], network_access: false }

let server: Server
let port: number
/** Responses of the slow route, held open until the test ends. */
const held: ServerResponse[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/'
    if (path === '/page') {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(
        '<!doctype html><html><head><title>T</title><style>.x{color:red}</style></head><body>' +
          '<h1>Heading</h1><p>Some <strong>bold</strong> and a <a href="/other">link</a>.</p>' +
          '<ul><li>one</li><li>two</li></ul><script>window.secret = 1</script></body></html>',
      )
    } else if (path === '/json') {
      res.setHeader('content-type', 'application/json')
      res.end('{"a":[1,2,3]}')
    } else if (path.startsWith('/hop/')) {
      const n = Number(path.slice(5))
      res.statusCode = 302
      res.setHeader('location', n > 0 ? `/hop/${n - 1}` : '/json')
      res.end()
    } else if (path === '/to-localhost') {
      res.statusCode = 301
      res.setHeader('location', `http://localhost:${port}/json`)
      res.end()
    } else if (path === '/big') {
      res.setHeader('content-type', 'text/plain')
      // 1 MiB in 64 KiB chunks, more than the test's byte cap
      const chunk = 'x'.repeat(64 * 1024)
      for (let i = 0; i < 16; i++) res.write(chunk)
      res.end()
    } else if (path === '/slow') {
      res.setHeader('content-type', 'text/plain')
      res.flushHeaders()
      held.push(res)
    } else if (path === '/missing') {
      res.statusCode = 404
      res.setHeader('content-type', 'text/plain')
      res.end('no such page')
    } else if (path === '/binary') {
      res.setHeader('content-type', 'image/png')
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]))
    } else {
      res.statusCode = 500
      res.end()
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  for (const res of held) res.destroy()
  server.closeAllConnections()
  server.close()
})

function run(
  url: string,
  opts: {
    options?: WebFetchOptions
    sandboxPolicy?: SandboxPolicy
    approvalPolicy?: ApprovalPolicy
    answer?: (q: ApprovalQuestion) => ApprovalAnswer
    sessionState?: Map<string, unknown>
  } = {},
) {
  const { context, questions } = testContext({
    cwd: process.cwd(),
    sandboxPolicy: opts.sandboxPolicy ?? OPEN,
    ...(opts.approvalPolicy ? { approvalPolicy: opts.approvalPolicy } : {}),
    ...(opts.answer ? { answer: opts.answer } : {}),
    ...(opts.sessionState ? { sessionState: opts.sessionState } : {}),
  })
  const tool = createClaudeWebFetchTool(opts.options)
  return {
    result: tool.handle({ url, prompt: 'what is it' }, { ...context, toolName: 'WebFetch' }),
    questions,
  }
}

function text(out: ToolOutput): string {
  if (typeof out.output !== 'string') throw new Error('expected a text output')
  return out.output
}

describe('WebFetch content', () => {
  it('turns HTML into Markdown without scripts and styles', async () => {
    const out = await run(`http://127.0.0.1:${port}/page`).result
    expect(out.isError).toBe(false)
    expect(out.output).toContain('# Heading')
    expect(out.output).toContain('Some **bold** and a [link](/other).')
    expect(out.output).toMatch(/^- {1,3}one$/m)
    expect(out.output).not.toContain('window.secret')
    expect(out.output).not.toContain('color:red')
    expect(out.output).toContain('Prompt: what is it')
  })

  it('returns JSON as it is', async () => {
    const out = await run(`http://127.0.0.1:${port}/json`).result
    expect(text(out).endsWith('\n\n{"a":[1,2,3]}')).toBe(true)
  })

  it('reports an HTTP error status as an error with the body', async () => {
    const out = await run(`http://127.0.0.1:${port}/missing`).result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('Status: 404')
    expect(out.output).toContain('no such page')
  })

  it('does not show binary content', async () => {
    const out = await run(`http://127.0.0.1:${port}/binary`).result
    expect(out.output).toContain('binary content, 8 bytes of image/png')
  })

  it('follows redirects up to the limit and names the final URL', async () => {
    const out = await run(`http://127.0.0.1:${port}/hop/3`, { options: { maxRedirects: 4 } }).result
    expect(out.isError).toBe(false)
    expect(out.output).toContain(`URL: http://127.0.0.1:${port}/json`)
  })

  it('stops a redirect chain longer than the limit', async () => {
    const out = await run(`http://127.0.0.1:${port}/hop/5`, { options: { maxRedirects: 2 } }).result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('redirected more than 2 times')
  })

  it('stops downloading at the byte cap and cuts the text at the character cap', async () => {
    const bytes = await run(`http://127.0.0.1:${port}/big`, {
      options: { maxBytes: 100_000, maxChars: 1_000_000 },
    }).result
    expect(bytes.output).toContain('the body was cut at 100000 bytes')
    expect(text(bytes).split('\n\n')[1]).toHaveLength(100_000)
    const chars = await run(`http://127.0.0.1:${port}/json`, { options: { maxChars: 5 } }).result
    expect(chars.output).toContain('the text was cut at 5 of 13 characters')
    expect(text(chars).endsWith('\n\n{"a":')).toBe(true)
  })

  it('lets a web_fetch call ask for fewer characters, never more than the cap', async () => {
    const { context } = testContext({ cwd: process.cwd(), sandboxPolicy: OPEN })
    const tool = createCodexWebFetchTool({ maxChars: 8 })
    const fewer = await tool.handle({ url: `http://127.0.0.1:${port}/json`, max_chars: 3 }, context)
    expect(text(fewer).endsWith('\n\n{"a')).toBe(true)
    const more = await tool.handle({ url: `http://127.0.0.1:${port}/json`, max_chars: 50 }, context)
    expect(more.output).toContain('cut at 8 of 13 characters')
  })

  it('gives up on a slow server at the timeout', async () => {
    const out = await run(`http://127.0.0.1:${port}/slow`, { options: { timeoutMs: 300 } }).result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('timed out after 300 ms')
  })

  it('refuses schemes other than http and https, and bad URLs', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hi']) {
      const out = await run(url).result
      expect(out.isError).toBe(true)
      expect(out.output).toContain('only http and https URLs can be fetched')
    }
    const bad = await run('not a url').result
    expect(bad.output).toContain('is not a valid URL')
  })

  it('says why a connection failed', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const freePort = (closed.address() as AddressInfo).port
    closed.close()
    await once(closed, 'close')
    const out = await run(`http://127.0.0.1:${freePort}/`).result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('ECONNREFUSED')
  })
})

describe('WebFetch network policy', () => {
  it('asks when the sandbox has no network and the host is not allowed; a denial is not fetched', async () => {
    const { result, questions } = run(`http://127.0.0.1:${port}/json`, {
      sandboxPolicy: NO_NET,
      answer: () => ({ decision: 'denied', feedback: 'not now' }),
    })
    const out = await result
    expect(out.isError).toBe(true)
    expect(out.output).toBe(`the user denied fetching http://127.0.0.1:${port}/json: not now`)
    expect(questions).toHaveLength(1)
    expect(questions[0]).toMatchObject({
      type: 'exec_approval_request',
      command: ['WebFetch', `http://127.0.0.1:${port}/json`],
    })
  })

  it('fetches once approved, and remembers a host approved for the session', async () => {
    const sessionState = new Map<string, unknown>()
    const first = run(`http://127.0.0.1:${port}/json`, {
      sandboxPolicy: NO_NET,
      sessionState,
      answer: () => ({ decision: 'approved_for_session' }),
    })
    expect((await first.result).isError).toBe(false)
    const second = run(`http://127.0.0.1:${port}/page`, { sandboxPolicy: NO_NET, sessionState })
    expect((await second.result).output).toContain('# Heading')
    expect(second.questions).toHaveLength(0)
  })

  it('refuses without asking when the approval policy is never', async () => {
    const { result, questions } = run(`http://127.0.0.1:${port}/json`, {
      sandboxPolicy: { type: 'read-only' },
      approvalPolicy: 'never',
      answer: () => ({ decision: 'approved' }),
    })
    const out = await result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('the read-only sandbox has no network access')
    expect(out.output).toContain('approval policy is never')
    expect(questions).toHaveLength(0)
  })

  it('reaches allowed domains without asking, and checks every redirect hop', async () => {
    const allowed = run(`http://127.0.0.1:${port}/json`, {
      sandboxPolicy: NO_NET,
      options: { allowedDomains: ['127.0.0.1'] },
    })
    expect((await allowed.result).isError).toBe(false)
    expect(allowed.questions).toHaveLength(0)

    const hop = run(`http://127.0.0.1:${port}/to-localhost`, {
      sandboxPolicy: NO_NET,
      approvalPolicy: 'never',
      options: { allowedDomains: ['127.0.0.1'] },
    })
    const out = await hop.result
    expect(out.isError).toBe(true)
    expect(out.output).toContain('localhost is not on the allowed domains')
  })

  it('needs no approval when the sandbox policy has network access', async () => {
    const { result, questions } = run(`http://localhost:${port}/json`, {
      sandboxPolicy: { type: 'workspace-write', writable_roots: [], network_access: true },
    })
    expect((await result).isError).toBe(false)
    expect(questions).toHaveLength(0)
  })

  it('matches allowlist entries like the sandbox proxy does', () => {
    expect(hostAllowed('docs.example.com', ['*.example.com'])).toBe(true)
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false)
    expect(hostAllowed('example.com', ['Example.com'])).toBe(true)
    expect(hostAllowed('badexample.com', ['example.com', '*.example.com'])).toBe(false)
  })
})
