// The transcript's state, folded from protocol events. Events may arrive thousands of times a
// second; listeners are told at most once per frame, so the UI renders at the frame rate no
// matter how fast the model streams.
import type { Event, EventMsg, TokenUsage } from '@agent/protocol'
import { createMarkdownRenderer, type MarkdownLineRenderer } from '../render/markdown.js'
import { sanitize } from '../render/sanitize.js'
import type { Theme } from '../render/theme.js'
import type { ApprovalRequest, Cell } from './cells.js'

export interface StatusInfo {
  model: string
  cwd: string
  sandbox: string
  approval: string
  sessionId?: string | undefined
  totalTokens?: number | undefined
  /** Tokens the last request used (a proxy for the context in use). */
  contextTokens?: number | undefined
  contextWindow?: number | undefined
}

export interface TranscriptSnapshot {
  /** Finished cells, append-only: the UI writes each one to the terminal once. */
  committed: readonly Cell[]
  /** Cells still changing (running commands, MCP calls, patches being applied). */
  live: readonly Cell[]
  /** The unfinished last line of the streaming assistant message, rendered. */
  partialLine: string
  /** The reasoning summary arriving right now, if any. */
  reasoning: string
  approvals: readonly ApprovalRequest[]
  /** Input sent to steer the running turn that the model has not seen yet (oldest first). */
  pendingSteers: readonly { id: string; text: string }[]
  turnRunning: boolean
  /** A short word on what is happening ("Working", "Retrying in 2s (attempt 2)"). */
  activity: string
  status: StatusInfo
  lastDiff?: string | undefined
  /** The most recent finished command (for expanding its output). */
  lastCommand?: Extract<Cell, { kind: 'exec' }> | undefined
  /** MCP servers by name, with their state as the agent reported it at start-up. */
  mcpServers: Readonly<Record<string, string>>
  /** Turns that have ended (completed or aborted) since the UI started. */
  turnsEnded: number
  shutdown: boolean
}

export interface TranscriptStoreOptions {
  theme: Theme
  status: StatusInfo
  /** Minimum time between listener notifications (default 1000/12 ms). 0: next tick. */
  frameMs?: number
  /** Output kept per running command for the live view (default 64 KiB). */
  maxCommandOutput?: number
}

export class TranscriptStore {
  private readonly theme: Theme
  private readonly frameMs: number
  private readonly maxOutput: number
  private committed: Cell[] = []
  private readonly live = new Map<string, Cell>()
  private markdown: MarkdownLineRenderer
  private buffer = ''
  private streamed = false
  private assistantOpen = false
  private reasoning = ''
  private approvals: ApprovalRequest[] = []
  private pendingSteers: { id: string; text: string }[] = []
  /** Set for a `/review` turn: its JSON answer is not shown (the controller shows the findings instead). */
  private hideJsonAnswer = false
  /** Submission ids of recent `user_message` events (a steer's may arrive before it is added). */
  private readonly seenUserMessages: string[] = []
  private turnRunning = false
  private activity = ''
  private status: StatusInfo
  private lastDiff: string | undefined
  private lastCommand: Extract<Cell, { kind: 'exec' }> | undefined
  private shutdown = false
  private turnsEnded = 0
  private mcpServers: Record<string, string> = {}
  private previewLimit = 320
  private snapshot: TranscriptSnapshot
  private dirty = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastNotify = 0
  private readonly listeners = new Set<() => void>()

  constructor(options: TranscriptStoreOptions) {
    this.theme = options.theme
    this.frameMs = options.frameMs ?? 1000 / 12
    this.maxOutput = options.maxCommandOutput ?? 64 * 1024
    this.status = { ...options.status }
    this.markdown = createMarkdownRenderer(this.theme)
    this.snapshot = this.build()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): TranscriptSnapshot => this.snapshot

  /** Builds the snapshot now and tells listeners (used on exit so nothing is left unwritten). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.lastNotify = Date.now()
    if (!this.dirty) return
    this.dirty = false
    this.snapshot = this.build()
    for (const listener of this.listeners) listener()
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  apply(event: Event): void {
    if (event.msg.type === 'user_message') this.userMessageSeen(event.id)
    this.applyMsg(event.msg)
    this.changed()
  }

  /** Shows `text` as waiting until the agent's `user_message` for submission `id` arrives. */
  addSteer(id: string, text: string): void {
    if (this.seenUserMessages.includes(id)) return
    this.pendingSteers.push({ id, text })
    this.changed()
  }

