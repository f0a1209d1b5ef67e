// The Restate SDK calls `Promise.withResolvers` (added in Node 22). Workers run on Node 20.19+
// too: this installs the standard behaviour when the runtime lacks it. Imported by the worker
// entry before the SDK handles any request; a no-op on Node 22+.

export function installPromiseWithResolvers(): boolean {
  const P = Promise as PromiseConstructor & { withResolvers?: unknown }
  if (typeof P.withResolvers === 'function') return false
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new this<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
  return true
}

installPromiseWithResolvers()
