// What this package needs from the agent, written as structural types so it never imports
// @agent/core: the composition root passes a factory whose result satisfies them. The shapes
// match core's `StepJournal` and `ApprovalGate` ports and its queue-pair `Agent`.
import type { Event, EventMsg, ReviewDecision, RolloutLine } from '@agent/protocol'

/** Runs each non-deterministic step of a turn; a durable journal records results for replay. */
export interface StepJournal {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** One approval a turn waits for (core's `ApprovalWait`). */
export interface ApprovalRequest {
  /** The id an answer names (the request event's `call_id`). */
  callId: string
  toolCallId: string
  turnId: string
  kind: 'exec' | 'patch'
  request: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>
}

/** A person's answer (core's `ApprovalAnswer`). */
export interface ApprovalAnswer {
  decision: ReviewDecision
  /** With `approved_for_session` of a command: approve every command starting with these words. */
  prefix?: string[]
  /** Why the user declined, for the model. */
  feedback?: string
}

/** Waits for a person's decision on one approval without needing a live process. */
export interface ApprovalGate {
  wait(request: ApprovalRequest, signal: AbortSignal): Promise<ReviewDecision | ApprovalAnswer>
}

/** Text sent to steer a running turn (core's `SteeringMessage`). */
export interface SteeringMessage {
  text: string
  images?: string[]
}

/** Steering input sent from outside the worker, taken once per model request (core's `SteeringInbox`). */
export interface SteeringInbox {
  take(where: { turnId: string; request: number }): Promise<SteeringMessage[]>
}

/** One `approved_for_session` answer (core's `SessionGrant`), kept between turns. */
export type SessionGrant =
  | { type: 'command'; command: string[] }
  | { type: 'prefix'; prefix: string[] }
  | { type: 'paths'; paths: string[] }
  | { type: 'root'; root: string }

/** The agent's queue pair, as far as a durable host uses it. */
export interface QueuePairAgent {
  readonly sessionId: string
  submit(op: unknown): Promise<string>
  nextEvent(): Promise<Event>
  /** Every rollout line recorded so far is in the session store. */
  flush(): Promise<void>
  shutdown(): Promise<void>
}

export interface HostedSessionInput {
  /** The session id (the virtual object's key). */
  sessionId: string
  /** The session's working directory (part of the durable state). */
  cwd: string
  /** The rollout recorded by earlier turns; `null` for a new session. */
  history: RolloutLine[] | null
  journal: StepJournal
  approvals: ApprovalGate
  /** Steering sent with `steer` while the turn runs (a journaled inbox). */
  steering: SteeringInbox
  /** What earlier turns' users approved for the session (the agent must not ask again). */
  grants: SessionGrant[]
  /** Streaming deltas as they happen (core's `onStreamingEvent`); absent: nobody previews them. */
  onStreamingEvent?: (event: Event) => void
}

/** One agent built for one turn of a durable session. */
export interface HostedSession {
  agent: QueuePairAgent
  /** The session's complete rollout after the turn (what the next turn, on any worker, starts from). */
  history(): Promise<RolloutLine[]>
  /**
   * Everything approved for the session after the turn (the input's grants and this turn's);
   * derived from journaled answers, so a replay returns the same. Absent: grants are not kept.
   */
  grants?(): SessionGrant[]
  /**
   * Stops what the agent need not hold while its turn waits a long time for a person (MCP server
   * processes); called once an approval has waited `idleAfterMs`.
   */
  idle?(): Promise<void>
  /** Starts again what `idle` stopped; called when the answer arrives, before the turn goes on. */
  wake?(): Promise<void>
  /** Releases what the agent holds (MCP servers, processes). Called after the turn, also on failure. */
  close(): Promise<void>
}

/** Built by the composition root (`@agent/sdk`): a real agent with journal and approvals injected. */
export type SessionFactory = (input: HostedSessionInput) => Promise<HostedSession>
