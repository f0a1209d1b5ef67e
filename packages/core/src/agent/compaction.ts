// Compaction: when the history nears the context window (or on request), the model summarises
// it; the summary and the recent user messages replace the older history.
import type { ResponseItem } from '@agent/protocol'
import { isPreamble, PREAMBLE_MARK } from '../store/rollout-history.js'
import { runHookStep } from './hook-step.js'
import { errorText } from './items.js'
import { abortable } from './sampling.js'
import type { SessionContext, TurnSettings } from './session-context.js'

export const DEFAULT_COMPACTION_THRESHOLD = 0.9

const SUMMARY_PROMPT = [
  'Summarise the conversation so far for a continuation of this work by another agent who cannot see it.',
  'Include: the user’s goals and constraints, what was done (files changed, commands run and their results),',
  'decisions taken and why, what is left to do, and anything the next agent must not forget.',
  'Be concrete (paths, names, errors). Do not call tools.',
].join(' ')

/** Characters of recent user messages kept verbatim after compaction. */
const KEPT_USER_CHARS = 20_000

/** Rough token count of the history when the model has not reported one (4 characters a token). */
export function estimateTokens(items: readonly ResponseItem[]): number {
  return Math.ceil(JSON.stringify(items).length / 4)
}

export function shouldAutoCompact(session: SessionContext): boolean {
  const window = session.options.contextWindow
  if (!window) return false
  const threshold = session.options.compactionThreshold ?? DEFAULT_COMPACTION_THRESHOLD
  const used = session.lastUsage ? session.lastUsage.total_tokens : 0
  return used >= threshold * window
}

/**
 * Returns true when the history was replaced. Steps: the PreCompact hooks (`<prefix>/hook/PreCompact/1`),
 * then the summary request (`<prefix>/summary`); the history changes after them.
 */
export async function compactHistory(
  session: SessionContext,
  subId: string,
  settings: TurnSettings,
  signal: AbortSignal,
  trigger: 'auto' | 'manual',
  /** Step names start with it: `compact/<n>` for the op, `turn/<n>/compact/<k>` inside a turn. */
  prefix: string,
): Promise<boolean> {
  const emit = session.emit.bind(session, subId)
  const before = session.lastUsage?.total_tokens ?? estimateTokens(session.history)
  await runHookStep(session, subId, `${prefix}/hook/PreCompact/1`, session.hookEnv(subId, signal), {
    hook_event_name: 'PreCompact',
    trigger,
  })
  const { summary, failure } = await session.step(subId, `${prefix}/summary`, () =>
    requestSummary(session, settings, signal),
  )
  if (signal.aborted) return false
  if (failure || !summary.trim()) {
    emit({
      type: 'warning',
      message: `compaction failed, the history is unchanged: ${failure ?? 'the model returned no summary'}`,
    })
    return false
  }
  const replacement = [...keptItems(session.history), { type: 'compaction_summary' as const, summary }]
  session.history = replacement
  session.persist([
    {
      timestamp: session.now(),
      type: 'compacted',
      payload: { message: summary, replacement_history: replacement },
    },
  ])
  const after = estimateTokens(replacement)
  // Until the model reports usage again, judge the context by the estimate.
  if (session.lastUsage)
    session.lastUsage = { ...session.lastUsage, total_tokens: after, input_tokens: after }
  emit({ type: 'context_compacted', tokens_before: before, tokens_after: after })
  return true
}

/** Asks the model for the summary (no tools); never throws. */
async function requestSummary(
  session: SessionContext,
  settings: TurnSettings,
  signal: AbortSignal,
): Promise<{ summary: string; failure?: string }> {
  const request = {
    model: settings.model,
    instructions: SUMMARY_PROMPT,
    input: [
      ...session.history,
      {
        type: 'message' as const,
        role: 'user' as const,
        content: [{ type: 'input_text' as const, text: SUMMARY_PROMPT }],
      },
    ],
    tools: [],
  }
  let summary = ''
  try {
    for await (const event of abortable(() => session.options.model.stream(request, { signal }), signal)) {
      if (event.type === 'output_item' && event.item.type === 'message' && event.item.role === 'assistant') {
        summary += event.item.content.map((c) => (c.type === 'input_image' ? '' : c.text)).join('')
      } else if (event.type === 'error') {
        return { summary, failure: event.message }
      } else if (event.type === 'completed') break
    }
  } catch (error) {
    return { summary, failure: errorText(error) }
  }
  return { summary }
}

/** The instructions preamble, the latest environment context, and the most recent user messages. */
function keptItems(history: readonly ResponseItem[]): ResponseItem[] {
  const preambles = history.filter(isPreamble)
  const kept: ResponseItem[] = []
  if (preambles[0]) kept.push(preambles[0])
  const latest = preambles.at(-1)
  if (latest && latest !== preambles[0]) kept.push(latest)
  const users: ResponseItem[] = []
  let budget = KEPT_USER_CHARS
  for (let i = history.length - 1; i >= 0 && budget > 0; i--) {
    const item = history[i] as ResponseItem
    if (item.type !== 'message' || item.role !== 'user' || isPreamble(item)) continue
    const text = item.content.map((c) => (c.type === 'input_image' ? '' : c.text)).join('')
    if (text.startsWith(PREAMBLE_MARK)) continue
    budget -= text.length
    users.unshift(item)
  }
  return [...kept, ...users]
}
