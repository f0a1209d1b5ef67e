// Port: where sessions are recorded (append-only rollout lines) and read back for resume, fork
// and listing. Core ships two implementations: in memory, and JSONL files under $AGENT_HOME.
import type { RolloutLine, SessionMeta } from '@agent/protocol'

export interface SessionWriter {
  /** Where the rollout lives (a file path), when it has one. */
  readonly path?: string
  /** Records lines in order; each is durable (flushed) before the promise resolves. */
  append(lines: RolloutLine[]): Promise<void>
  close(): Promise<void>
}

export interface LoadedSession {
  meta: SessionMeta
  lines: RolloutLine[]
  path?: string
  /** Lines skipped while loading (a torn last line after a crash, a line that fails the schema). */
  warnings: string[]
}

export interface SessionSummary {
  id: string
  path?: string
  /** When the session started (ISO 8601). */
  timestamp: string
  /** When the session was last written to (ISO 8601). */
  updatedAt: string
  cwd: string
  model?: string
  /** The first thing the user asked, for pickers. */
  firstUserMessage?: string
  forkedFrom?: string
}

export interface SessionStore {
  /** Starts a new rollout whose first line is `meta`. */
  create(meta: SessionMeta): Promise<SessionWriter>
  /** Reopens an existing rollout for appending (resume). */
  openForAppend(id: string): Promise<SessionWriter>
  /** Reads a session back; rejects with a SessionNotFoundError when there is none. */
  load(id: string): Promise<LoadedSession>
  /** Most recently updated first. */
  list(options?: { limit?: number }): Promise<SessionSummary[]>
}

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError'
  readonly kind = 'session_not_found'
}

/** Summarises a loaded rollout (shared by both stores). */
export function summarise(loaded: LoadedSession, updatedAt: string): SessionSummary {
  let firstUserMessage: string | undefined
  for (const line of loaded.lines) {
    if (line.type === 'event_msg' && line.payload.type === 'user_message') {
      firstUserMessage = line.payload.message
      break
    }
  }
  const summary: SessionSummary = {
    id: loaded.meta.id,
    timestamp: loaded.meta.timestamp,
    updatedAt,
    cwd: loaded.meta.cwd,
  }
  if (loaded.path) summary.path = loaded.path
  if (loaded.meta.model) summary.model = loaded.meta.model
  if (firstUserMessage !== undefined) summary.firstUserMessage = firstUserMessage
  if (loaded.meta.forked_from) summary.forkedFrom = loaded.meta.forked_from
  return summary
}