  private userMessageSeen(id: string): void {
    this.pendingSteers = this.pendingSteers.filter((p) => p.id !== id)
    this.seenUserMessages.push(id)
    if (this.seenUserMessages.length > 32) this.seenUserMessages.shift()
  }

  /** Adds a cell written by the UI itself (command results, decisions, help). */
  push(cell: Cell): void {
    this.closeAssistant()
    this.committed.push(cell)
    this.changed()
  }

  /**
   * The running turn's final answer is JSON for the UI to present (`/review`'s findings): agent
   * messages that are JSON are left out of the transcript; other messages (a preamble before a
   * tool call) still show. Lasts until the turn ends.
   */
  hideJsonAnswers(): void {
    this.hideJsonAnswer = true
  }

  /** Removes an answered approval and records the decision in the transcript. */
  resolveApproval(callId: string, summary: string): void {
    this.approvals = this.approvals.filter((a) => a.callId !== callId)
    this.committed.push({ kind: 'notice', level: 'decision', text: summary })
    this.changed()
  }

  /** At most this many characters of the unfinished line are shown (the UI sets it from the width). */
  setPreviewLimit(chars: number): void {
    if (chars === this.previewLimit) return
    this.previewLimit = chars
    this.changed()
  }

  setStatus(patch: Partial<StatusInfo>): void {
    this.status = { ...this.status, ...patch }
    this.changed()
  }

  private changed(): void {
    this.dirty = true
    if (this.timer) return
    if (this.frameMs <= 0) {
      this.timer = setTimeout(() => this.flush(), 0)
      return
    }
    const wait = Math.max(0, this.lastNotify + this.frameMs - Date.now())
    this.timer = setTimeout(() => this.flush(), wait)
  }

  private build(): TranscriptSnapshot {
    // A long line still streaming shows only its end, so the live region never outgrows the screen.
    const shown =
      this.buffer.length > this.previewLimit ? `…${this.buffer.slice(-this.previewLimit)}` : this.buffer
    const partial = shown === '' ? '' : this.markdown.preview(sanitize(shown))
    return {
      committed: this.committed.slice(),
      live: [...this.live.values()],
      partialLine: partial,
      reasoning: this.reasoning,
      approvals: this.approvals.slice(),
      pendingSteers: this.pendingSteers.slice(),
      turnRunning: this.turnRunning,
      activity: this.activity,
      status: { ...this.status },
      lastDiff: this.lastDiff,
      lastCommand: this.lastCommand,
      turnsEnded: this.turnsEnded,
      mcpServers: { ...this.mcpServers },
      shutdown: this.shutdown,
    }
  }

  private commitLines(lines: string[]): void {
    if (lines.length === 0) return
    this.commitReasoning()
    const rendered = lines.map((line) => this.markdown.line(sanitize(line)))
    const last = this.committed.at(-1)
    // Lines of one message that arrive before the UI has taken them are merged into one cell.
    if (
      this.assistantOpen &&
      last?.kind === 'assistant' &&
      this.committed.length > this.snapshot.committed.length
    ) {
      last.lines.push(...rendered)
    } else {
      this.committed.push({ kind: 'assistant', lines: rendered, continued: this.assistantOpen })
    }
    this.assistantOpen = true
  }

  private closeAssistant(): void {
    if (this.buffer !== '') {
      const rest = this.buffer
      this.buffer = ''
      this.commitLines([rest])
    }
    this.commitReasoning()
    if (this.assistantOpen) this.markdown = createMarkdownRenderer(this.theme)
    this.assistantOpen = false
  }

  private commitReasoning(): void {
    if (this.reasoning.trim() === '') return
    this.committed.push({ kind: 'reasoning', text: sanitize(this.reasoning).trim() })
    this.reasoning = ''
  }

