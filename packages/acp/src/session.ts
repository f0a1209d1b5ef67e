// One ACP session over one agent connection: reads the agent's events and turns them into
// session/update notifications, runs prompts (one turn at a time), asks the client for
// approvals, and switches modes and models. A prompt sent while a turn runs waits for it (a
// queue); `_session/steering` joins the running turn instead.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Event, EventMsg, EventMsgOf, ResponseItem, UserInput } from '@agent/protocol'
import {
  type AgentContext,
  type ContentBlock,
  type PermissionOption,
  RequestError,
  type SessionConfigOption,
  type SessionUpdate,
  type StopReason,
  type ToolCall,
} from '@agentclientprotocol/sdk'
import type { OpenedSession, ReviewRequest, SessionCommand } from './host.js'
import { findMode, MODES, type ModeId } from './modes.js'
import { promptText, promptToInput } from './prompt.js'
import { replayHistory } from './replay.js'
import {
  commandCall,
  commandEnded,
  genericCall,
  genericEnded,
  mcpCall,
  mcpEnded,
  OutputStreamer,
  patchCall,
  patchEnded,
  textContent,
  webSearchCall,
  webSearchEnded,
} from './tool-calls.js'

/** Slash commands the server carries out itself, through ops. */
export const BUILTIN_COMMANDS: readonly SessionCommand[] = [
  { name: 'compact', description: 'summarise the conversation to free context' },
  { name: 'undo', description: 'revert the file changes of the last turn' },
]

/** Built-ins that need the host: offered when it provides them. */
const REVIEW_COMMAND: SessionCommand = {
  name: 'review',
  description:
    'review the uncommitted changes (or a commit, or this branch against a base) and list findings',
  hint: '[--base BRANCH | --commit SHA] [what to focus on]',
}
const INIT_COMMAND: SessionCommand = {
  name: 'init',
  description: 'have the agent write an AGENTS.md for this repository',
  hint: '[force]',
}

type Pending =
  | {
      kind: 'turn'
      /** The submission whose turn this is (set once submitted). */
      id?: string
      resolve(stop: StopReason): void
      reject(error: Error): void
      failure?: string
      /** A review turn: its JSON answer is shown through this, not streamed. */
      review?: ReviewRequest
    }
  | { kind: 'op'; id?: string; resolve(stop: StopReason): void; reject(error: Error): void }

/** What `_session/steering` answers (the extension claude-agent-acp and codex-acp ship). */
export type SteeringOutcome = { outcome: 'injected' } | { outcome: 'promptRequired'; reason: 'noRunningTurn' }

export class AcpSession {
  readonly id: string
  private modeId: ModeId
  private model: string
  private pending: Pending | undefined
  private readonly permissions = new Map<string, AbortController>()
  private readonly announced = new Set<string>()
  private streamedMessage = false
  private streamedThought = false
  private readonly configured: Promise<EventMsgOf<'session_configured'>>
  private resolveConfigured!: (msg: EventMsgOf<'session_configured'>) => void
  private closed = false
  /** A prompt is being prepared (expanded) or runs: later prompts wait in `queued`. */
  private busy = false
  private readonly queued: {
    blocks: ContentBlock[]
    resolve(stop: StopReason): void
    reject(e: Error): void
  }[] = []
  /** Steering submitted to the running turn (a turn of its own if that turn ended first). */
  private readonly steerIds = new Set<string>()
  /** Calls shown from tool_call_begin (no command or patch events of their own). */
  private readonly generic = new Set<string>()
  private mcpCommands: SessionCommand[] = []
  private readonly streamer: OutputStreamer

  constructor(
    private readonly opened: OpenedSession,
    private readonly client: AgentContext,
    mode: ModeId,
    private readonly log: (line: string) => void,
    private readonly cwd: string,
  ) {
    this.streamer = new OutputStreamer((update) => {
      void this.update({ sessionUpdate: 'tool_call_update', ...update }).catch(() => undefined)
    })
    this.id = opened.id
    this.modeId = mode
    this.model = opened.model
    this.configured = new Promise((resolve) => {
      this.resolveConfigured = resolve
    })
    void this.pump()
  }

