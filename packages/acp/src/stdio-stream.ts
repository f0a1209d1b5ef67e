// ACP's stdio transport with less work on the way out. The SDK's `ndJsonStream` writes each
// message through two promise chains, a second web stream and `Writable.toWeb`'s adapter, and
// encodes it to bytes first; a profile of `agent acp` put that at ~1.4 ms a step (a command's
// `tool_call`, its update and the message chunks). Here a message is the same line
// (`JSON.stringify(message) + "\n"`) written as a string straight to the Node stream, at once, in
// order. Input is still read by the SDK's own `ndJsonStream` (line splitting, size limit,
// -32700/-32600 answers), unchanged.
import { Readable, type Writable } from 'node:stream'
import { type AnyMessage, ndJsonStream, type Stream } from '@agentclientprotocol/sdk'

/**
 * An ACP `Stream` over a byte input and output (a process's stdin and stdout): one JSON-RPC
 * message per line, as `ndJsonStream` frames it. A write waits only when the output asks to
 * (backpressure: `write` returned false, until `drain`); an output error fails every later write,
 * which closes the connection.
 */
export function stdioStream(input: Readable, output: Writable): Stream {
  let failure: Error | undefined
  let drained: Promise<void> | undefined
  let fail: (error: Error) => void = () => {}
  const onError = (error: Error) => {
    failure ??= error
    fail(error)
  }
  // Kept for the stream's life: an output that fails (the client went away) must not crash us.
  output.on('error', onError)

  const write = (line: string | Uint8Array): Promise<void> | undefined => {
    if (failure) throw failure
    if (output.destroyed || output.writableEnded) throw new Error('the ACP output is closed')
    if (!output.write(line) && !drained) {
      drained = new Promise<void>((resolve) => {
        const done = () => {
          output.off('drain', done)
          output.off('close', done)
          drained = undefined
          resolve()
        }
        output.on('drain', done)
        output.on('close', done) // a closed output never drains: the next write fails instead
      })
    }
    return drained
  }

  // The SDK's reader answers malformed input itself, on the output it is given: the same output.
  const errorReplies = new WritableStream<Uint8Array>({ write: (bytes) => write(bytes) })
  const { readable } = ndJsonStream(errorReplies, Readable.toWeb(input) as ReadableStream<Uint8Array>)

  const writable = new OneWriterStream<AnyMessage>({
    start(controller) {
      fail = (error) => controller.error(error)
      if (failure) controller.error(failure)
    },
    write: (message) => write(`${JSON.stringify(message)}\n`),
  })
  return { readable, writable }
}

/**
 * A WritableStream that hands out one writer for its whole life, whose `releaseLock` does
 * nothing. The SDK's connection takes a writer for every message and releases it after the
 * write, and in Node each release rejects the writer's two promises with new TypeErrors (a stack
 * trace each, then the unhandled-rejection tracker): more than the write itself costs. The
 * connection writes one message at a time (its own queue), so one writer serves it throughout.
 */
class OneWriterStream<T> extends WritableStream<T> {
  private writer: WritableStreamDefaultWriter<T> | undefined

  override getWriter(): WritableStreamDefaultWriter<T> {
    if (this.writer) return this.writer
    const writer = super.getWriter()
    this.writer = {
      get closed() {
        return writer.closed
      },
      get ready() {
        return writer.ready
      },
      get desiredSize() {
        return writer.desiredSize
      },
      abort: (reason) => writer.abort(reason),
      close: () => writer.close(),
      write: (chunk) => writer.write(chunk),
      releaseLock: () => {},
    }
    return this.writer
  }
}