  private addOutput(cell: Extract<Cell, { kind: 'exec' }>, chunk: string): void {
    cell.output += chunk
    if (cell.output.length > this.maxOutput)
      cell.output = cell.output.slice(cell.output.length - this.maxOutput)
  }

  private applyMsg(msg: EventMsg): void {
    switch (msg.type) {
      case 'session_configured':
        this.status = {
          ...this.status,
          model: msg.model,
          cwd: msg.cwd,
          sandbox: msg.sandbox_policy.type,
          approval: msg.approval_policy,
          sessionId: msg.session_id,
        }
        this.committed.push({
          kind: 'session',
          model: msg.model,
          cwd: msg.cwd,
          sessionId: msg.session_id,
          resumed: (msg.initial_messages?.length ?? 0) > 0,
        })
        if (msg.initial_messages?.length)
          this.committed.push({ kind: 'history', items: msg.initial_messages })
        return
      case 'turn_started':
        this.turnRunning = true
        this.activity = 'Working'
        if (msg.model_context_window) this.status.contextWindow = msg.model_context_window
        return
      case 'turn_complete':
      case 'turn_aborted':
        this.closeAssistant()
        for (const cell of this.live.values()) this.finishLive(cell, msg.type === 'turn_aborted')
        this.live.clear()
        this.approvals = []
        this.turnRunning = false
        this.turnsEnded++
        this.activity = ''
        this.hideJsonAnswer = false
        if (msg.type === 'turn_aborted' && msg.reason !== 'replaced') {
          this.committed.push({
            kind: 'notice',
            level: 'warning',
            text: `Turn ${msg.reason === 'interrupted' ? 'interrupted' : `ended (${msg.reason})`}`,
          })
        }
        return
      case 'user_message':
        this.closeAssistant()
        this.committed.push({ kind: 'user', text: msg.message })
        return
      case 'agent_message_delta': {
        this.commitReasoning()
        // Held until the whole message tells whether it is the JSON answer (see hideJsonAnswers).
        if (this.hideJsonAnswer) {
          this.activity = 'Writing'
          return
        }
        this.streamed = true
        this.activity = 'Writing'
        this.buffer += msg.delta
        const newline = this.buffer.lastIndexOf('\n')
        if (newline >= 0) {
          const complete = this.buffer.slice(0, newline)
          this.buffer = this.buffer.slice(newline + 1)
          this.commitLines(complete.split('\n'))
        }
        return
      }
      case 'agent_message':
        if (this.hideJsonAnswer && looksLikeJson(msg.message)) {
          this.closeAssistant()
          return
        }
        if (!this.streamed) {
          this.commitReasoning()
          this.commitLines(msg.message.replace(/\n+$/, '').split('\n'))
        }
        this.streamed = false
        this.closeAssistant()
        return
      case 'agent_reasoning_delta':
        this.activity = 'Thinking'
        this.reasoning += msg.delta
        return
      case 'agent_reasoning':
        // The summary arrives whole after its deltas; keep one copy.
        this.reasoning = msg.text
        this.commitReasoning()
        return
      case 'exec_command_begin':
        this.closeAssistant()
        this.activity = 'Running'
        this.live.set(msg.call_id, {
          kind: 'exec',
          callId: msg.call_id,
          command: msg.command,
          cwd: msg.cwd,
          sandbox: msg.sandbox,
          running: true,
          output: '',
        })
        return
      case 'exec_command_output_delta': {
        const cell = this.live.get(msg.call_id)
        if (cell?.kind === 'exec') this.addOutput(cell, msg.chunk)
        return
      }
      case 'exec_command_end': {
        const cell = this.live.get(msg.call_id)
        const done: Extract<Cell, { kind: 'exec' }> = {
          kind: 'exec',
          callId: msg.call_id,
          command: cell?.kind === 'exec' ? cell.command : [],
          cwd: cell?.kind === 'exec' ? cell.cwd : '',
          sandbox: cell?.kind === 'exec' ? cell.sandbox : undefined,
          running: false,
          exitCode: msg.exit_code,
          durationMs: msg.duration_ms,
          timedOut: msg.timed_out ?? false,
          output: msg.aggregated_output || (cell?.kind === 'exec' ? cell.output : ''),
        }
        this.live.delete(msg.call_id)
        this.committed.push(done)
        this.lastCommand = done
        this.activity = 'Working'
        return
      }
      case 'exec_approval_request':
        this.closeAssistant()
        this.approvals.push({
          kind: 'exec',
          callId: msg.call_id,
          command: msg.command,
          cwd: msg.cwd,
          reason: msg.reason,
          proposedPrefix: msg.proposed_prefix,
          retryWithoutSandbox: msg.retry_without_sandbox,
          subagent: msg.subagent,
        })
        return
      case 'apply_patch_approval_request':
        this.closeAssistant()
        this.approvals.push({
          kind: 'patch',
          callId: msg.call_id,
          changes: msg.changes,
          reason: msg.reason,
          grantRoot: msg.grant_root,
          subagent: msg.subagent,
        })
        return
      case 'patch_apply_begin':
        this.closeAssistant()
        this.live.set(msg.call_id, {
          kind: 'patch',
          callId: msg.call_id,
          changes: msg.changes,
          state: 'applying',
          autoApproved: msg.auto_approved,
        })
        return
      case 'patch_apply_end': {
        const cell = this.live.get(msg.call_id)
        this.live.delete(msg.call_id)
        if (cell?.kind === 'patch') {
          this.committed.push({
            ...cell,
            state: msg.success ? 'applied' : 'failed',
            ...(msg.success ? {} : { error: (msg.stderr || msg.stdout).trim() }),
          })
        }
        return
      }
      case 'turn_diff':
        this.lastDiff = msg.unified_diff
        return
      case 'mcp_tool_call_begin':
        this.closeAssistant()
        this.live.set(msg.call_id, {
          kind: 'mcp',
          callId: msg.call_id,
          server: msg.invocation.server,
          tool: msg.invocation.tool,
          args: msg.invocation.arguments,
          running: true,
        })
        return
      case 'mcp_tool_call_end':
        this.live.delete(msg.call_id)
        this.committed.push({
          kind: 'mcp',
          callId: msg.call_id,
          server: msg.invocation.server,
          tool: msg.invocation.tool,
          args: msg.invocation.arguments,
          running: false,
          durationMs: msg.duration_ms,
          ok: msg.result.ok,
          result: msg.result.ok ? summarizeMcpResult(msg.result.value) : msg.result.error,
        })
        return
      case 'tool_call_begin':
        this.closeAssistant()
        this.live.set(msg.call_id, {
          kind: 'tool',
          callId: msg.call_id,
          tool: msg.tool,
          args: msg.arguments,
          running: true,
        })
        return
      case 'tool_call_end': {
        const began = this.live.get(msg.call_id)
        this.live.delete(msg.call_id)
        this.committed.push({
          kind: 'tool',
          callId: msg.call_id,
          tool: msg.tool,
          args: began?.kind === 'tool' ? began.args : undefined,
          running: false,
          durationMs: msg.duration_ms,
          ok: msg.success,
          output: msg.output,
          outputChars: msg.output_chars,
        })
        return
      }
      case 'web_search_begin':
        this.closeAssistant()
        this.live.set(msg.call_id, {
          kind: 'search',
          callId: msg.call_id,
          query: msg.query ?? '',
          running: true,
        })
        return
      case 'web_search_end':
        this.live.delete(msg.call_id)
        this.committed.push({
          kind: 'search',
          callId: msg.call_id,
          query: msg.query,
          running: false,
          ...(msg.status === 'failed' ? { failed: true } : {}),
        })
        return
      case 'mcp_startup_update':
        this.mcpServers[msg.server] =
          msg.status.state === 'ready'
            ? `ready, ${msg.status.tools} tool${msg.status.tools === 1 ? '' : 's'}`
            : msg.status.state === 'failed'
              ? `failed: ${msg.status.error}`
              : msg.status.state
        if (msg.status.state === 'failed')
          this.push({
            kind: 'notice',
            level: 'warning',
            text: `MCP server ${msg.server} failed to start: ${msg.status.error}`,
          })
        return
      case 'mcp_startup_complete':
        return
      case 'mcp_list_tools_response': {
        const names = Object.keys(msg.tools).sort()
        this.committed.push({
          kind: 'notice',
          level: 'info',
          text: names.length
            ? `MCP tools (${names.length}):\n${names.map((n) => `  ${n}`).join('\n')}`
            : 'No MCP tools are available.',
        })
        return
      }
      case 'plan_update':
        this.closeAssistant()
        this.committed.push({ kind: 'plan', explanation: msg.explanation, steps: msg.plan })
        return
      case 'token_count':
        if (msg.info) {
          this.status.totalTokens = msg.info.total_token_usage.total_tokens
          this.status.contextTokens = contextTokens(msg.info.last_token_usage)
          if (msg.info.model_context_window) this.status.contextWindow = msg.info.model_context_window
        }
        return
      case 'hook_started':
        return
      case 'hook_completed':
        // Quiet successes stay out of the transcript; anything the hook said, or a block, is shown.
        if (msg.outcome === 'success' && !msg.message) return
        this.closeAssistant()
        this.committed.push({
          kind: 'hook',
          event: msg.hook_event_name,
          outcome: msg.outcome,
          message: msg.message,
          durationMs: msg.duration_ms,
        })
        return
      case 'context_compacted':
        this.closeAssistant()
        this.committed.push({
          kind: 'notice',
          level: 'info',
          text:
            msg.tokens_before !== undefined && msg.tokens_after !== undefined
              ? `Context compacted: ${msg.tokens_before} → ${msg.tokens_after} tokens`
              : 'Context compacted',
        })
        return
      case 'undo_completed':
        this.committed.push({
          kind: 'notice',
          level: msg.success ? 'info' : 'error',
          text: msg.message ?? (msg.success ? 'Undid the last turn’s file changes' : 'Undo failed'),
        })
        return
      case 'warning':
        this.closeAssistant()
        this.committed.push({ kind: 'notice', level: 'warning', text: msg.message })
        return
      case 'error':
        this.closeAssistant()
        this.committed.push({ kind: 'notice', level: 'error', text: msg.message })
        return
      case 'stream_error':
        if (msg.retrying) {
          const wait = msg.delay_ms !== undefined ? ` in ${Math.ceil(msg.delay_ms / 1000)}s` : ''
          this.activity = `Retrying${wait}${msg.attempt ? ` (attempt ${msg.attempt})` : ''}`
          this.committed.push({ kind: 'notice', level: 'warning', text: `${msg.message} — retrying${wait}` })
        } else {
          this.committed.push({ kind: 'notice', level: 'error', text: msg.message })
        }
        return
      case 'background_event':
        this.committed.push({ kind: 'notice', level: 'info', text: msg.message })
        return
      case 'shutdown_complete':
        this.closeAssistant()
        this.shutdown = true
        return
    }
  }