  /** The history a resumed session starts with (from its session_configured event). */
  async history(): Promise<ResponseItem[]> {
    return (await this.configured).initial_messages ?? []
  }

  get modeState() {
    return {
      currentModeId: this.modeId,
      availableModes: MODES.map(({ id, name, description }) => ({ id, name, description })),
    }
  }

  get configOptions(): SessionConfigOption[] {
    return [
      {
        id: 'mode',
        name: 'Approvals',
        category: 'mode',
        type: 'select',
        currentValue: this.modeId,
        options: MODES.map(({ id, name, description }) => ({ value: id, name, description })),
      },
      {
        id: 'model',
        name: 'Model',
        category: 'model',
        type: 'select',
        currentValue: this.model,
        options: [...new Set([this.model, ...this.opened.models])].map((id) => ({ value: id, name: id })),
      },
    ]
  }

  async update(update: SessionUpdate): Promise<void> {
    if (this.closed) return
    await this.client.notify('session/update', { sessionId: this.id, update })
  }

  async replay(): Promise<void> {
    for (const update of replayHistory(await this.history())) await this.update(update)
  }

  /** The built-ins this session offers (review and init when the host provides them). */
  private get builtins(): SessionCommand[] {
    return [
      ...BUILTIN_COMMANDS,
      ...(this.opened.prepareReview ? [REVIEW_COMMAND] : []),
      ...(this.opened.initPrompt ? [INIT_COMMAND] : []),
    ]
  }

  async announceCommands(): Promise<void> {
    const builtins = this.builtins
    const taken = new Set(builtins.map((c) => c.name))
    const commands = [
      ...builtins,
      ...[...this.opened.commands, ...this.mcpCommands].filter((c) => !taken.has(c.name)),
    ]
    await this.update({
      sessionUpdate: 'available_commands_update',
      availableCommands: commands.map((c) => ({
        name: c.name,
        description: c.description,
        ...(c.hint ? { input: { hint: c.hint } } : {}),
      })),
    })
  }

  async setMode(id: string): Promise<void> {
    const mode = findMode(id)
    if (!mode) {
      throw RequestError.invalidParams(
        { modeId: id },
        `unknown mode "${id}"; the modes are ${MODES.map((m) => m.id).join(', ')}`,
      )
    }
    await this.opened.connection.submit({
      type: 'override_turn_context',
      approval_policy: mode.settings.approvalPolicy,
      sandbox_policy: this.opened.sandboxPolicy(mode.settings.sandboxMode),
    })
    this.modeId = mode.id
    await this.update({ sessionUpdate: 'current_mode_update', currentModeId: mode.id })
  }

  async setModel(model: string): Promise<void> {
    if (!model.trim()) throw RequestError.invalidParams({ modelId: model }, 'the model name is empty')
    await this.opened.connection.submit({ type: 'override_turn_context', model })
    this.model = model
  }

  /**
   * session/prompt. While another prompt runs, this one waits for it (in order) and then runs
   * as its own turn; session/cancel cancels the waiting ones too.
   */
  prompt(blocks: ContentBlock[]): Promise<StopReason> {
    if (this.busy || this.pending) {
      return new Promise((resolve, reject) => this.queued.push({ blocks, resolve, reject }))
    }
    return this.start(blocks)
  }

  /** `_session/steering`: the prompt joins the running turn at its next model request. */
  async steer(blocks: ContentBlock[]): Promise<SteeringOutcome> {
    const pending = this.pending
    if (pending?.kind !== 'turn' || pending.review)
      return { outcome: 'promptRequired', reason: 'noRunningTurn' }
    const id = await this.opened.connection.submit({
      type: 'user_input',
      items: promptToInput(blocks),
      steer: true,
    })
    this.steerIds.add(id)
    return { outcome: 'injected' }
  }

