// The mock provider in a thread of its own, for benchmarks whose client runs in the bench's
// process: the times of the model requests are then taken on an event loop that the client's
// work (decoding and validating what the agent sends it) cannot delay, as with a real editor and
// a real provider, which are separate programs. The thread (provider-thread-worker.mjs) runs the
// built @agent/models (`pnpm build` first, as for the benchmarks' binary).
import { Worker } from 'node:worker_threads'
import type { MockTurn } from '@agent/models/testing'

export interface ThreadedProvider {
  readonly baseUrl: string
  /** The mock server's `waitForRequests`: the thread's `performance.now()` at the count-th request. */
  waitForRequests(count: number): Promise<number>
  close(): Promise<void>
}

/** `startMockProviderServer({ wire: 'responses', turns })`, in a worker thread. */
export async function startProviderThread(turns: MockTurn[]): Promise<ThreadedProvider> {
  // No inherited flags: the thread loads the built package, not its TypeScript source.
  const worker = new Worker(new URL('./provider-thread-worker.mjs', import.meta.url), {
    workerData: { turns },
    execArgv: [],
  })
  const waiting = new Map<number, { resolve(value: number): void; reject(error: Error): void }>()
  const failAll = (error: Error) => {
    for (const waiter of waiting.values()) waiter.reject(error)
    waiting.clear()
  }
  worker.on('error', failAll)
  const baseUrl = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  worker.on('message', (reply: { id: number; value?: number; error?: string }) => {
    const waiter = waiting.get(reply.id)
    waiting.delete(reply.id)
    if (reply.error !== undefined) waiter?.reject(new Error(reply.error))
    else waiter?.resolve(reply.value ?? 0)
  })
  let next = 0
  const call = (request: { call: 'waitForRequests'; count: number } | { call: 'close' }) =>
    new Promise<number>((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve, reject })
      worker.postMessage({ ...request, id })
    })
  return {
    baseUrl,
    waitForRequests: (count) => call({ call: 'waitForRequests', count }),
    close: async () => {
      await call({ call: 'close' })
      await worker.terminate()
    },
  }
}
