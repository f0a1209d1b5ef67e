// Submissions: what a client sends to the agent (the "submission queue" of the queue pair).
import { z } from 'zod'
import { UserInput } from './items.js'
import { OutputSchema } from './model.js'
import { ApprovalPolicy, ReasoningEffort, ReviewDecision, SandboxPolicy } from './policy.js'

/** Settings a client may change for one turn (`user_input`) or from now on (`override_turn_context`). */
const TurnOverrides = {
  cwd: z.string().optional(),
  model: z.string().optional(),
  effort: ReasoningEffort.optional(),
  approval_policy: ApprovalPolicy.optional(),
  sandbox_policy: SandboxPolicy.optional(),
}

export const UserInputOp = z.object({
  type: z.literal('user_input'),
  items: z.array(UserInput).min(1),
  /**
   * Steer the running turn: the input reaches the model at its next request within that turn
   * (its `user_message` event, tagged with this submission's id, says when). Without a running
   * turn, or when the turn ends before another request, it starts a turn of its own. Turn
   * overrides are ignored for steering input. Default false: input during a turn is queued.
   */
  steer: z.boolean().optional(),
  ...TurnOverrides,
  /** This turn's final answer must be JSON of this schema (`agent exec --output-schema`, the SDK's `outputSchema`). */
  output_schema: OutputSchema.optional(),
})

export const InterruptOp = z.object({ type: z.literal('interrupt') })

export const ExecApprovalOp = z.object({
  type: z.literal('exec_approval'),
  /** The `call_id` of the `exec_approval_request` being answered. */
  id: z.string(),
  decision: ReviewDecision,
  /** With `approved_for_session`: remember this command prefix rather than the exact command. */
  prefix: z.array(z.string()).min(1).optional(),
  /** With `denied`: what the agent should do instead, passed on to the model. */
  feedback: z.string().optional(),
})

export const PatchApprovalOp = z.object({
  type: z.literal('patch_approval'),
  /** The `call_id` of the `apply_patch_approval_request` being answered. */
  id: z.string(),
  decision: ReviewDecision,
  feedback: z.string().optional(),
})

export const OverrideTurnContextOp = z.object({
  type: z.literal('override_turn_context'),
  ...TurnOverrides,
})

export const CompactOp = z.object({ type: z.literal('compact') })
export const UndoOp = z.object({ type: z.literal('undo') })
export const ShutdownOp = z.object({ type: z.literal('shutdown') })
export const ListMcpToolsOp = z.object({ type: z.literal('list_mcp_tools') })

export const Op = z.discriminatedUnion('type', [
  UserInputOp,
  InterruptOp,
  ExecApprovalOp,
  PatchApprovalOp,
  OverrideTurnContextOp,
  CompactOp,
  UndoOp,
  ShutdownOp,
  ListMcpToolsOp,
])
export type Op = z.infer<typeof Op>
export type OpType = Op['type']

export const Submission = z.object({ id: z.string().min(1), op: Op })
export type Submission = z.infer<typeof Submission>