  private async start(blocks: ContentBlock[]): Promise<StopReason> {
    this.busy = true
    try {
      const text = promptText(blocks).trim()
      const slash = /^\/([\w:.-]+)(?:\s+([\s\S]*))?$/.exec(text)
      const name = slash?.[1]
      const args = slash?.[2]?.trim() ?? ''
      const builtin = name !== undefined && BUILTIN_COMMANDS.find((c) => c.name === name)
      if (builtin) return await this.runOp(builtin.name as 'compact' | 'undo')
      if (name === 'review' && this.opened.prepareReview) return await this.review(args)
      if (name === 'init' && this.opened.initPrompt) {
        const refusal = this.initRefusal(args)
        if (refusal) return await this.say(refusal)
        return await this.runTurn([{ type: 'text', text: await this.opened.initPrompt() }])
      }
      let input = promptToInput(blocks)
      if (name !== undefined && [...this.opened.commands, ...this.mcpCommands].some((c) => c.name === name)) {
        const expanded = await this.opened.expandCommand(text)
        input = [{ type: 'text', text: expanded }, ...input.filter((item) => item.type !== 'text')]
      }
      return await this.runTurn(input)
    } finally {
      this.busy = false
      if (!this.pending) this.next()
    }
  }

  /** Starts the next waiting prompt, if any. */
  private next(): void {
    if (this.busy || this.pending || this.closed) return
    const waiting = this.queued.shift()
    if (!waiting) return
    this.start(waiting.blocks).then(waiting.resolve, waiting.reject)
  }

