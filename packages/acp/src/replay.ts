// session/load: a recorded session's history (the `initial_messages` of its session_configured
// event) replayed to the client as the updates it would have seen: the user's and the agent's
// messages, thoughts, and every tool call with its final status.
import { type ResponseItem, webSearchQuery } from '@agent/protocol'
import type { SessionUpdate, ToolKind } from '@agentclientprotocol/sdk'
import { describeToolCall, textContent } from './tool-calls.js'

/**
 * Context the agent itself put into the history as user messages (not typed by the user): core
 * marks them with its preamble comment; the context's own tags are recognised too.
 */
const INJECTED =
  /^\s*(<!-- agent:preamble -->|<(environment_context|user_instructions|INSTRUCTIONS)\b|# Instructions from )/

function parseArgs(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

/** Kind and title of a recorded tool call, from its name and arguments (JSON text). */
export function describeRecordedCall(name: string, argsText: string): { kind: ToolKind; title: string } {
  const { kind, title } = describeToolCall(name, parseArgs(argsText))
  return { kind, title }
}

function outputText(output: string | { type: string; text?: string }[]): string {
  if (typeof output === 'string') return output
  return output.flatMap((part) => (part.text ? [part.text] : [])).join('\n')
}

export function replayHistory(items: readonly ResponseItem[]): SessionUpdate[] {
  const updates: SessionUpdate[] = []
  const outputs = new Map<string, { text: string; failed: boolean }>()
  for (const item of items) {
    if (item.type === 'function_call_output')
      outputs.set(item.call_id, { text: outputText(item.output), failed: Boolean(item.is_error) })
  }
  for (const item of items) {
    if (item.type === 'message') {
      if (item.role !== 'user' && item.role !== 'assistant') continue
      for (const part of item.content) {
        if (part.type === 'input_image' && item.role === 'user') {
          const match = /^data:([^;]+);base64,(.*)$/s.exec(part.image_url)
          if (match)
            updates.push({
              sessionUpdate: 'user_message_chunk',
              content: { type: 'image', mimeType: match[1] as string, data: match[2] as string },
            })
          continue
        }
        if (part.type === 'input_image' || !part.text) continue
        if (item.role === 'user' && INJECTED.test(part.text)) continue
        updates.push({
          sessionUpdate: item.role === 'user' ? 'user_message_chunk' : 'agent_message_chunk',
          content: { type: 'text', text: part.text },
        })
      }
    } else if (item.type === 'reasoning') {
      const text = [...item.summary.map((s) => s.text), ...(item.content ?? []).map((c) => c.text)].join(
        '\n\n',
      )
      if (text) updates.push({ sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text } })
    } else if (item.type === 'function_call') {
      const { kind, title, locations } = describeToolCall(item.name, parseArgs(item.arguments))
      const result = outputs.get(item.call_id)
      updates.push({
        sessionUpdate: 'tool_call',
        toolCallId: item.call_id,
        title,
        kind,
        status: result === undefined ? 'failed' : result.failed ? 'failed' : 'completed',
        rawInput: parseArgs(item.arguments),
        ...(locations.length > 0 ? { locations } : {}),
        ...(result?.text ? { content: [textContent(result.text)] } : {}),
      })
    } else if (item.type === 'web_search_call') {
      const query = webSearchQuery(item)
      updates.push({
        sessionUpdate: 'tool_call',
        toolCallId: item.id,
        title: query ? `Web search: ${query}` : 'Web search',
        kind: 'fetch',
        status: item.status === 'failed' || item.status === 'in_progress' ? 'failed' : 'completed',
        rawInput: item.action ?? {},
      })
    } else if (item.type === 'compaction_summary') {
      updates.push({
        sessionUpdate: 'agent_message_chunk',
        content: { type: 'text', text: `(earlier conversation, summarised)\n${item.summary}` },
      })
    }
  }
  return updates
}
