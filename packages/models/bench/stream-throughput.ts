// Benchmark: how fast the clients turn a long SSE stream into normalised events, and how much
// latency they add before the first event, each against a raw `fetch` of the same local server.
// Run with `pnpm --filter @agent/models bench`. The mock server runs in this process, so both
// the client and the baseline pay for it equally; the ratios are what matter.
import { performance } from 'node:perf_hooks'
import type { ModelRequest } from '@agent/protocol'
import { createModelClient, type WireApi } from '../src/index.js'
import { encodeTurn, type MockResponseTurn, startMockProviderServer } from '../src/testing/index.js'
import { normaliseAnthropicEvents } from '../src/wire/anthropic-events.js'
import { normaliseChatChunks } from '../src/wire/chat-events.js'
import { normaliseResponsesEvents } from '../src/wire/responses-events.js'

const WIRES: WireApi[] = ['responses', 'chat', 'anthropic']
const LONG_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(4_000) // 180k chars
const LONG_TURN: MockResponseTurn = {
  reasoning: 'Thinking about it. '.repeat(500),
  text: LONG_TEXT,
  toolCalls: [{ name: 'write_file', arguments: { path: 'out.txt', content: LONG_TEXT.slice(0, 20_000) } }],
  chunkSize: 4,
}
const SHORT_TURN: MockResponseTurn = { text: 'Hi!' }
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 60)
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 3)

const request: ModelRequest = {
  model: 'bench-model',
  instructions: 'bench',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] }],
  tools: [],
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function clientFor(baseUrl: string, wire: WireApi) {
  const result = createModelClient({
    provider: { base_url: baseUrl, wire_api: wire, name: `bench-${wire}` },
    env: {},
  })
  if (!result.ok) throw result.error
  return result.value
}

const endpoint = (baseUrl: string, wire: WireApi) =>
  `${baseUrl}${wire === 'responses' ? '/responses' : wire === 'chat' ? '/chat/completions' : '/v1/messages'}`

async function rawFetch(url: string, untilFirstChunk: boolean): Promise<number> {
  const started = performance.now()
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
  })
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const first = await reader.read()
  const elapsed = performance.now() - started
  if (untilFirstChunk) {
    await reader.cancel()
    return elapsed
  }
  let done = first.done
  while (!done) done = (await reader.read()).done
  return performance.now() - started
}

async function* parsed(events: string[]): AsyncGenerator<unknown> {
  for (const event of events) {
    const data = event.slice(event.indexOf('data: ') + 6, -2)
    if (data !== '[DONE]') yield JSON.parse(data)
  }
}

const normalisers = {
  responses: normaliseResponsesEvents,
  chat: normaliseChatChunks,
  anthropic: normaliseAnthropicEvents,
}

async function main() {
  const throughput: string[][] = []
  const latency: string[][] = []
  for (const wire of WIRES) {
    const server = await startMockProviderServer({ wire })
    const client = clientFor(server.baseUrl, wire)
    const sse = encodeTurn(wire, LONG_TURN, {
      index: 0,
      requestBody: { stream_options: { include_usage: true } },
    })
    const bytes = sse.reduce((n, e) => n + Buffer.byteLength(e), 0)

    // Normalisation alone, on already parsed events.
    let normaliseMs = Number.POSITIVE_INFINITY
    for (let i = 0; i < THROUGHPUT_RUNS; i++) {
      const started = performance.now()
      for await (const _ of normalisers[wire](parsed(sse))) {
        // drain
      }
      normaliseMs = Math.min(normaliseMs, performance.now() - started)
    }

    // End to end over HTTP (SDK SSE parsing + normalisation + retry layer) vs reading the same bytes raw.
    let clientMs = Number.POSITIVE_INFINITY
    let rawMs = Number.POSITIVE_INFINITY
    let events = 0
    for (let i = 0; i < THROUGHPUT_RUNS; i++) {
      server.push(LONG_TURN)
      rawMs = Math.min(rawMs, await rawFetch(endpoint(server.baseUrl, wire), false))
      server.push(LONG_TURN)
      const started = performance.now()
      events = 0
      for await (const event of client.stream(request)) {
        events++
        if (event.type === 'error') throw new Error(event.message)
      }
      clientMs = Math.min(clientMs, performance.now() - started)
    }
    throughput.push([
      wire,
      String(sse.length),
      `${(bytes / 1e6).toFixed(2)} MB`,
      `${Math.round(sse.length / (normaliseMs / 1000)).toLocaleString('en')}`,
      `${Math.round(sse.length / (clientMs / 1000)).toLocaleString('en')}`,
      `${clientMs.toFixed(0)} ms`,
      `${rawMs.toFixed(0)} ms`,
      `${(clientMs / rawMs).toFixed(2)}x`,
    ])

    // Latency to the first event: warm up (SDK import, connection pool), then alternate.
    for (let i = 0; i < 5; i++) {
      server.push(SHORT_TURN, SHORT_TURN)
      await rawFetch(endpoint(server.baseUrl, wire), true)
      for await (const _ of client.stream(request)) {
        // drain
      }
    }
    const raw: number[] = []
    const ours: number[] = []
    for (let i = 0; i < LATENCY_RUNS; i++) {
      server.push(SHORT_TURN)
      raw.push(await rawFetch(endpoint(server.baseUrl, wire), true))
      server.push(SHORT_TURN)
      const started = performance.now()
      let first: number | undefined
      for await (const _ of client.stream(request)) first ??= performance.now() - started
      ours.push(first as number)
    }
    const added = median(ours) - median(raw)
    latency.push([
      wire,
      `${median(raw).toFixed(2)} ms`,
      `${median(ours).toFixed(2)} ms`,
      `${added.toFixed(2)} ms`,
      `${(median(ours) / median(raw)).toFixed(2)}x`,
      added <= 2 ? 'yes' : 'no',
    ])
    void events
    await server.close()
  }
  printTable(
    `Throughput: one long stream (reasoning + ${LONG_TEXT.length.toLocaleString('en')} chars of text in 4-char deltas + a 20 kB tool call), best of ${THROUGHPUT_RUNS}`,
    [
      'wire',
      'SSE events',
      'size',
      'normalise only (ev/s)',
      'client end-to-end (ev/s)',
      'client',
      'raw fetch',
      'client / raw',
    ],
    throughput,
  )
  printTable(
    `Latency to first event (median of ${LATENCY_RUNS}, after warm-up)`,
    ['wire', 'raw fetch (first chunk)', 'client (first event)', 'added', 'client / raw', '<= 2 ms'],
    latency,
  )
}

function printTable(title: string, header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`)
  for (const row of rows) console.log(line(row))
}

await main()