  private finishLive(cell: Cell, aborted: boolean): void {
    if (cell.kind === 'exec')
      this.committed.push({ ...cell, running: false, ...(aborted ? { exitCode: cell.exitCode ?? 130 } : {}) })
    else if (cell.kind === 'mcp')
      this.committed.push({ ...cell, running: false, ok: false, result: 'interrupted' })
    else if (cell.kind === 'tool')
      this.committed.push({ ...cell, running: false, ok: false, output: 'interrupted' })
    else if (cell.kind === 'patch') this.committed.push({ ...cell, state: 'failed', error: 'interrupted' })
  }
}

function contextTokens(usage: TokenUsage): number {
  return usage.input_tokens + usage.output_tokens
}

function summarizeMcpResult(value: unknown): string {
  if (value && typeof value === 'object' && Array.isArray((value as { content?: unknown }).content)) {
    const texts = (value as { content: Array<{ type?: string; text?: string }> }).content
      .map((part) => (part.type === 'text' ? part.text : `[${part.type ?? 'content'}]`))
      .filter(Boolean)
    return texts.join('\n')
  }
  return JSON.stringify(value) ?? ''
}

/** A message that is a JSON value (possibly in a ```json fence), as structured answers are. */
function looksLikeJson(text: string): boolean {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*\n?/i, '')
    .replace(/\n?```$/, '')
    .trim()
  if (!body.startsWith('{') && !body.startsWith('[')) return false
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}
