import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { type AnyMessage, ndJsonStream } from '@agentclientprotocol/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { stdioStream } from './stdio-stream.js'

type Piped = ChildProcessByStdio<Writable, Readable, null>

// Real pipes: `cat` copies what the stream writes (or what the test feeds it) back to us.
const children: Piped[] = []
function cat(): Piped {
  const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] })
  children.push(child)
  return child
}
afterEach(() => {
  for (const child of children.splice(0)) child.kill()
})

function collect(child: Piped): Promise<string> {
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  return once(child.stdout, 'end').then(() => Buffer.concat(chunks).toString('utf8'))
}

const messages: AnyMessage[] = [
  { jsonrpc: '2.0', id: 0, result: { protocolVersion: 1 } },
  {
    jsonrpc: '2.0',
    method: 'session/update',
    params: { sessionId: 's', update: { sessionUpdate: 'agent_message_chunk', text: 'é ✓ 🚀\nline 2' } },
  },
  { jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } },
]

/** What the SDK's own ndJsonStream writes for `sent`. */
async function sdkFraming(sent: AnyMessage[]): Promise<string> {
  const chunks: Uint8Array[] = []
  const output = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) })
  const { writable } = ndJsonStream(output, new ReadableStream<Uint8Array>())
  const writer = writable.getWriter()
  for (const message of sent) await writer.write(message)
  return Buffer.concat(chunks).toString('utf8')
}

describe('stdioStream', () => {
  it('writes each message as the SDK frames it, one line each, in order', async () => {
    const out = cat()
    const written = collect(out)
    const { writable } = stdioStream(cat().stdout, out.stdin)
    const writer = writable.getWriter()
    for (const message of messages) await writer.write(message)
    out.stdin.end()
    const text = await written
    expect(text).toBe(await sdkFraming(messages))
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line)),
    ).toEqual(messages)
  })

  it('hands out one writer that releasing keeps: the SDK takes and releases one per message', async () => {
    const out = cat()
    const written = collect(out)
    const { writable } = stdioStream(cat().stdout, out.stdin)
    for (const message of messages) {
      const writer = writable.getWriter() // what the SDK's connection does for each message
      await writer.write(message)
      writer.releaseLock()
    }
    expect(writable.getWriter()).toBe(writable.getWriter())
    out.stdin.end()
    expect(await written).toBe(await sdkFraming(messages))
  })

  it("reads with the SDK's reader, which answers malformed lines on the same output", async () => {
    const input = cat()
    const out = cat()
    const written = collect(out)
    const { readable, writable } = stdioStream(input.stdout, out.stdin)
    const reader = readable.getReader()
    input.stdin.write('not json\n{"jsonrpc":"2.0","method":"session/cancel","params":{"sessionId":"s"}}\n')
    expect((await reader.read()).value).toEqual({
      jsonrpc: '2.0',
      method: 'session/cancel',
      params: { sessionId: 's' },
    })
    // A message written after the answer to the bad line comes after it.
    await writable.getWriter().write({ jsonrpc: '2.0', id: 7, result: null })
    input.stdin.write('[1]\n')
    input.stdin.end()
    expect((await reader.read()).done).toBe(true)
    out.stdin.end()
    const lines = (await written)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((line) => line.error?.code ?? line.id)).toEqual([-32700, 7, -32600])
  })

  it('waits while the output is full and loses nothing', async () => {
    const out = cat()
    out.stdout.pause() // nothing is read for now: the pipe and the stream's buffer fill up
    const { writable } = stdioStream(cat().stdout, out.stdin)
    const writer = writable.getWriter()
    const big = 'x'.repeat(64 * 1024)
    const sent: AnyMessage[] = Array.from({ length: 20 }, (_, i) => ({
      jsonrpc: '2.0',
      method: 'n',
      params: { i, big },
    }))
    let waited = false
    for (const message of sent.slice(0, 10)) {
      const write = writer.write(message)
      const settled = await Promise.race([
        write.then(() => true),
        new Promise((r) => setTimeout(r, 20, false)),
      ])
      if (!settled) {
        waited = true
        break
      }
    }
    expect(waited).toBe(true) // a write waited for the output to drain
    const written = collect(out)
    out.stdout.resume() // reading starts: the output drains
    for (const message of sent.slice(10)) await writer.write(message)
    await writer.ready
    out.stdin.end()
    const received = (await written)
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { params: { i: number } }).params.i)
    // Every message before the one that waited, and every one after it, in order.
    expect(received).toEqual([...new Set(received)].sort((a, b) => a - b))
    expect(received.slice(-10)).toEqual(sent.slice(10).map((_, i) => 10 + i))
  })

  it('fails later writes once the output fails, without crashing the process', async () => {
    // The reader closes its end of the pipe and stays: writing to it fails with EPIPE.
    const gone = spawn('sh', ['-c', 'exec <&-; echo closed; sleep 10'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    children.push(gone)
    await once(gone.stdout, 'data')
    const { writable } = stdioStream(cat().stdout, gone.stdin)
    const writer = writable.getWriter()
    let failure: unknown
    for (let i = 0; i < 50 && failure === undefined; i++) {
      await writer.write({ jsonrpc: '2.0', method: 'n', params: { i } }).catch((error: unknown) => {
        failure = error
      })
      await new Promise((r) => setTimeout(r, 5))
    }
    expect((failure as NodeJS.ErrnoException).code).toBe('EPIPE')
    await expect(writer.write({ jsonrpc: '2.0', method: 'n', params: {} })).rejects.toThrow()
  })
})
