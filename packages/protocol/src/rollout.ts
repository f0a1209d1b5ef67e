// The durable record of a session: one JSON object per line, append-only.
import { z } from 'zod'
import { EventMsg } from './events.js'
import { ResponseItem } from './items.js'
import { ApprovalPolicy, ReasoningEffort, SandboxPolicy } from './policy.js'

export const SessionMeta = z.object({
  id: z.string(),
  timestamp: z.string(),
  cwd: z.string(),
  originator: z.string().default('agent'),
  cli_version: z.string().optional(),
  model: z.string().optional(),
  model_provider: z.string().optional(),
  instructions: z.string().optional(),
  /** Set on a forked session: the session it was copied from. */
  forked_from: z.string().optional(),
  git: z
    .object({
      commit: z.string().optional(),
      branch: z.string().optional(),
      repository_url: z.string().optional(),
    })
    .optional(),
})
export type SessionMeta = z.infer<typeof SessionMeta>

export const TurnContext = z.object({
  turn_id: z.string().optional(),
  cwd: z.string(),
  model: z.string(),
  effort: ReasoningEffort.optional(),
  approval_policy: ApprovalPolicy,
  sandbox_policy: SandboxPolicy,
})
export type TurnContext = z.infer<typeof TurnContext>

export const CompactedRecord = z.object({
  /** The summary that replaced older history. */
  message: z.string(),
  /** The history as it stands after compaction, so resume need not replay older lines. */
  replacement_history: z.array(ResponseItem).optional(),
})

const line = <T extends string, P extends z.ZodTypeAny>(type: T, payload: P) =>
  z.object({ timestamp: z.string(), type: z.literal(type), payload })

export const RolloutLine = z.discriminatedUnion('type', [
  line('session_meta', SessionMeta),
  line('response_item', ResponseItem),
  line('turn_context', TurnContext),
  line('event_msg', EventMsg),
  line('compacted', CompactedRecord),
])
export type RolloutLine = z.infer<typeof RolloutLine>
export type RolloutLineType = RolloutLine['type']
