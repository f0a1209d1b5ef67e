// A SessionStore that keeps rollouts in memory: for tests, ephemeral sessions and embedders who
// persist elsewhere. Lines are cloned on the way in and out, like a real store would.
import type { RolloutLine, SessionMeta } from '@agent/protocol'
import {
  type LoadedSession,
  SessionNotFoundError,
  type SessionStore,
  type SessionSummary,
  type SessionWriter,
  summarise,
} from './session-store.js'

interface Record {
  meta: SessionMeta
  lines: RolloutLine[]
  updatedAt: string
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Record>()

  constructor(private readonly now: () => Date = () => new Date()) {}

  async create(meta: SessionMeta): Promise<SessionWriter> {
    if (this.sessions.has(meta.id)) throw new Error(`session ${meta.id} already exists`)
    const record: Record = {
      meta: structuredClone(meta),
      lines: [{ timestamp: meta.timestamp, type: 'session_meta', payload: structuredClone(meta) }],
      updatedAt: meta.timestamp,
    }
    this.sessions.set(meta.id, record)
    return this.writerFor(record)
  }

  /**
   * Adds a session from rollout lines kept elsewhere (the first must be its `session_meta`), so
   * `createAgent({ store, session: { type: 'resume', sessionId } })` rebuilds it: how a durable
   * worker restores a session from the state its engine stores. Returns the session id.
   */
  import(lines: readonly RolloutLine[]): string {
    const first = lines[0]
    if (first?.type !== 'session_meta') {
      throw new Error(
        `cannot import a session: its first rollout line must be session_meta, got ${first ? first.type : 'no lines'}`,
      )
    }
    const meta = first.payload
    if (this.sessions.has(meta.id)) throw new Error(`session ${meta.id} already exists in this store`)
    const last = lines.at(-1) as RolloutLine
    this.sessions.set(meta.id, {
      meta: structuredClone(meta),
      lines: structuredClone([...lines]),
      updatedAt: last.timestamp,
    })
    return meta.id
  }

  async openForAppend(id: string): Promise<SessionWriter> {
    return this.writerFor(this.get(id))
  }

  async load(id: string): Promise<LoadedSession> {
    const record = this.get(id)
    return { meta: structuredClone(record.meta), lines: structuredClone(record.lines), warnings: [] }
  }

  async list(options: { limit?: number } = {}): Promise<SessionSummary[]> {
    const all = [...this.sessions.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    return all
      .slice(0, options.limit ?? 20)
      .map((r) => summarise({ meta: r.meta, lines: r.lines, warnings: [] }, r.updatedAt))
  }

  private get(id: string): Record {
    const record = this.sessions.get(id)
    if (!record) throw new SessionNotFoundError(`no session with id ${id}`)
    return record
  }

  private writerFor(record: Record): SessionWriter {
    let closed = false
    return {
      append: async (lines) => {
        if (closed) throw new Error(`session ${record.meta.id}: writer is closed`)
        // One clone per append, not per line: on Node 20 each structuredClone is a message
        // through a MessagePort, and a step appends several lines.
        for (const line of structuredClone(lines)) record.lines.push(line)
        record.updatedAt = this.now().toISOString()
      },
      close: async () => {
        closed = true
      },
    }
  }
}
