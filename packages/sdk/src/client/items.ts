// From the `agent exec --json` lines (protocol `ThreadEvent`, with `null` for absent values) to the
// Codex SDK's shapes (absent values omitted, no `declined` status).
import type { ThreadEvent as ExecEvent, ThreadItem as ExecItem } from '@agent/protocol'
import type { ThreadEvent, ThreadItem } from './types.js'

const finished = (status: string) => (status === 'declined' ? 'failed' : status)

export function toThreadItem(item: ExecItem): ThreadItem {
  switch (item.type) {
    case 'command_execution': {
      const { exit_code, status, ...rest } = item
      return {
        ...rest,
        ...(exit_code === null ? {} : { exit_code }),
        status: finished(status) as 'in_progress' | 'completed' | 'failed',
      }
    }
    case 'file_change':
      return { ...item, status: item.status === 'completed' ? 'completed' : 'failed' }
    case 'mcp_tool_call': {
      const { result, error, status, ...rest } = item
      return {
        ...rest,
        ...(result === null ? {} : { result }),
        ...(error === null ? {} : { error }),
        status: finished(status) as 'in_progress' | 'completed' | 'failed',
      }
    }
    default:
      return item
  }
}

/** Item events converted; turn and thread events are the caller's (usage is counted apart). */
export function toThreadEvent(event: ExecEvent): ThreadEvent | undefined {
  switch (event.type) {
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return { type: event.type, item: toThreadItem(event.item) }
    case 'error':
      return event
    default:
      return undefined
  }
}
