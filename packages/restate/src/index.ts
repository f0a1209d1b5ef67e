// @agent/restate — durable agent sessions on Restate: a virtual object per session (one turn at a
// time, journaled steps, approvals as awakeables, a bounded event log), workers that serve it, and
// a client for Restate's ingress. The agent itself comes from an injected factory.
import './node-compat.js'

export type { ClientOptions, FollowOptions, FollowResult } from './client.js'
export { DurableSessionClient, DurableSessionError, IngressUnreachableError } from './client.js'
export type {
  ApprovalAnswer,
  ApprovalGate,
  ApprovalRequest,
  HostedSession,
  HostedSessionInput,
  QueuePairAgent,
  SessionFactory,
  SessionGrant,
  SteeringInbox,
  SteeringMessage,
  StepJournal,
} from './contract.js'
export type { EventIndex, StoredEvent } from './event-log.js'
export { DEFAULT_MAX_EVENTS } from './event-log.js'
export type { LiveBuffer, LivePush } from './live.js'
export { MAX_LIVE_EVENTS } from './live.js'
export { installPromiseWithResolvers } from './node-compat.js'
export type {
  ApproveRequest,
  CurrentTurn,
  EventsPage,
  EventsRequest,
  SessionObject,
  SessionObjectOptions,
  SteerRequest,
  SteerResult,
  SubmitRequest,
  SubmitResult,
} from './session-object.js'
export { createSessionObject, DEFAULT_IDLE_AFTER_MS, SESSION_OBJECT } from './session-object.js'
export { MAX_QUEUED_STEERING, STEERING_OBJECT_NAME } from './steering.js'
export type { RegisterOptions, Worker, WorkerOptions } from './worker.js'
export { RegistrationError, registerWorker, serveWorker } from './worker.js'
