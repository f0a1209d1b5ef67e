// The three wire clients. Each owns a lazily imported official SDK (so an unused provider costs
// nothing at start-up), maps the request, normalises the SDK's parsed stream, and leaves retries
// to `runWithRetries` (the SDKs' own retries are off so every retry is visible as an event).
import type { ModelClient, ModelEvent, ModelRequest } from '@agent/protocol'
import { ModelFailure } from './errors.js'
import type { ResolvedProvider } from './provider-config.js'
import { runWithRetries } from './retry.js'
import { normaliseAnthropicEvents } from './wire/anthropic-events.js'
import { anthropicHostedWarnings, anthropicRequestBody } from './wire/anthropic-request.js'
import { normaliseChatChunks } from './wire/chat-events.js'
import { chatRequestBody } from './wire/chat-request.js'
import { normaliseResponsesEvents } from './wire/responses-events.js'
import { responsesRequestBody } from './wire/responses-request.js'

type Json = Record<string, unknown>
type StreamCall = (body: Json, signal: AbortSignal) => Promise<AsyncIterable<unknown>>

// Servers that take no key still get a placeholder the SDKs insist on; the header is dropped.
const NO_KEY = 'no-key'

abstract class WireClient implements ModelClient {
  readonly provider: string
  /** Model used when a request leaves `model` empty. */
  readonly model: string | undefined
  private call: Promise<StreamCall> | undefined
  /** Warnings already given by this client: each is said once, not at every request. */
  private readonly warned = new Set<string>()

  constructor(
    protected readonly config: ResolvedProvider,
    options: { model?: string } = {},
  ) {
    this.provider = config.id
    this.model = options.model
  }

  /**
   * Loads the SDK and builds its client ahead of the first request (the composition root calls
   * it while other start-up work runs), so the first `stream` goes out without that delay.
   */
  async warm(): Promise<void> {
    this.call ??= this.connect()
    await this.call
  }

  protected abstract connect(): Promise<StreamCall>
  protected abstract body(request: ModelRequest): Json
  protected abstract normalise(
    events: AsyncIterable<unknown>,
    request: ModelRequest,
  ): AsyncIterable<ModelEvent>
  /** What of the request this wire cannot do and leaves out (hosted tools it has no form for). */
  protected unsupported(_request: ModelRequest): string[] {
    return []
  }

  stream(request: ModelRequest, options: { signal?: AbortSignal } = {}): AsyncIterable<ModelEvent> {
    const model = request.model || this.model
    if (!model) {
      const failure = new ModelFailure({
        kind: 'invalid_request',
        message: `no model given for provider "${this.provider}": set the request's model or the client's default model`,
      })
      return (async function* () {
        yield failure.toEvent()
      })()
    }
    const normalised = { ...request, model, tools: request.tools ?? [] }
    const body = this.body(normalised)
    const attempt = async function* (this: WireClient, signal: AbortSignal) {
      this.call ??= this.connect()
      const call = await this.call
      yield* this.normalise(await call(body, signal), normalised)
    }.bind(this)
    const stream = runWithRetries(attempt, this.config.retry, options.signal)
    const warnings = this.unsupported(normalised).filter((message) => !this.warned.has(message))
    if (warnings.length === 0) return stream
    for (const message of warnings) this.warned.add(message)
    return (async function* () {
      for (const message of warnings) yield { type: 'warning', message } satisfies ModelEvent
      yield* stream
    })()
  }

  protected sdkOptions() {
    const keyless = this.config.apiKey === undefined
    return {
      apiKey: this.config.apiKey ?? NO_KEY,
      baseURL: this.config.baseUrl,
      maxRetries: 0,
      // The SDKs log unparsable events to the console; failures reach the caller as events instead.
      logLevel: 'off' as const,
      // Our idle timeout governs the stream; this bounds waiting for the response headers.
      timeout: this.config.retry.idleTimeoutMs,
      defaultHeaders: {
        ...this.config.headers,
        ...(keyless ? { authorization: null, 'x-api-key': null } : {}),
      },
      defaultQuery: this.config.query,
    }
  }
}

/** OpenAI Responses API (`POST /responses`). */
export class ResponsesClient extends WireClient {
  protected async connect(): Promise<StreamCall> {
    const { default: OpenAI } = await import('openai')
    const sdk = new OpenAI(this.sdkOptions())
    return async (body, signal) =>
      (await sdk.responses.create(body as never, { signal })) as unknown as AsyncIterable<unknown>
  }
  protected body(request: ModelRequest): Json {
    return responsesRequestBody(request)
  }
  protected normalise(events: AsyncIterable<unknown>, request: ModelRequest) {
    return normaliseResponsesEvents(events, request)
  }
}

/** Chat Completions (`POST /chat/completions`): OpenAI and every compatible server. */
export class ChatCompletionsClient extends WireClient {
  protected async connect(): Promise<StreamCall> {
    const { default: OpenAI } = await import('openai')
    const sdk = new OpenAI(this.sdkOptions())
    return async (body, signal) =>
      (await sdk.chat.completions.create(body as never, { signal })) as unknown as AsyncIterable<unknown>
  }
  protected body(request: ModelRequest): Json {
    return chatRequestBody(request, this.config.baseUrl)
  }
  protected normalise(events: AsyncIterable<unknown>) {
    return normaliseChatChunks(events)
  }
  protected override unsupported(request: ModelRequest): string[] {
    return (request.hosted_tools ?? []).some((tool) => tool.type === 'web_search')
      ? [
          `web search: the Chat Completions API has no hosted web search, so provider "${this.provider}" is not offered one (WebFetch still fetches pages)`,
        ]
      : []
  }
}

/** Anthropic Messages API (`POST /v1/messages`). */
export class AnthropicMessagesClient extends WireClient {
  protected async connect(): Promise<StreamCall> {
    const { default: Anthropic } = await import('@anthropic-ai/sdk')
    const sdk = new Anthropic(this.sdkOptions())
    return async (body, signal) =>
      (await sdk.messages.create(body as never, { signal })) as unknown as AsyncIterable<unknown>
  }
  protected body(request: ModelRequest): Json {
    return anthropicRequestBody(request, this.config.maxOutputTokens)
  }
  protected normalise(events: AsyncIterable<unknown>) {
    return normaliseAnthropicEvents(events)
  }
  protected override unsupported(request: ModelRequest): string[] {
    return anthropicHostedWarnings(request)
  }
}
