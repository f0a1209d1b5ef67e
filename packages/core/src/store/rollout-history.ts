// Reading a rollout back into a session: the history the model saw (with compactions applied),
// the token totals, the last turn settings; and cutting a rollout for a fork.
import type { ResponseItem, RolloutLine, TokenUsage, TurnContext } from '@agent/protocol'

export interface RestoredState {
  history: ResponseItem[]
  totalUsage?: TokenUsage
  lastUsage?: TokenUsage
  lastTurnContext?: TurnContext
  /** How many user inputs the session has had. */
  userMessages: number
  /** Whether the instructions/environment preamble was already recorded. */
  hasPreamble: boolean
}

export const PREAMBLE_MARK = '<!-- agent:preamble -->'

export function restoreFromRollout(lines: readonly RolloutLine[]): RestoredState {
  let history: ResponseItem[] = []
  const state: RestoredState = { history, userMessages: 0, hasPreamble: false }
  for (const line of lines) {
    switch (line.type) {
      case 'response_item':
        history.push(line.payload)
        if (isPreamble(line.payload)) state.hasPreamble = true
        break
      case 'compacted':
        if (line.payload.replacement_history) history = [...line.payload.replacement_history]
        else history = [{ type: 'compaction_summary', summary: line.payload.message }]
        break
      case 'turn_context':
        state.lastTurnContext = line.payload
        break
      case 'event_msg':
        if (line.payload.type === 'user_message') state.userMessages++
        else if (line.payload.type === 'token_count' && line.payload.info) {
          state.totalUsage = line.payload.info.total_token_usage
          state.lastUsage = line.payload.info.last_token_usage
        }
        break
      case 'session_meta':
        break
    }
  }
  state.history = history
  return state
}

/** True for the instructions/environment message the agent injects at the start of a session. */
export function isPreamble(item: ResponseItem): boolean {
  if (item.type !== 'message' || item.role !== 'user') return false
  const first = item.content[0]
  return first?.type === 'input_text' && first.text.startsWith(PREAMBLE_MARK)
}

/**
 * The lines of a fork that keeps the first `userMessages` user inputs and everything that
 * followed each of them, up to (not including) the next input. The session_meta line is left out:
 * the fork gets its own.
 */
export function forkLines(lines: readonly RolloutLine[], userMessages: number): RolloutLine[] {
  if (!Number.isInteger(userMessages) || userMessages < 0) {
    throw new RangeError(`fork point must be a whole number of user messages ≥ 0, got ${userMessages}`)
  }
  const out: RolloutLine[] = []
  let seen = 0
  for (const line of lines) {
    if (line.type === 'session_meta') continue
    if (line.type === 'event_msg' && line.payload.type === 'user_message') {
      seen++
      if (seen > userMessages) break
    }
    out.push(line)
  }
  return out
}
