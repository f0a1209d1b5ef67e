// An in-memory AgentConnection for tests: records submitted ops, and lets a test (or a
// script reacting to ops) emit events.
import type { Event, EventMsg, Op } from '@agent/protocol'
import type { AgentConnection } from '../src/connection.js'

export class FakeConnection implements AgentConnection {
  readonly ops: Op[] = []
  private queue: Event[] = []
  private wake: (() => void) | undefined
  private closed = false
  private seq = 0
  onOp: ((op: Op, id: string) => void) | undefined

  async submit(op: Op): Promise<string> {
    const id = `sub-${++this.seq}`
    this.ops.push(op)
    this.onOp?.(op, id)
    return id
  }

  emit(msg: EventMsg, id = 'ev'): void {
    this.queue.push({ id, msg })
    this.wake?.()
  }

  close(): void {
    this.closed = true
    this.wake?.()
  }

  async *events(): AsyncIterable<Event> {
    for (;;) {
      const next = this.queue.shift()
      if (next) {
        yield next
        continue
      }
      if (this.closed) return
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
      this.wake = undefined
    }
  }
}

export const sessionConfigured = (
  overrides: Partial<Extract<EventMsg, { type: 'session_configured' }>> = {},
): EventMsg => ({
  type: 'session_configured',
  session_id: 'sess-1',
  model: 'test-model',
  cwd: '/tmp/project',
  approval_policy: 'on-request',
  sandbox_policy: { type: 'workspace-write', writable_roots: [], network_access: false },
  ...overrides,
})
