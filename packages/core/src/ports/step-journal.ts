// Ports for durable execution: every non-deterministic step of a turn runs through a
// `StepJournal`, and approvals wait on an `ApprovalGate`. In-process both are trivial (run the
// step; wait for the op); a durable engine (Restate, Temporal) records each step's result so a
// turn replayed on another worker returns finished steps instead of running them again.
import type { EventMsg, ReviewDecision } from '@agent/protocol'

/**
 * Runs each non-deterministic step of a turn. The default runs `fn` directly. A durable journal
 * records the result (JSON-serializable) and, on replay, returns it without running `fn`.
 * Steps never nest and an approval wait never happens inside `run`.
 */
export interface StepJournal {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** The user's answer to one approval request. */
export interface ApprovalAnswer {
  decision: ReviewDecision
  /** `approved_for_session` of a command: approve every command starting with these words. */
  prefix?: string[]
  /** Why the user declined, for the model. */
  feedback?: string
}

/** One approval the turn waits for. */
export interface ApprovalWait {
  /** The id the answering op names (`exec_approval` / `patch_approval` `id`; the event's `call_id`). */
  callId: string
  /** The tool call it belongs to (differs from `callId` for a call's second and later requests). */
  toolCallId: string
  turnId: string
  kind: 'exec' | 'patch'
  /** The request event the client was shown. */
  request: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>
}

/**
 * Waits for the user's decision on one approval. The default waits for the `exec_approval` /
 * `patch_approval` op on the queue pair; a durable gate (a Restate awakeable) needs no live
 * process. The signal aborts when the turn is interrupted (answer `abort` then).
 */
export interface ApprovalGate {
  wait(request: ApprovalWait, signal: AbortSignal): Promise<ReviewDecision | ApprovalAnswer>
}

/** Text (and images) sent to steer a running turn from outside the agent's process. */
export interface SteeringMessage {
  text: string
  /** Image URLs (`data:` or `https:`) sent with the text. */
  images?: string[]
}

/**
 * Steering input that reaches a turn from outside its process (a durable engine's inbox: a
 * `user_input {steer: true}` sent while another worker runs the turn). The turn takes it once per
 * model request, just before the steer step. A durable implementation must journal `take` (a
 * replay gets the same messages back); in-process steering needs no inbox (it is a queue-pair op).
 */
export interface SteeringInbox {
  take(where: { turnId: string; request: number }): Promise<SteeringMessage[]>
}

/** The in-process journal: runs every step directly, records nothing. */
export const directJournal: StepJournal = {
  run: (_name, fn) => fn(),
}
