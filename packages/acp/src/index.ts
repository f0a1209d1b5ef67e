// @agent/acp: the Agent Client Protocol server. Editors drive the agent over stdio; the host
// (the composition root) opens agent sessions, this package speaks the protocol.
export type {
  AcpHost,
  AgentConnection,
  ClientFileSystem,
  ClientMcpServer,
  ModeSettings,
  OpenedSession,
  OpenSessionRequest,
  RecordedSession,
  SessionCommand,
} from './host.js'
export { MODES, type ModeId } from './modes.js'
export { type AcpServer, type AcpServerOptions, serveAcp, serveAcpStream } from './server.js'
