// A scripted agent that speaks the protocol (ops in, events out) for the MCP server tests. What
// it does depends on the prompt: "run <cmd>" asks exec approval, "patch <file>" asks patch
// approval, "wait" runs until interrupted, "fail" aborts with an error, anything else answers.
import type { Event, EventMsg, Op } from '@agent/protocol'
import type { AgentSessionHandle, AgentSessionPort, StartSessionOptions } from '../src/index.js'

class EventQueue {
  private items: Event[] = []
  private waiters: ((r: IteratorResult<Event>) => void)[] = []
  private done = false
  push(event: Event) {
    const waiter = this.waiters.shift()
    if (waiter) waiter({ value: event, done: false })
    else this.items.push(event)
  }
  end() {
    this.done = true
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true })
  }
  async *iterate(): AsyncGenerator<Event> {
    for (;;) {
      const item = this.items.shift()
      if (item) {
        yield item
        continue
      }
      if (this.done) return
      const next = await new Promise<IteratorResult<Event>>((resolve) => this.waiters.push(resolve))
      if (next.done) return
      yield next.value
    }
  }
}

export class FakeSession implements AgentSessionHandle {
  readonly ops: Op[] = []
  private readonly queue = new EventQueue()
  private submissions = 0
  private answer: ((op: Op) => void) | undefined
  private interrupted: (() => void) | undefined
  shutdownCalled = false

  constructor(
    readonly threadId: string,
    readonly options: StartSessionOptions,
  ) {}

  private emit(id: string, msg: EventMsg) {
    this.queue.push({ id, msg })
  }

  events(): AsyncIterable<Event> {
    return this.queue.iterate()
  }

  submit(op: Op): string {
    this.ops.push(op)
    const id = `s${++this.submissions}`
    if (op.type === 'user_input') {
      const text = op.items.map((i) => (i.type === 'text' ? i.text : '')).join(' ')
      void this.turn(id, text)
    } else if (op.type === 'exec_approval' || op.type === 'patch_approval') {
      this.answer?.(op)
    } else if (op.type === 'interrupt') {
      this.interrupted?.()
    }
    return id
  }

  private async turn(id: string, prompt: string) {
    this.emit(id, { type: 'turn_started', turn_id: id })
    this.emit(id, { type: 'user_message', message: prompt })
    if (prompt.startsWith('run ') || prompt.startsWith('patch ')) {
      const answered = new Promise<Op>((resolve) => {
        this.answer = resolve
      })
      if (prompt.startsWith('run ')) {
        this.emit(id, {
          type: 'exec_approval_request',
          call_id: `call-${id}`,
          command: prompt.slice(4).split(' '),
          cwd: this.options.cwd ?? '/work',
          reason: 'needs to write outside the sandbox',
        })
      } else {
        this.emit(id, {
          type: 'apply_patch_approval_request',
          call_id: `call-${id}`,
          changes: { [prompt.slice(6)]: { type: 'add', content: 'hello\n' } },
        })
      }
      const op = await answered
      const decision = op.type === 'exec_approval' || op.type === 'patch_approval' ? op.decision : 'none'
      const feedback = 'feedback' in op && op.feedback ? ` (${op.feedback})` : ''
      const message = `${op.type} ${decision}${feedback}`
      this.emit(id, { type: 'agent_message', message })
      this.emit(id, { type: 'turn_complete', turn_id: id, last_agent_message: message })
      return
    }
    if (prompt === 'wait') {
      await new Promise<void>((resolve) => {
        this.interrupted = resolve
      })
      this.emit(id, { type: 'turn_aborted', turn_id: id, reason: 'interrupted' })
      return
    }
    if (prompt === 'fail') {
      this.emit(id, { type: 'error', message: 'model_error: the model is unavailable', kind: 'model_error' })
      this.emit(id, { type: 'turn_aborted', turn_id: id, reason: 'error' })
      return
    }
    if (prompt === 'quit') {
      this.emit(id, { type: 'shutdown_complete' })
      this.queue.end()
      return
    }
    const settings = `model=${this.options.model ?? 'default'} sandbox=${this.options.sandbox ?? 'default'}`
    const message = `You said "${prompt}" (turn ${this.submissions}, ${settings})`
    this.emit(id, { type: 'agent_message', message })
    this.emit(id, { type: 'turn_complete', turn_id: id, last_agent_message: message })
  }

  async shutdown() {
    this.shutdownCalled = true
    this.queue.end()
  }
}

export class FakeAgent implements AgentSessionPort {
  readonly sessions: FakeSession[] = []
  async startSession(options: StartSessionOptions): Promise<FakeSession> {
    if (options.prompt === 'refuse to start') throw new Error('no model configured')
    const session = new FakeSession(`thread-${this.sessions.length + 1}`, options)
    this.sessions.push(session)
    session.submit({ type: 'user_input', items: [{ type: 'text', text: options.prompt }] })
    return session
  }
}
