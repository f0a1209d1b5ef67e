// A fair (FIFO) read/write lock: read-only tool calls share it, mutating calls hold it alone,
// and nobody overtakes a waiting writer, so calls start in the order the model gave them.
type Waiter = { mode: 'read' | 'write'; grant: () => void }

export class ReadWriteLock {
  private readers = 0
  private writer = false
  private readonly queue: Waiter[] = []

  /** Resolves with a release function once the lock is held in `mode`. */
  acquire(mode: 'read' | 'write'): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ mode, grant: () => resolve(this.releaser(mode)) })
      this.drain()
    })
  }

  private releaser(mode: 'read' | 'write'): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      if (mode === 'read') this.readers--
      else this.writer = false
      this.drain()
    }
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiter
      if (next.mode === 'read') {
        if (this.writer) return
        this.readers++
      } else {
        if (this.writer || this.readers > 0) return
        this.writer = true
      }
      this.queue.shift()
      next.grant()
    }
  }
}
