// Maps the agent's protocol events onto the `agent exec --json` lines (`ThreadEvent`, the shape
// of `codex exec --json`): items get sequential ids, commands and MCP calls start then complete,
// the plan becomes one todo list updated in place, and a turn ends as completed or failed.
import type { Event, EventMsgOf, ThreadEvent, ThreadItem } from '@agent/protocol'
import { quoteCommand } from './quote.js'

type Usage = {
  input_tokens: number
  cached_input_tokens: number
  output_tokens: number
  reasoning_output_tokens: number
}
const noUsage = (): Usage => ({
  input_tokens: 0,
  cached_input_tokens: 0,
  output_tokens: 0,
  reasoning_output_tokens: 0,
})
type FileChangeItem = Extract<ThreadItem, { type: 'file_change' }>

export class ThreadEventMapper {
  private next = 0
  private readonly commands = new Map<string, { id: string; command: string }>()
  private readonly mcpCalls = new Map<string, string>()
  private readonly searches = new Map<string, string>()
  private readonly patches = new Map<string, FileChangeItem['changes']>()
  private todo: { id: string; items: { text: string; completed: boolean }[] } | undefined
  private usage: Usage = noUsage()
  private turnError: string | undefined

  private newId(): string {
    return `item_${this.next++}`
  }

  map(event: Event): ThreadEvent[] {
    const msg = event.msg
    switch (msg.type) {
      case 'session_configured':
        return [{ type: 'thread.started', thread_id: msg.session_id }]
      case 'turn_started':
        this.usage = noUsage()
        this.turnError = undefined
        this.todo = undefined
        return [{ type: 'turn.started' }]
      case 'agent_reasoning':
        return [{ type: 'item.completed', item: { id: this.newId(), type: 'reasoning', text: msg.text } }]
      case 'agent_message':
        return [
          { type: 'item.completed', item: { id: this.newId(), type: 'agent_message', text: msg.message } },
        ]
      case 'exec_command_begin':
        return [this.commandStarted(msg)]
      case 'exec_command_end':
        return this.commandCompleted(msg)
      case 'patch_apply_begin': {
        const changes = Object.entries(msg.changes).map(([path, change]) => ({ path, kind: change.type }))
        this.patches.set(msg.call_id, changes)
        return []
      }
      case 'patch_apply_end': {
        const changes = this.patches.get(msg.call_id) ?? []
        this.patches.delete(msg.call_id)
        const status = msg.success ? 'completed' : 'failed'
        return [{ type: 'item.completed', item: { id: this.newId(), type: 'file_change', changes, status } }]
      }
      case 'mcp_tool_call_begin': {
        const id = this.newId()
        this.mcpCalls.set(msg.call_id, id)
        const { server, tool } = msg.invocation
        return [
          {
            type: 'item.started',
            item: {
              id,
              type: 'mcp_tool_call',
              server,
              tool,
              arguments: msg.invocation.arguments ?? null,
              result: null,
              error: null,
              status: 'in_progress',
            },
          },
        ]
      }
      case 'mcp_tool_call_end':
        return [this.mcpCompleted(msg)]
      case 'web_search_begin': {
        // Codex's `web_search` item: started when the provider starts searching, completed
        // (with the query) when its results are in.
        const id = this.newId()
        this.searches.set(msg.call_id, id)
        return [{ type: 'item.started', item: { id, type: 'web_search', query: msg.query ?? '' } }]
      }
      case 'web_search_end': {
        const id = this.searches.get(msg.call_id) ?? this.newId()
        this.searches.delete(msg.call_id)
        return [{ type: 'item.completed', item: { id, type: 'web_search', query: msg.query } }]
      }
      case 'plan_update': {
        const items = msg.plan.map((p) => ({ text: p.step, completed: p.status === 'completed' }))
        if (!this.todo) {
          this.todo = { id: this.newId(), items }
          return [{ type: 'item.started', item: { id: this.todo.id, type: 'todo_list', items } }]
        }
        this.todo.items = items
        return [{ type: 'item.updated', item: { id: this.todo.id, type: 'todo_list', items } }]
      }
      case 'token_count': {
        const last = msg.info?.last_token_usage
        if (last) {
          this.usage.input_tokens += last.input_tokens
          this.usage.cached_input_tokens += last.cached_input_tokens
          this.usage.output_tokens += last.output_tokens
          this.usage.reasoning_output_tokens += last.reasoning_output_tokens
        }
        return []
      }
      case 'warning':
        return [{ type: 'item.completed', item: { id: this.newId(), type: 'error', message: msg.message } }]
      case 'stream_error':
        return [{ type: 'item.completed', item: { id: this.newId(), type: 'error', message: msg.message } }]
      case 'error':
        this.turnError = msg.message
        return [{ type: 'error', message: msg.message }]
      case 'turn_complete':
        return this.turnEnded(this.turnError)
      case 'turn_aborted':
        // A turn that ended on an error reports that error, not just "aborted".
        return this.turnEnded(this.turnError ?? `turn aborted: ${msg.reason}`)
      default:
        return []
    }
  }

  private commandStarted(msg: EventMsgOf<'exec_command_begin'>): ThreadEvent {
    const id = this.newId()
    const command = quoteCommand(msg.command)
    this.commands.set(msg.call_id, { id, command })
    return {
      type: 'item.started',
      item: {
        id,
        type: 'command_execution',
        command,
        aggregated_output: '',
        exit_code: null,
        status: 'in_progress',
      },
    }
  }

  private commandCompleted(msg: EventMsgOf<'exec_command_end'>): ThreadEvent[] {
    const started = this.commands.get(msg.call_id)
    this.commands.delete(msg.call_id)
    const id = started?.id ?? this.newId()
    return [
      {
        type: 'item.completed',
        item: {
          id,
          type: 'command_execution',
          command: started?.command ?? '',
          aggregated_output: msg.aggregated_output,
          exit_code: msg.exit_code,
          status: msg.exit_code === 0 ? 'completed' : 'failed',
        },
      },
    ]
  }

  private mcpCompleted(msg: EventMsgOf<'mcp_tool_call_end'>): ThreadEvent {
    const id = this.mcpCalls.get(msg.call_id) ?? this.newId()
    this.mcpCalls.delete(msg.call_id)
    const { server, tool } = msg.invocation
    const base = {
      id,
      type: 'mcp_tool_call' as const,
      server,
      tool,
      arguments: msg.invocation.arguments ?? null,
    }
    if (!msg.result.ok) {
      return {
        type: 'item.completed',
        item: { ...base, result: null, error: { message: msg.result.error }, status: 'failed' },
      }
    }
    const value = (msg.result.value ?? {}) as {
      content?: unknown[]
      structuredContent?: unknown
      isError?: boolean
    }
    return {
      type: 'item.completed',
      item: {
        ...base,
        result: { content: value.content ?? [], structured_content: value.structuredContent ?? null },
        error: value.isError ? { message: 'the tool reported an error' } : null,
        status: value.isError ? 'failed' : 'completed',
      },
    }
  }

  private turnEnded(error: string | undefined): ThreadEvent[] {
    const out: ThreadEvent[] = []
    if (this.todo) {
      out.push({
        type: 'item.completed',
        item: { id: this.todo.id, type: 'todo_list', items: this.todo.items },
      })
      this.todo = undefined
    }
    out.push(
      error
        ? { type: 'turn.failed', error: { message: error } }
        : { type: 'turn.completed', usage: this.usage },
    )
    return out
  }
}
