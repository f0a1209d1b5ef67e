// One conversation: composed on its first turn (so `id` is null until then, as in the Codex SDK),
// then kept alive in this process between turns. A turn is driven over the queue pair: the
// prompt goes in, core events come out, mapped to `ThreadEvent`s; approvals are answered by
// `onApproval` (or denied, like `agent exec`); an aborted signal interrupts the turn.
import { resolve } from 'node:path'
import type { Agent } from '@agent/core'
import type { Event, EventMsg, ThreadEvent as ExecEvent, UserInput as ProtocolInput } from '@agent/protocol'
import { UsageError } from '../config/errors.js'
import type { Runtime } from '../runtime/compose.js'
import { ThreadEventMapper } from '../thread/thread-events.js'
import { TurnAbortedError, TurnFailedError } from './errors.js'
import { toThreadEvent } from './items.js'
import type {
  ApprovalAnswer,
  ApprovalRequest,
  Input,
  StreamedTurn,
  ThreadEvent,
  ThreadItem,
  ThreadOptions,
  Turn,
  TurnOptions,
  Usage,
} from './types.js'

/** What a thread needs from its client. */
export interface ThreadHost {
  compose(options: ThreadOptions, resumeId: string | undefined): Promise<Runtime>
  onApproval?: ((request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>) | undefined
}

type ApprovalMsg = Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>

const NON_INTERACTIVE =
  'nobody can approve this: the agent runs embedded without an approval callback, so approval requests are denied. ' +
  'Work within the sandbox and the approval policy, or explain what you need and stop.'

export class Thread {
  private _id: string | null
  private readonly cwd: string
  private runtime: Promise<Runtime> | undefined
  private running = false
  private closed = false

  /** @internal */
  constructor(
    private readonly host: ThreadHost,
    private readonly options: ThreadOptions,
    private readonly resumeId?: string,
  ) {
    this._id = resumeId ?? null
    this.cwd = resolve(options.workingDirectory ?? process.cwd())
  }

  /** The thread's id (the session id), set once the first turn has started. */
  get id(): string | null {
    return this._id
  }

  /** The underlying queue-pair agent (composed now if no turn ran yet). Read its events only between turns. */
  async agent(): Promise<Agent> {
    return (await this.ensureRuntime()).agent
  }

  /** Provides the input to the agent and streams events as they are produced during the turn. */
  async runStreamed(input: Input, turnOptions: TurnOptions = {}): Promise<StreamedTurn> {
    return { events: this.runTurn(input, turnOptions) }
  }

  /** Provides the input to the agent and returns the completed turn; rejects when it fails. */
  async run(input: Input, turnOptions: TurnOptions = {}): Promise<Turn> {
    const items: ThreadItem[] = []
    let finalResponse = ''
    let usage: Usage | null = null
    for await (const event of this.runTurn(input, turnOptions)) {
      if (event.type === 'item.completed') {
        if (event.item.type === 'agent_message') finalResponse = event.item.text
        items.push(event.item)
      } else if (event.type === 'turn.completed') {
        usage = event.usage
      } else if (event.type === 'turn.failed') {
        throw new TurnFailedError(event.error.message)
      }
    }
    return { items, finalResponse, usage }
  }

