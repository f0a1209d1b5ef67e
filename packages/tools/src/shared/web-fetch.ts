// WebFetch (Claude toolset) / web_fetch (Codex toolset): fetch one http(s) URL and return its
// readable text — HTML as Markdown (turndown), text and JSON as they are — within byte,
// character, redirect and time limits, under the session's network policy: a host is reached
// without asking when the sandbox policy has network access or the host is on the configured
// allowlist; otherwise the user is asked as the approval policy says (`never` refuses).
import type { ApprovalAnswer, ToolContext, ToolDefinition, ToolOutput } from '@agent/core'
import type { SandboxPolicy } from '@agent/protocol'
import type TurndownService from 'turndown'
import { z } from 'zod'
import { defineTool, errorMessage, sessionSlot } from './tool-kit.js'

export interface WebFetchOptions {
  /** Hosts reachable even when the sandbox has no network ("example.com", "*.example.com"). */
  allowedDomains?: readonly string[]
  /** Bytes downloaded at most; the rest is not read. Default 5 MiB. */
  maxBytes?: number
  /** Characters returned to the model at most (default 100,000; a call may ask for fewer). */
  maxChars?: number
  /** Redirects followed at most (default 10); every hop is checked like the first URL. */
  maxRedirects?: number
  /** Time for the whole fetch, redirects and body included (default 30 s). */
  timeoutMs?: number
}

export const WEB_FETCH_DEFAULTS = {
  maxBytes: 5 * 1024 * 1024,
  maxChars: 100_000,
  maxRedirects: 10,
  timeoutMs: 30_000,
} as const

/** Thrown for a fetch that must not or could not happen; its message is for the model. */
class FetchRefused extends Error {}

const ClaudeArgs = z.object({
  url: z.string().describe('The URL to fetch (http or https)'),
  prompt: z
    .string()
    .describe('What to look for in the page; the page text is returned for you to apply it to'),
})

const CodexArgs = z.object({
  url: z.string().describe('The URL to fetch (http or https)'),
  max_chars: z.number().int().positive().optional().describe('Return at most this many characters'),
})

/** Claude Code's `WebFetch` (url + prompt). */
export function createClaudeWebFetchTool(
  options: WebFetchOptions = {},
): ToolDefinition<z.infer<typeof ClaudeArgs>> {
  return defineTool({
    name: 'WebFetch',
    description:
      'Fetches a URL (http or https) and returns its content as text: HTML converted to Markdown, ' +
      'plain text and JSON as they are. Long pages are cut. Use the prompt to say what you look for; ' +
      'read the returned text with it in mind. Reaching a host may need the user’s approval when the ' +
      'sandbox has no network access.',
    parameters: ClaudeArgs,
    jsonSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri', description: 'The URL to fetch content from (http or https)' },
        prompt: { type: 'string', description: 'What to look for in the fetched content' },
      },
      required: ['url', 'prompt'],
      additionalProperties: false,
    },
    readOnly: true,
    handle: async (args, context) => webFetch(args.url, options, context, args.prompt),
  })
}

/** The Codex toolset's `web_fetch` (url, optional max_chars). */
export function createCodexWebFetchTool(
  options: WebFetchOptions = {},
): ToolDefinition<z.infer<typeof CodexArgs>> {
  return defineTool({
    name: 'web_fetch',
    description:
      'Fetches a URL (http or https) and returns its content as text: HTML converted to Markdown, ' +
      'plain text and JSON as they are; long pages are cut. Reaching a host may need the user’s ' +
      'approval when the sandbox has no network access.',
    parameters: CodexArgs,
    jsonSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', description: 'The URL to fetch (http or https)' },
        max_chars: { type: 'number', description: 'Return at most this many characters of text' },
      },
      required: ['url'],
      additionalProperties: false,
    },
    readOnly: true,
    handle: async (args, context) =>
      webFetch(args.url, { ...options, ...capChars(options, args.max_chars) }, context),
  })
}

function capChars(options: WebFetchOptions, asked: number | undefined): Pick<WebFetchOptions, 'maxChars'> {
  if (asked === undefined) return {}
  return { maxChars: Math.min(asked, options.maxChars ?? WEB_FETCH_DEFAULTS.maxChars) }
}

async function webFetch(
  url: string,
  options: WebFetchOptions,
  context: ToolContext,
  prompt?: string,
): Promise<ToolOutput> {
  const limits = { ...WEB_FETCH_DEFAULTS, ...definedOnly(options) }
  const timeout = AbortSignal.timeout(limits.timeoutMs)
  const signal = AbortSignal.any([context.signal, timeout])
  try {
    const page = await fetchFollowing(url, limits, options.allowedDomains ?? [], context, signal)
    const text = await readable(page)
    const cut = text.length > limits.maxChars
    const header = [
      `URL: ${page.url}`,
      `Status: ${page.status}`,
      `Content-Type: ${page.contentType || '(none)'}`,
      ...(page.bytesCut ? [`Note: the body was cut at ${limits.maxBytes} bytes`] : []),
      ...(cut ? [`Note: the text was cut at ${limits.maxChars} of ${text.length} characters`] : []),
      ...(prompt ? [`Prompt: ${prompt}`] : []),
    ]
    return {
      output: `${header.join('\n')}\n\n${cut ? text.slice(0, limits.maxChars) : text}`,
      isError: page.status >= 400,
    }
  } catch (error) {
    if (error instanceof FetchRefused) return { output: error.message, isError: true }
    if (timeout.aborted)
      return { output: `fetching ${url} timed out after ${limits.timeoutMs} ms`, isError: true }
    if (context.signal.aborted) return { output: `fetching ${url} was interrupted`, isError: true }
    return { output: `fetching ${url} failed: ${causeOf(error)}`, isError: true }
  }
}

