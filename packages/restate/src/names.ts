// The Restate service names (shared by workers and clients).
export const SESSION_OBJECT = 'AgentSession'
/** The inbox of steering input for a session's running turn (same key as the session). */
export const STEERING_OBJECT = 'AgentSessionSteering'
/** The short-lived buffer of the running step's streaming deltas (same key as the session). */
export const LIVE_OBJECT = 'AgentSessionLive'
