// What the ACP server needs from its host (the composition root): a way to open an agent session
// for a directory, and to list recorded ones. The server sees an agent only as a structural
// connection (submit ops, read events), like the terminal UI, so it never imports @agent/core.
import type { ApprovalPolicy, Event, Op, SandboxMode, SandboxPolicy } from '@agent/protocol'

/** The agent as the server sees it. `createAgent`'s result from @agent/core satisfies it as is. */
export interface AgentConnection {
  /** Sends an op; resolves with its submission id (the `id` of the events that answer it). */
  submit(op: Op): Promise<string>
  /** Every event until the agent shuts down. Read by one consumer (the server). */
  events(): AsyncIterable<Event>
}

/** An MCP server the client (the editor) wants the session to use, in the runtime's terms. */
export type ClientMcpServer =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { name: string; transport: 'http' | 'sse'; url: string; headers: Record<string, string> }

/**
 * Reads and writes text files through the client, so the editor sees unsaved buffers and shows
 * the agent's edits. Paths are absolute.
 */
export interface ClientFileSystem {
  readTextFile(path: string): Promise<string>
  writeTextFile(path: string, content: string): Promise<void>
}

/** The approval and sandbox settings of a session mode. */
export interface ModeSettings {
  approvalPolicy: ApprovalPolicy
  sandboxMode: SandboxMode
}

export interface OpenSessionRequest {
  cwd: string
  mcpServers: ClientMcpServer[]
  mode: ModeSettings
  /** Resume this recorded session (session/load): the agent starts with its history. */
  resumeId?: string
  /** Present when the client offers `fs/read_text_file` and `fs/write_text_file`. */
  fileSystem?: ClientFileSystem
}

/** A slash command the client may offer (`/name args`). */
export interface SessionCommand {
  name: string
  description: string
  /** What the arguments are, shown as a hint. */
  hint?: string
}

/** A review turn, as the host prepares it. */
export interface ReviewRequest {
  prompt: string
  /** JSON Schema of the answer (the turn's `output_schema`). */
  outputSchema: Record<string, unknown>
  /** The model's (JSON) answer as markdown for the user. */
  present(answer: string): string
}

export interface OpenedSession {
  /** The agent's session id: also the id a later `session/load` takes. */
  id: string
  connection: AgentConnection
  /** The model this session starts with. */
  model: string
  /** Models the client may switch to (the current one included). */
  models: string[]
  /** Commands from plugins and skills; the server adds its built-ins. */
  commands: SessionCommand[]
  /** A prompt starting with `/name` of one of `commands`, expanded to what the model gets. */
  expandCommand(text: string): Promise<string>
  /**
   * MCP servers' prompts as commands (`mcp__<server>__<prompt>`, expanded by `expandCommand`).
   * Called again when the agent reports that MCP start-up completed.
   */
  mcpCommands?(): Promise<SessionCommand[]>
  /**
   * `/review [--base BRANCH | --commit SHA] [focus]`: the review prompt, the schema its answer
   * follows, and the answer as the message the user reads. Rejects with a message for the user
   * (nothing to review, not a git repository...). Absent: no `/review` built-in.
   */
  prepareReview?(args: string): Promise<ReviewRequest>
  /** `/init`: the prompt that has the agent write the repository's AGENTS.md. Absent: no `/init`. */
  initPrompt?(): Promise<string>
  /** The sandbox policy of a mode in this session's directory (writable roots, network). */
  sandboxPolicy(mode: SandboxMode): SandboxPolicy
  /** Shuts the agent down (rollout flushed, processes killed) and closes its MCP servers. */
  close(): Promise<void>
}

export interface RecordedSession {
  id: string
  cwd?: string | undefined
  title?: string | undefined
  /** ISO 8601. */
  updatedAt: string
}

export interface AcpHost {
  /** Opens a new or resumed session. A rejection is reported to the client as the request's error. */
  openSession(request: OpenSessionRequest): Promise<OpenedSession>
  /** Recorded sessions, newest first (session/list). */
  listSessions?(options: { cwd?: string }): Promise<RecordedSession[]>
  /**
   * Undefined when a model provider is configured; otherwise what to do to configure one. The
   * server then advertises an auth method and refuses new sessions with that text.
   */
  credentialsProblem?(): string | undefined
  /** The mode a session starts in, from the user's configuration. */
  defaultMode?: ModeSettings
}
