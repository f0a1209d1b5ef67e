// Small helpers over history items and errors shared by the session, its turns and compaction.
import type { ResponseItem } from '@agent/protocol'

/** A result for every function call of `history` that has none. */
export function danglingCallOutputs(history: readonly ResponseItem[], text: string): ResponseItem[] {
  const answered = new Set<string>()
  for (const item of history) if (item.type === 'function_call_output') answered.add(item.call_id)
  return history.flatMap((item) =>
    (item.type === 'function_call' || item.type === 'custom_tool_call') && !answered.has(item.call_id)
      ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: text, is_error: true }]
      : [],
  )
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
