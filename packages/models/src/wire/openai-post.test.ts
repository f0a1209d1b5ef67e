// The direct POST against a real local HTTP server: the SDK's URL and headers, and the SDK's
// error classes for HTTP errors, refused connections, header timeouts and aborts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { afterEach, describe, expect, test } from 'vitest'
import { openAiStreamPost } from './openai-post.js'

const errors = { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError }

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
  server = undefined
})

async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<string> {
  const created = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => handler(req, body, res))
  })
  server = created
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/v1`
}

const client = (baseURL: string, extra: Record<string, unknown> = {}) =>
  new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0, logLevel: 'off', timeout: 5000, ...extra })

describe('openAiStreamPost', () => {
  test('sends the JSON body with the headers and query the SDK builds', async () => {
    const seen: { url?: string; headers?: IncomingMessage['headers']; body?: string }[] = []
    const baseUrl = await serve((req, body, res) => {
      seen.push({ url: req.url, headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end('data: {}\n\n')
    })
    const sdk = client(baseUrl, {
      organization: 'org-1',
      project: 'proj-1',
      defaultHeaders: { 'x-extra': 'yes' },
      defaultQuery: { 'api-version': '1' },
    })
    const post = openAiStreamPost(sdk, errors, '/responses')
    for (const n of [1, 2]) {
      const response = await post({ model: 'm', stream: true, n }, new AbortController().signal)
      expect(await response.text()).toBe('data: {}\n\n')
    }
    expect(seen).toHaveLength(2)
    expect(seen[1]?.url).toBe('/v1/responses?api-version=1')
    expect(JSON.parse(seen[1]?.body ?? '')).toEqual({ model: 'm', stream: true, n: 2 })
    expect(seen[1]?.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
      'x-extra': 'yes',
      'user-agent': expect.stringMatching(/^OpenAI\/JS /),
    })
  })

  test('a header set to null is left out (keyless servers)', async () => {
    let headers: IncomingMessage['headers'] = {}
    const baseUrl = await serve((req, _body, res) => {
      headers = req.headers
      res.end('data: {}\n\n')
    })
    const sdk = client(baseUrl, { defaultHeaders: { authorization: null } })
    await (await openAiStreamPost(sdk, errors, '/chat/completions')({}, new AbortController().signal)).text()
    expect(headers.authorization).toBeUndefined()
  })

  test('an HTTP error becomes the SDK error for its status, with the body and headers', async () => {
    const baseUrl = await serve((_req, _body, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' })
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit', code: 'rate_limited' } }))
    })
    const failure = await openAiStreamPost(
      client(baseUrl),
      errors,
      '/responses',
    )({}, new AbortController().signal)
      .then(() => undefined)
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError)
    expect(failure).toMatchObject({ status: 429, code: 'rate_limited', message: '429 slow down' })
    expect((failure as APIError).headers?.get('retry-after')).toBe('3')
  })

  test('a non-JSON error body is kept as the message', async () => {
    const baseUrl = await serve((_req, _body, res) => {
      res.writeHead(502)
      res.end('bad gateway')
    })
    await expect(
      openAiStreamPost(client(baseUrl), errors, '/responses')({}, new AbortController().signal),
    ).rejects.toMatchObject({ status: 502, message: '502 bad gateway' })
  })

  test('refused connection, header timeout and abort map to the SDK connection errors', async () => {
    const refusedUrl = await serve(() => {})
    server?.close()
    server = undefined
    await expect(
      openAiStreamPost(client(refusedUrl), errors, '/responses')({}, new AbortController().signal),
    ).rejects.toBeInstanceOf(APIConnectionError)

    const silentUrl = await serve(() => {
      // Never answers.
    })
    await expect(
      openAiStreamPost(
        client(silentUrl, { timeout: 50 }),
        errors,
        '/responses',
      )({}, new AbortController().signal),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError)

    const controller = new AbortController()
    const pending = openAiStreamPost(client(silentUrl), errors, '/responses')({}, controller.signal)
    setTimeout(() => controller.abort(), 20)
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError)
    await expect(
      openAiStreamPost(client(silentUrl), errors, '/responses')({}, AbortSignal.abort()),
    ).rejects.toBeInstanceOf(APIUserAbortError)
  })
})
