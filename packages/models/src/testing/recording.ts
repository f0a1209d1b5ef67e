// Record and replay model streams as JSONL: one line per `stream` call,
// `{"v":1,"provider":"openai","request":{...},"events":[...]}`. Recording wraps any client;
// replay answers from the file in order, with no network, so runs can be reproduced offline.
import { appendFileSync, readFileSync } from 'node:fs'
import { type ModelClient, ModelEvent, type ModelRequest } from '@agent/protocol'
import { z } from 'zod'

export const RECORDING_FORMAT_VERSION = 1

/** One line of a recording file. */
export const RecordedExchange = z.object({
  v: z.literal(RECORDING_FORMAT_VERSION),
  provider: z.string().optional(),
  /** The request as sent; optional so recordings can be written by hand. */
  request: z.record(z.string(), z.unknown()).optional(),
  events: z.array(ModelEvent),
})
export type RecordedExchange = z.infer<typeof RecordedExchange>

/** Wraps a client and appends each finished exchange to a JSONL file. */
export class RecordingModelClient implements ModelClient {
  readonly provider: string

  constructor(
    private readonly inner: ModelClient,
    private readonly file: string,
  ) {
    this.provider = inner.provider
  }

  async *stream(request: ModelRequest, options: { signal?: AbortSignal } = {}): AsyncGenerator<ModelEvent> {
    const events: ModelEvent[] = []
    try {
      for await (const event of this.inner.stream(request, options)) {
        events.push(event)
        yield event
      }
    } finally {
      // Written even when the consumer stops early, so a partial exchange is not lost.
      const line: RecordedExchange = {
        v: RECORDING_FORMAT_VERSION,
        provider: this.inner.provider,
        request,
        events,
      }
      appendFileSync(this.file, `${JSON.stringify(line)}\n`)
    }
  }
}

export class ReplayFileError extends Error {
  readonly kind = 'replay_file' as const
  constructor(message: string) {
    super(message)
    this.name = 'ReplayFileError'
  }
}

/** Parses recording JSONL; throws `ReplayFileError` naming the line and field that is wrong. */
export function parseRecording(text: string, source = 'recording'): RecordedExchange[] {
  const exchanges: RecordedExchange[] = []
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw new ReplayFileError(`${source}:${i + 1}: not valid JSON (${(error as Error).message})`)
    }
    const parsed = RecordedExchange.safeParse(value)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? issue.path.join('.') : '(line)'
      throw new ReplayFileError(`${source}:${i + 1}: ${where}: ${issue?.message ?? 'invalid'}`)
    }
    exchanges.push(parsed.data)
  }
  return exchanges
}

/** Answers each `stream` call with the next recorded exchange, in file order. */
export class ReplayModelClient implements ModelClient {
  readonly provider: string
  /** Requests received, in order. */
  readonly requests: ModelRequest[] = []
  private next = 0

  constructor(
    private readonly exchanges: RecordedExchange[],
    options: { provider?: string } = {},
  ) {
    this.provider = options.provider ?? exchanges[0]?.provider ?? 'replay'
  }

  /** Reads a recording file; throws `ReplayFileError` when it is unreadable or malformed. */
  static fromFile(file: string, options: { provider?: string } = {}): ReplayModelClient {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw new ReplayFileError(`cannot read replay file ${file}: ${(error as Error).message}`)
    }
    return new ReplayModelClient(parseRecording(text, file), options)
  }

  get remaining(): number {
    return this.exchanges.length - this.next
  }

  async *stream(request: ModelRequest, options: { signal?: AbortSignal } = {}): AsyncGenerator<ModelEvent> {
    this.requests.push(structuredClone(request))
    const exchange = this.exchanges[this.next]
    if (!exchange) {
      yield {
        type: 'error',
        kind: 'other',
        message: `replay: the recording has ${this.exchanges.length} responses and request #${this.next + 1} has none`,
        retryable: false,
      }
      return
    }
    this.next++
    for (const event of exchange.events) {
      if (options.signal?.aborted) {
        yield { type: 'error', kind: 'aborted', message: 'the request was aborted', retryable: false }
        return
      }
      yield event
    }
  }
}