  /** A message that answers the prompt by itself (no turn). */
  private async say(text: string): Promise<StopReason> {
    await this.update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } })
    return 'end_turn'
  }

  private initRefusal(args: string): string | undefined {
    if (args !== '' && args !== 'force') return 'Usage: /init [force]'
    const target = join(this.cwd, 'AGENTS.md')
    if (args !== 'force' && existsSync(target))
      return `${target} already exists: \`/init force\` has the agent rewrite it (it is replaced).`
    return undefined
  }

  private async review(args: string): Promise<StopReason> {
    let review: ReviewRequest
    try {
      review = await (this.opened.prepareReview as (a: string) => Promise<ReviewRequest>)(args)
    } catch (error) {
      return this.say(`Cannot review: ${(error as Error).message}`)
    }
    return this.runTurn([{ type: 'text', text: review.prompt }], review)
  }

  private async runTurn(input: UserInput[], review?: ReviewRequest): Promise<StopReason> {
    const pending: Extract<Pending, { kind: 'turn' }> = {
      kind: 'turn',
      resolve: () => {},
      reject: () => {},
      ...(review ? { review } : {}),
    }
    const done = new Promise<StopReason>((resolve, reject) => {
      pending.resolve = resolve
      pending.reject = reject
    })
    this.pending = pending
    try {
      pending.id = await this.opened.connection.submit({
        type: 'user_input',
        items: input,
        ...(review ? { output_schema: review.outputSchema } : {}),
      })
    } catch (error) {
      this.pending = undefined
      throw error
    }
    return done
  }

  private async runOp(type: 'compact' | 'undo'): Promise<StopReason> {
    const pending: Pending = { kind: 'op', resolve: () => {}, reject: () => {} }
    const done = new Promise<StopReason>((resolve, reject) => {
      pending.resolve = resolve
      pending.reject = reject
    })
    this.pending = pending
    pending.id = await this.opened.connection.submit({ type })
    return done
  }

  /** session/cancel: the turn stops (its processes killed by the agent), pending approvals end. */
  async cancel(): Promise<void> {
    for (const controller of this.permissions.values()) controller.abort()
    this.permissions.clear()
    for (const waiting of this.queued.splice(0)) waiting.resolve('cancelled')
    if (this.pending?.kind === 'op') this.finish('cancelled')
    if (this.pending) await this.opened.connection.submit({ type: 'interrupt' })
  }

  async close(): Promise<void> {
    await this.cancel().catch(() => undefined)
    this.closed = true
    this.streamer.clear()
    await this.opened.close()
  }

  private finish(stop: StopReason): void {
    const pending = this.pending
    this.pending = undefined
    pending?.resolve(stop)
    this.next()
  }

  private fail(message: string): void {
    const pending = this.pending
    this.pending = undefined
    pending?.reject(RequestError.internalError(undefined, message))
    if (this.closed) {
      for (const waiting of this.queued.splice(0))
        waiting.reject(RequestError.internalError(undefined, message))
    } else this.next()
  }

  /** A review turn's answer is JSON: it is shown formatted when the turn ends, not streamed. */
  private get reviewing(): boolean {
    return this.pending?.kind === 'turn' && this.pending.review !== undefined
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.opened.connection.events()) await this.handle(event)
    } catch (error) {
      this.log(`session ${this.id}: ${(error as Error).message}`)
    }
    this.closed = true
    this.fail('the agent shut down before the turn ended')
  }

  private async handle(event: Event): Promise<void> {
    const msg = event.msg
    switch (msg.type) {
      case 'session_configured':
        this.resolveConfigured(msg)
        return
      case 'agent_message_delta':
        if (this.reviewing) return
        this.streamedMessage = true
        return this.update({
          sessionUpdate: 'agent_message_chunk',
          content: { type: 'text', text: msg.delta },
        })
      case 'agent_message':
        if (this.reviewing) return
        if (!this.streamedMessage)
          await this.update({
            sessionUpdate: 'agent_message_chunk',
            content: { type: 'text', text: msg.message },
          })
        this.streamedMessage = false
        return
      case 'agent_reasoning_delta':
        this.streamedThought = true
        return this.update({
          sessionUpdate: 'agent_thought_chunk',
          content: { type: 'text', text: msg.delta },
        })
      case 'agent_reasoning':
        if (!this.streamedThought)
          await this.update({
            sessionUpdate: 'agent_thought_chunk',
            content: { type: 'text', text: msg.text },
          })
        this.streamedThought = false
        return
      case 'exec_approval_request':
        // A generic call asking (WebFetch outside the allowlist...) keeps its title and kind.
        if (this.generic.has(msg.call_id))
          await this.update({ sessionUpdate: 'tool_call_update', toolCallId: msg.call_id, status: 'pending' })
        else await this.announce(subagentTitled(commandCall(msg, 'pending'), msg.subagent))
        this.askPermission(msg)
        return
      case 'apply_patch_approval_request':
        await this.announce(subagentTitled(patchCall(msg, 'pending'), msg.subagent))
        this.askPermission(msg)
        return
      case 'exec_command_begin':
        return this.announce(commandCall(msg, 'in_progress'))
      case 'exec_command_output_delta':
        this.streamer.add(msg.call_id, msg.chunk)
        return
      case 'exec_command_end':
        this.streamer.end(msg.call_id)
        return this.update({ sessionUpdate: 'tool_call_update', ...commandEnded(msg) })
      case 'patch_apply_begin':
        return this.announce(patchCall(msg, 'in_progress'))
      case 'patch_apply_end':
        return this.update({ sessionUpdate: 'tool_call_update', ...patchEnded(msg) })
      case 'mcp_tool_call_begin':
        return this.announce(mcpCall(msg))
      case 'mcp_tool_call_end':
        return this.update({ sessionUpdate: 'tool_call_update', ...mcpEnded(msg) })
      case 'tool_call_begin':
        this.generic.add(msg.call_id)
        return this.announce(genericCall(msg, this.cwd))
      case 'tool_call_end':
        this.generic.delete(msg.call_id)
        return this.update({ sessionUpdate: 'tool_call_update', ...genericEnded(msg) })
      case 'mcp_startup_complete':
        return this.refreshMcpCommands()
      case 'turn_started':
        // Steering that missed its turn runs as a turn of its own: it holds the queue.
        if (!this.pending && this.steerIds.has(event.id))
          this.pending = { kind: 'turn', id: event.id, resolve: () => {}, reject: () => {} }
        return
      case 'web_search_begin':
        return this.announce(webSearchCall(msg))
      case 'web_search_end':
        // A provider that sent no start for it still gets its call announced before the update.
        if (!this.announced.has(msg.call_id))
          await this.announce(
            webSearchCall({ type: 'web_search_begin', call_id: msg.call_id, query: msg.query }),
          )
        return this.update({ sessionUpdate: 'tool_call_update', ...webSearchEnded(msg) })
      case 'plan_update':
        return this.update({
          sessionUpdate: 'plan',
          entries: msg.plan.map((item) => ({ content: item.step, status: item.status, priority: 'medium' })),
        })
      case 'warning':
      case 'stream_error':
      case 'background_event':
        this.log(`session ${this.id}: ${msg.message}`)
        if (this.pending?.kind === 'op' && this.pending.id === event.id) {
          await this.update({
            sessionUpdate: 'agent_message_chunk',
            content: { type: 'text', text: msg.message },
          })
          this.finish('end_turn')
        }
        return
      default:
        return this.handleTurnEnd(event.id, msg)
    }
  }

  private async refreshMcpCommands(): Promise<void> {
    if (!this.opened.mcpCommands) return
    try {
      this.mcpCommands = await this.opened.mcpCommands()
    } catch (error) {
      this.log(`session ${this.id}: listing MCP prompts failed: ${(error as Error).message}`)
      return
    }
    await this.announceCommands()
  }

  private async handleTurnEnd(id: string, msg: EventMsg): Promise<void> {
    if (msg.type === 'turn_complete' || msg.type === 'turn_aborted') this.steerIds.delete(id)
    const pending = this.pending
    if (!pending) return
    // Another submission's turn (steering that became a turn of its own) ends: not this prompt's.
    if (pending.kind === 'turn' && pending.id !== undefined && pending.id !== id) return
    if (pending.kind === 'op') {
      if (pending.id !== id) return
      if (msg.type === 'context_compacted') {
        await this.update({
          sessionUpdate: 'agent_message_chunk',
          content: { type: 'text', text: 'The conversation was summarised to free context.' },
        })
        this.finish('end_turn')
      } else if (msg.type === 'undo_completed') {
        const text =
          msg.message ?? (msg.success ? 'The last turn’s file changes were reverted.' : 'Undo failed.')
        await this.update({ sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } })
        this.finish('end_turn')
      }
      return
    }
    if (msg.type === 'error') {
      if (msg.kind === 'max_turns') pending.failure = 'max_turns'
      else pending.failure = msg.message
    } else if (msg.type === 'turn_complete') {
      if (pending.failure === 'max_turns') return this.finish('max_turn_requests')
      if (pending.review) {
        const answer = msg.last_agent_message
        await this.update({
          sessionUpdate: 'agent_message_chunk',
          content: {
            type: 'text',
            text: answer ? pending.review.present(answer) : 'The review ended without an answer.',
          },
        })
      }
      const reason = msg.stop_reason
      this.finish(
        reason === 'max_tokens'
          ? 'max_tokens'
          : reason === 'refusal' || reason === 'content_filter'
            ? 'refusal'
            : 'end_turn',
      )
    } else if (msg.type === 'turn_aborted') {
      if (msg.reason === 'error') this.fail(pending.failure ?? 'the turn failed')
      else this.finish('cancelled')
    }
  }

  /** A tool call the client has not seen yet is announced; one it has, updated. */
  private async announce(call: ToolCall) {
    if (this.announced.has(call.toolCallId)) {
      const { toolCallId, status, title, kind, content, locations, rawInput } = call
      await this.update({
        sessionUpdate: 'tool_call_update',
        toolCallId,
        ...(status ? { status } : {}),
        title,
        ...(kind ? { kind } : {}),
        ...(content ? { content } : {}),
        ...(locations ? { locations } : {}),
        rawInput,
      })
      return
    }
    this.announced.add(call.toolCallId)
    await this.update({ sessionUpdate: 'tool_call', ...call })
  }

  private askPermission(
    msg: EventMsgOf<'exec_approval_request'> | EventMsgOf<'apply_patch_approval_request'>,
  ) {
    const isExec = msg.type === 'exec_approval_request'
    const prefix = isExec ? msg.proposed_prefix : undefined
    const options: PermissionOption[] = [
      { optionId: 'approved', name: 'Allow once', kind: 'allow_once' },
      {
        optionId: 'approved_for_session',
        name: prefix
          ? `Always allow \`${prefix.join(' ')}\` commands in this session`
          : isExec
            ? 'Always allow this command in this session'
            : 'Allow edits like this for the rest of the session',
        kind: 'allow_always',
      },
      { optionId: 'denied', name: 'Reject', kind: 'reject_once' },
    ]
    const controller = new AbortController()
    this.permissions.set(msg.call_id, controller)
    const answer = async () => {
      const response = await this.client.request(
        'session/request_permission',
        {
          sessionId: this.id,
          toolCall: msg.subagent
            ? { toolCallId: msg.call_id, title: subagentTitled({ title: title(msg) }, msg.subagent).title }
            : { toolCallId: msg.call_id },
          options,
        },
        { cancellationSignal: controller.signal, stopWaitingOnCancel: true },
      )
      this.permissions.delete(msg.call_id)
      const outcome = response.outcome
      const decision =
        outcome.outcome === 'cancelled'
          ? 'abort'
          : outcome.optionId === 'approved' || outcome.optionId === 'approved_for_session'
            ? outcome.optionId
            : 'denied'
      await this.opened.connection.submit(
        isExec
          ? {
              type: 'exec_approval',
              id: msg.call_id,
              decision,
              ...(decision === 'approved_for_session' && prefix ? { prefix } : {}),
            }
          : { type: 'patch_approval', id: msg.call_id, decision },
      )
      if ((decision === 'approved' || decision === 'approved_for_session') && this.generic.has(msg.call_id))
        await this.update({
          sessionUpdate: 'tool_call_update',
          toolCallId: msg.call_id,
          status: 'in_progress',
        })
      if (decision === 'denied' || decision === 'abort') {
        await this.update({
          sessionUpdate: 'tool_call_update',
          toolCallId: msg.call_id,
          status: 'failed',
          content: [textContent(decision === 'denied' ? 'Rejected.' : 'Cancelled.')],
        })
      }
    }
    answer().catch((error: Error) => {
      this.permissions.delete(msg.call_id)
      if (controller.signal.aborted) return // the turn was cancelled: the interrupt ends the call
      this.log(`session ${this.id}: permission request failed: ${error.message}; rejecting the call`)
      void this.opened.connection
        .submit(
          isExec
            ? { type: 'exec_approval', id: msg.call_id, decision: 'denied' }
            : { type: 'patch_approval', id: msg.call_id, decision: 'denied' },
        )
        .catch(() => undefined)
    })
  }
}

/** A subagent's request says which subagent asks, in the title the client shows. */
function subagentTitled<T extends { title: string }>(call: T, subagent: string | undefined): T {
  return subagent ? { ...call, title: `${subagent} (subagent): ${call.title}` } : call
}

function title(
  msg: EventMsgOf<'exec_approval_request'> | EventMsgOf<'apply_patch_approval_request'>,
): string {
  return msg.type === 'exec_approval_request'
    ? commandCall(msg, 'pending').title
    : patchCall(msg, 'pending').title
}
