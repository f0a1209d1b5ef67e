// One ACP session over one agent connection: reads the agent's events and turns them into
// session/update notifications, runs prompts (one turn at a time), asks the client for
// approvals, and switches modes and models.
import type { Event, EventMsg, EventMsgOf, ResponseItem } from '@agent/protocol'
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
import type { OpenedSession, SessionCommand } from './host.js'
import { findMode, MODES, type ModeId } from './modes.js'
import { promptText, promptToInput } from './prompt.js'
import { replayHistory } from './replay.js'
import {
  commandCall,
  commandEnded,
  mcpCall,
  mcpEnded,
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

type Pending =
  | { kind: 'turn'; resolve(stop: StopReason): void; reject(error: Error): void; failure?: string }
  | { kind: 'op'; id?: string; resolve(stop: StopReason): void; reject(error: Error): void }

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

  constructor(
    private readonly opened: OpenedSession,
    private readonly client: AgentContext,
    mode: ModeId,
    private readonly log: (line: string) => void,
  ) {
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

  async announceCommands(): Promise<void> {
    const taken = new Set(BUILTIN_COMMANDS.map((c) => c.name))
    const commands = [...BUILTIN_COMMANDS, ...this.opened.commands.filter((c) => !taken.has(c.name))]
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

  async prompt(blocks: ContentBlock[]): Promise<StopReason> {
    if (this.pending) {
      throw RequestError.invalidRequest(
        { sessionId: this.id },
        'a prompt is already running in this session; wait for it or send session/cancel',
      )
    }
    const text = promptText(blocks).trim()
    const slash = /^\/([\w:.-]+)(?:\s+([\s\S]*))?$/.exec(text)
    const builtin = slash && BUILTIN_COMMANDS.find((c) => c.name === slash[1])
    if (builtin) return this.runOp(builtin.name as 'compact' | 'undo')
    let input = promptToInput(blocks)
    if (slash && this.opened.commands.some((c) => c.name === slash[1])) {
      const expanded = await this.opened.expandCommand(text)
      input = [{ type: 'text', text: expanded }, ...input.filter((item) => item.type !== 'text')]
    }
    const done = new Promise<StopReason>((resolve, reject) => {
      this.pending = { kind: 'turn', resolve, reject }
    })
    try {
      await this.opened.connection.submit({ type: 'user_input', items: input })
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
    if (this.pending?.kind === 'op') this.finish('cancelled')
    if (this.pending) await this.opened.connection.submit({ type: 'interrupt' })
  }

  async close(): Promise<void> {
    await this.cancel().catch(() => undefined)
    this.closed = true
    await this.opened.close()
  }

  private finish(stop: StopReason): void {
    const pending = this.pending
    this.pending = undefined
    pending?.resolve(stop)
  }

  private fail(message: string): void {
    const pending = this.pending
    this.pending = undefined
    pending?.reject(RequestError.internalError(undefined, message))
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
        this.streamedMessage = true
        return this.update({
          sessionUpdate: 'agent_message_chunk',
          content: { type: 'text', text: msg.delta },
        })
      case 'agent_message':
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
        await this.announce(subagentTitled(commandCall(msg, 'pending'), msg.subagent))
        this.askPermission(msg)
        return
      case 'apply_patch_approval_request':
        await this.announce(subagentTitled(patchCall(msg, 'pending'), msg.subagent))
        this.askPermission(msg)
        return
      case 'exec_command_begin':
        return this.announce(commandCall(msg, 'in_progress'))
      case 'exec_command_end':
        return this.update({ sessionUpdate: 'tool_call_update', ...commandEnded(msg) })
      case 'patch_apply_begin':
        return this.announce(patchCall(msg, 'in_progress'))
      case 'patch_apply_end':
        return this.update({ sessionUpdate: 'tool_call_update', ...patchEnded(msg) })
      case 'mcp_tool_call_begin':
        return this.announce(mcpCall(msg))
      case 'mcp_tool_call_end':
        return this.update({ sessionUpdate: 'tool_call_update', ...mcpEnded(msg) })
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

  private async handleTurnEnd(id: string, msg: EventMsg): Promise<void> {
    const pending = this.pending
    if (!pending) return
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