interface Page {
  url: string
  status: number
  contentType: string
  body: Buffer
  bytesCut: boolean
}

async function fetchFollowing(
  start: string,
  limits: typeof WEB_FETCH_DEFAULTS,
  allowedDomains: readonly string[],
  context: ToolContext,
  signal: AbortSignal,
): Promise<Page> {
  let url = parseUrl(start)
  for (let hop = 0; ; hop++) {
    await checkNetwork(url, allowedDomains, context)
    const response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: {
        'user-agent': 'agent-webfetch/1',
        accept: 'text/html, text/*;q=0.9, application/json;q=0.9, */*;q=0.5',
      },
    })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel()
      if (hop >= limits.maxRedirects) {
        throw new FetchRefused(
          `${start} redirected more than ${limits.maxRedirects} times; stopped at ${url.href}`,
        )
      }
      url = parseUrl(new URL(location, url).href)
      continue
    }
    const { body, cut } = await readCapped(response, limits.maxBytes)
    return {
      url: url.href,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body,
      bytesCut: cut,
    }
  }
}

function parseUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new FetchRefused(`"${raw}" is not a valid URL; give an absolute http:// or https:// URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchRefused(
      `only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, '')} (${raw})`,
    )
  }
  return url
}

/** Reads at most `maxBytes` of the body, then stops the download. */
async function readCapped(response: Response, maxBytes: number): Promise<{ body: Buffer; cut: boolean }> {
  if (!response.body) return { body: Buffer.alloc(0), cut: false }
  const chunks: Buffer[] = []
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return { body: Buffer.concat(chunks), cut: false }
    chunks.push(Buffer.from(value))
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return { body: Buffer.concat(chunks).subarray(0, maxBytes), cut: true }
    }
  }
}

/** Whether the session may reach `url`'s host, asking the user where the policies say so. */
async function checkNetwork(
  url: URL,
  allowedDomains: readonly string[],
  context: ToolContext,
): Promise<void> {
  if (networkAllowed(context.sandboxPolicy)) return
  const host = hostOf(url)
  if (hostAllowed(host, allowedDomains)) return
  const approved = sessionSlot(context, 'web_fetch.approved_hosts', () => new Set<string>())
  if (approved.has(host)) return
  const why = `the ${context.sandboxPolicy.type} sandbox has no network access and ${host} is not on the allowed domains`
  if (context.approvalPolicy === 'never') {
    throw new FetchRefused(`${why}, and the approval policy is never: not fetched. Do not retry it.`)
  }
  const answer: ApprovalAnswer = await context.askApproval({
    type: 'exec_approval_request',
    command: [context.toolName, url.href],
    cwd: context.cwd,
    reason: `${why}; fetch ${url.href}?`,
  })
  if (answer.decision === 'approved_for_session') approved.add(host)
  if (answer.decision === 'approved' || answer.decision === 'approved_for_session') return
  const feedback = answer.feedback ? `: ${answer.feedback}` : ''
  throw new FetchRefused(`the user denied fetching ${url.href}${feedback}`)
}

function networkAllowed(policy: SandboxPolicy): boolean {
  return (
    policy.type === 'danger-full-access' ||
    (policy.type === 'workspace-write' && policy.network_access === true)
  )
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
}

/** `example.com` matches itself; `*.example.com` matches its subdomains (not itself). */
export function hostAllowed(host: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.some((entry) => {
    const pattern = entry.trim().toLowerCase().replace(/\.$/, '')
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1))
    return host === pattern.replace(/^\[|\]$/g, '')
  })
}

async function readable(page: Page): Promise<string> {
  const type = page.contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  const charset = /charset=([^;]+)/i.exec(page.contentType)?.[1]?.trim().replace(/"/g, '') ?? 'utf-8'
  if (!isTextual(type, page.body)) {
    return `(binary content, ${page.body.length} bytes of ${type || 'unknown type'}: not shown)`
  }
  const text = decode(page.body, charset)
  if (
    type === 'text/html' ||
    type === 'application/xhtml+xml' ||
    (!type && /^\s*<(!doctype|html)/i.test(text))
  ) {
    return htmlToMarkdown(text)
  }
  return text
}

function isTextual(type: string, body: Buffer): boolean {
  if (type.startsWith('text/') || type === 'application/xhtml+xml') return true
  if (/[/+](json|xml|javascript|x-yaml|yaml|toml)$/.test(type)) return true
  if (type === 'application/x-ndjson' || type === 'application/ld+json') return true
  return !type && !body.subarray(0, 4096).includes(0)
}

function decode(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body)
  } catch {
    return new TextDecoder('utf-8').decode(body)
  }
}

let turndown: TurndownService | undefined

/** Turndown (and the DOM it parses with) loads at the first HTML page, not with the tools. */
async function htmlToMarkdown(html: string): Promise<string> {
  if (!turndown) {
    const { default: TurndownService } = await import('turndown')
    turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' })
    turndown.remove(['script', 'style', 'noscript', 'template', 'iframe', 'head'])
  }
  return turndown.turndown(html).trim()
}

function definedOnly(options: WebFetchOptions): Partial<typeof WEB_FETCH_DEFAULTS> {
  const out: Record<string, number> = {}
  for (const key of ['maxBytes', 'maxChars', 'maxRedirects', 'timeoutMs'] as const) {
    const value = options[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

/** Node's fetch hides the reason (ECONNREFUSED...) in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause
  return cause ? `${errorMessage(error)} (${errorMessage(cause)})` : errorMessage(error)
}
