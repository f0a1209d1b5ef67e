// WebFetch end to end: the built binary, the mock provider asking for `web_fetch`, and a page
// server on 127.0.0.1; the network policy decides whether the page is fetched.
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

let provider: MockProviderServer | undefined
let pages: Server
let pageUrl: string
let hits = 0

beforeEach(async () => {
  hits = 0
  pages = createServer((_req, res) => {
    hits++
    res.setHeader('content-type', 'text/html')
    res.end('<html><body><h1>Release notes</h1><p>Version <code>2.0</code> is out.</p></body></html>')
  })
  pages.listen(0, '127.0.0.1')
  await once(pages, 'listening')
  pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/notes`
})

afterEach(async () => {
  await provider?.close()
  provider = undefined
  pages.close()
})

async function fetchRun(args: string[]) {
  const ws = workspace()
  provider = await startMockProviderServer({
    wire: 'responses',
    turns: [{ toolCalls: [{ name: 'web_fetch', arguments: { url: pageUrl } }] }, { text: 'Read it.' }],
  })
  const run = await runAgent(['exec', '-s', 'workspace-write', ...args, 'read the release notes'], {
    cwd: ws.repo,
    env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: provider.baseUrl }),
  })
  expect(run.code, run.stderr).toBe(0)
  expect(run.stdout.trim()).toBe('Read it.')
  return JSON.stringify(provider.requests[1]?.body)
}

// 60 s per test: the binary starts and makes two model round trips on a shared, busy machine.
describe('web_fetch', () => {
  it('fetches an allowed domain as Markdown while the sandbox has no network', async () => {
    const body = await fetchRun(['-c', 'sandbox_workspace_write.allowed_domains=["127.0.0.1"]'])
    expect(body).toContain('# Release notes')
    expect(body).toContain('Version `2.0` is out.')
    expect(hits).toBe(1)
  }, 60_000)

  it('refuses a host that is not allowed when nobody can approve it', async () => {
    const body = await fetchRun([])
    expect(body).toContain('127.0.0.1 is not on the allowed domains')
    expect(body).toContain('approval policy is never')
    expect(hits).toBe(0)
  }, 60_000)

  // The same allowlist opens those hosts to sandboxed commands, through the sandbox's proxy
  // (real bubblewrap: the command's network namespace has nothing but its own loopback).
  it('lets a sandboxed command reach exactly the allowed hosts, through the proxy', async () => {
    const port = (pages.address() as AddressInfo).port
    const curl = (label: string, host: string) =>
      `curl -s -m 20 -o /dev/null -w '${label}:%{http_code}\\n' http://${host}:${port}/notes`
    const script = `${curl('allowed', '127.0.0.1')}; ${curl('other', 'localhost')}`
    const curlRun = async (args: string[]) => {
      const ws = workspace()
      provider = await startMockProviderServer({
        wire: 'responses',
        turns: [
          { toolCalls: [{ name: 'shell', id: 'call_curl', arguments: { command: ['bash', '-c', script] } }] },
          { text: 'Tried.' },
        ],
      })
      try {
        const run = await runAgent(['exec', '-s', 'workspace-write', ...args, 'curl the notes'], {
          cwd: ws.repo,
          env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: provider.baseUrl }),
        })
        expect(run.code, run.stderr).toBe(0)
        // biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
        const input = (provider.requests[1] as any).body.input as {
          type: string
          call_id?: string
          output?: string
        }[]
        const output = input.find(
          (item) => item.type === 'function_call_output' && item.call_id === 'call_curl',
        )
        return (output?.output ?? '').match(/(allowed|other):\d+/g)
      } finally {
        await provider.close()
        provider = undefined
        rmSync(ws.root, { recursive: true, force: true })
      }
    }
    // 127.0.0.1 is allowed: the proxy fetches it; localhost is not: the proxy answers 403.
    expect(await curlRun(['-c', 'sandbox_workspace_write.allowed_domains=["127.0.0.1"]'])).toEqual([
      'allowed:200',
      'other:403',
    ])
    expect(hits).toBe(1)
    // Without the allowlist the sandbox has no way out at all.
    expect(await curlRun([])).toEqual(['allowed:000', 'other:000'])
    expect(hits).toBe(1)
  }, 120_000)
})
