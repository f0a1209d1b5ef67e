// The Restate service name of the session object (shared by workers and clients).
export const SESSION_OBJECT = 'AgentSession'