  /** Shuts the agent down (rollout flushed, processes and MCP servers closed). */
  async close(): Promise<void> {
    this.closed = true
    const runtime = this.runtime
    this.runtime = undefined
    if (runtime) await (await runtime.catch(() => undefined))?.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  private ensureRuntime(): Promise<Runtime> {
    if (this.closed) return Promise.reject(new UsageError('this thread was closed'))
    if (!this.runtime) {
      const composing = this.host.compose(this.options, this.resumeId)
      this.runtime = composing
      // A failed composition is not kept: the next turn tries again.
      composing.catch(() => {
        if (this.runtime === composing) this.runtime = undefined
      })
    }
    return this.runtime
  }

  private async *runTurn(input: Input, turnOptions: TurnOptions): AsyncGenerator<ThreadEvent> {
    if (this.running) throw new UsageError('a turn is already running on this thread: await it first')
    if (turnOptions.cyberAccessProgram !== undefined)
      throw new UsageError('cyberAccessProgram: an OpenAI-only Codex option; this runtime has none')
    const outputSchema = checkOutputSchema(turnOptions.outputSchema)
    const signal = turnOptions.signal
    if (signal?.aborted) throw abortError(signal)
    this.running = true
    try {
      const runtime = await this.ensureRuntime()
      const { agent } = runtime
      this._id = agent.sessionId
      yield { type: 'thread.started', thread_id: agent.sessionId }
      yield* this.drive(runtime, toProtocolInput(input, this.cwd), outputSchema, signal)
    } finally {
      this.running = false
    }
  }

  private async *drive(
    runtime: Runtime,
    items: ProtocolInput[],
    outputSchema: Record<string, unknown> | undefined,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ThreadEvent> {
    const { agent } = runtime
    const mapper = new ThreadEventMapper()
    const usage = emptyUsage()
    let aborted = false
    let failure: string | undefined
    let ended = false
    const interrupt = () => {
      aborted = true
      void agent.submit({ type: 'interrupt' })
    }
    const subId = await agent.submit({
      type: 'user_input',
      items,
      ...(outputSchema ? { output_schema: outputSchema } : {}),
    })
    signal?.addEventListener('abort', interrupt, { once: true })
    try {
      for (;;) {
        const event: Event = await agent.nextEvent()
        const msg = event.msg
        if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') {
          await this.answerApproval(agent, msg)
        } else if (msg.type === 'mcp_startup_complete') {
          const required = msg.failed.filter((f) => runtime.requiredMcpServers.has(f.server))
          if (required.length > 0) {
            failure = required
              .map((f) => `required MCP server ${f.server} failed to start: ${f.error}`)
              .join('\n')
            await agent.submit({ type: 'interrupt' })
          }
        } else if (msg.type === 'token_count' && event.id === subId) {
          const last = msg.info?.last_token_usage
          if (last) addUsage(usage, last)
        } else if (msg.type === 'shutdown_complete') {
          ended = true
          signal?.removeEventListener('abort', interrupt)
          yield {
            type: 'turn.failed',
            error: { message: failure ?? 'the agent shut down before the turn ended' },
          }
          return
        }
        const turnEnd = (msg.type === 'turn_complete' || msg.type === 'turn_aborted') && event.id === subId
        // Set before yielding: a consumer that stops at the last event must not wait for another.
        if (turnEnd) ended = true
        if (turnEnd && aborted && signal?.aborted) throw abortError(signal)
        for (const line of mapper.map(event)) {
          const out = this.convert(line, usage, failure)
          if (out) yield out
        }
        if (turnEnd) return
      }
    } finally {
      signal?.removeEventListener('abort', interrupt)
      // The consumer stopped reading mid-turn: end the turn so the thread can run the next one.
      if (!ended) await drainTurn(agent, subId)
    }
  }

  private convert(line: ExecEvent, usage: Usage, failure: string | undefined): ThreadEvent | undefined {
    switch (line.type) {
      case 'thread.started':
        return undefined // yielded at the start of every turn instead
      case 'turn.started':
        return line
      case 'turn.completed':
        return failure
          ? { type: 'turn.failed', error: { message: failure } }
          : { type: 'turn.completed', usage: { ...usage } }
      case 'turn.failed':
        return { type: 'turn.failed', error: { message: failure ?? line.error.message } }
      default:
        return toThreadEvent(line)
    }
  }

  private async answerApproval(agent: Agent, msg: ApprovalMsg): Promise<void> {
    const type = msg.type === 'exec_approval_request' ? 'exec_approval' : 'patch_approval'
    const onApproval = this.host.onApproval
    if (!onApproval) {
      await agent.submit({ type, id: msg.call_id, decision: 'denied', feedback: NON_INTERACTIVE })
      return
    }
    let answer: ApprovalAnswer
    try {
      answer = await onApproval(approvalRequest(msg))
    } catch (error) {
      answer = {
        decision: 'denied',
        feedback: `the approval callback failed: ${(error as Error)?.message ?? error}`,
      }
    }
    const { decision, feedback, prefix } = typeof answer === 'string' ? { decision: answer } : answer
    await agent.submit({
      type,
      id: msg.call_id,
      decision,
      ...(feedback ? { feedback } : {}),
      ...(prefix && type === 'exec_approval' ? { prefix } : {}),
    })
  }
}

function approvalRequest(msg: ApprovalMsg): ApprovalRequest {
  if (msg.type === 'exec_approval_request') {
    return {
      type: 'command',
      callId: msg.call_id,
      command: msg.command,
      cwd: msg.cwd,
      ...(msg.reason ? { reason: msg.reason } : {}),
      ...(msg.proposed_prefix ? { proposedPrefix: msg.proposed_prefix } : {}),
      ...(msg.retry_without_sandbox ? { retryWithoutSandbox: true } : {}),
    }
  }
  return {
    type: 'patch',
    callId: msg.call_id,
    changes: msg.changes,
    ...(msg.reason ? { reason: msg.reason } : {}),
    ...(msg.grant_root ? { grantRoot: msg.grant_root } : {}),
  }
}

/** Reads events until the turn `subId` has ended, interrupting it first. */
async function drainTurn(agent: Agent, subId: string): Promise<void> {
  await agent.submit({ type: 'interrupt' }).catch(() => undefined)
  for (;;) {
    let event: Event
    try {
      event = await agent.nextEvent()
    } catch {
      return
    }
    const type = event.msg.type
    if (type === 'shutdown_complete') return
    if ((type === 'turn_complete' || type === 'turn_aborted') && event.id === subId) return
  }
}

function toProtocolInput(input: Input, cwd: string): ProtocolInput[] {
  if (typeof input === 'string') return [{ type: 'text', text: input }]
  if (!Array.isArray(input) || input.length === 0)
    throw new UsageError(
      'input: a string, or an array of { type: "text", text } and { type: "local_image", path }',
    )
  // Text parts are joined into one, as the Codex SDK does; images follow.
  const texts: string[] = []
  const images: ProtocolInput[] = []
  for (const [i, part] of input.entries()) {
    if (part?.type === 'text' && typeof part.text === 'string') texts.push(part.text)
    else if (part?.type === 'local_image' && typeof part.path === 'string')
      images.push({ type: 'local_image', path: resolve(cwd, part.path) })
    else throw new UsageError(`input[${i}]: expected { type: "text", text } or { type: "local_image", path }`)
  }
  return [...(texts.length > 0 ? [{ type: 'text' as const, text: texts.join('\n\n') }] : []), ...images]
}

function checkOutputSchema(schema: unknown): Record<string, unknown> | undefined {
  if (schema === undefined) return undefined
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new UsageError('outputSchema must be a plain JSON object (a JSON Schema)')
  return schema as Record<string, unknown>
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason
  if (reason instanceof Error && reason.name === 'AbortError') return reason
  return new TurnAbortedError(reason instanceof Error ? reason.message : 'the turn was aborted')
}

function emptyUsage(): Usage {
  return {
    input_tokens: 0,
    cached_input_tokens: 0,
    cache_write_input_tokens: 0,
    output_tokens: 0,
    reasoning_output_tokens: 0,
  }
}

function addUsage(
  usage: Usage,
  last: {
    input_tokens: number
    cached_input_tokens: number
    output_tokens: number
    reasoning_output_tokens: number
  },
): void {
  usage.input_tokens += last.input_tokens
  usage.cached_input_tokens += last.cached_input_tokens
  usage.output_tokens += last.output_tokens
  usage.reasoning_output_tokens += last.reasoning_output_tokens
}
