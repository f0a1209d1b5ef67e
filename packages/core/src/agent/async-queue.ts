// An unbounded FIFO with awaiting readers: the event side of the queue pair. Closing it lets
// readers drain what is left, then ends iteration.
export class AsyncQueue<T> {
  private readonly items: T[] = []
  private head = 0
  private readonly waiters: { resolve: (value: T) => void; reject: (error: Error) => void }[] = []
  private closed = false

  push(item: T): void {
    if (this.closed) return
    const waiter = this.waiters.shift()
    if (waiter) waiter.resolve(item)
    else this.items.push(item)
  }

  /** Resolves with the next item; rejects once the queue is closed and drained. */
  shift(): Promise<T> {
    if (this.head < this.items.length) {
      const item = this.items[this.head] as T
      this.head++
      // Compact now and then so a long session does not keep every delivered item alive.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head)
        this.head = 0
      }
      return Promise.resolve(item)
    }
    if (this.closed) return Promise.reject(new Error('the agent has shut down; no more events'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Pending readers are rejected; queued items stay readable. */
  close(): void {
    this.closed = true
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new Error('the agent has shut down; no more events'))
    }
  }

  get size(): number {
    return this.items.length - this.head
  }
}
