// The ACP agent: JSON-RPC 2.0 over stdio (one message per line) on the official SDK. Requests are
// validated by the SDK's schemas (bad params are -32602 errors that name the field); sessions
// are kept by id, several at once, each over its own agent connection from the host.
import type { Readable, Writable } from 'node:stream'
import {
  type AgentContext,
  agent as acpAgent,
  type ClientCapabilities,
  type ContentBlock,
  type InitializeResponse,
  type McpServer,
  PROTOCOL_VERSION,
  RequestError,
  type Stream,
} from '@agentclientprotocol/sdk'
import { z } from 'zod'
import type { AcpHost, ClientFileSystem, ClientMcpServer } from './host.js'
import { findMode, type ModeId, modeFor } from './modes.js'
import { AcpSession } from './session.js'
import { stdioStream } from './stdio-stream.js'

export interface AcpServerOptions {
  host: AcpHost
  /** Name and version reported as `agentInfo`. */
  agentInfo: { name: string; title?: string; version: string }
  /** Diagnostics (stderr by default: stdout carries only protocol messages). */
  log?: (line: string) => void
}

export interface AcpServer {
  /** Resolves when the client closes the connection; every session is closed by then. */
  readonly closed: Promise<void>
  /** Closes every session and the connection. */
  close(): Promise<void>
}

/** Sessions in this process; the `unstable` `session/set_model` (still sent by some editors). */
const SetModelParams = z.object({ sessionId: z.string(), modelId: z.string() })

/**
 * `_session/steering` (an extension claude-agent-acp and codex-acp ship, advertised as
 * `_meta.steering.supported`): the prompt joins the running turn. The blocks are checked when
 * the session turns them into input (unknown block types are ignored there).
 */
const SteeringParams = z.object({
  sessionId: z.string(),
  prompt: z.array(z.looseObject({ type: z.string() })),
  _meta: z.unknown().optional(),
})

function toClientMcp(server: McpServer): ClientMcpServer {
  if ('type' in server && (server.type === 'http' || server.type === 'sse')) {
    return {
      name: server.name,
      transport: server.type,
      url: server.url,
      headers: Object.fromEntries(server.headers.map((h) => [h.name, h.value])),
    }
  }
  const stdio = server as Extract<McpServer, { command: string }>
  return {
    name: stdio.name,
    transport: 'stdio',
    command: stdio.command,
    args: stdio.args,
    env: Object.fromEntries(stdio.env.map((v) => [v.name, v.value])),
  }
}

function clientFileSystem(client: AgentContext, sessionId: () => string): ClientFileSystem {
  return {
    async readTextFile(path) {
      const response = await client.request('fs/read_text_file', { sessionId: sessionId(), path })
      return response.content
    },
    async writeTextFile(path, content) {
      await client.request('fs/write_text_file', { sessionId: sessionId(), path, content })
    },
  }
}

/** Serves ACP on a stream (for tests: a pair of in-memory streams). */
export function serveAcpStream(stream: Stream, options: AcpServerOptions): AcpServer {
  const { host } = options
  const log = options.log ?? ((line: string) => process.stderr.write(`agent acp: ${line}\n`))
  const sessions = new Map<string, AcpSession>()
  let capabilities: ClientCapabilities = {}

  const session = (id: string): AcpSession => {
    const found = sessions.get(id)
    if (!found) {
      throw new RequestError(
        -32002,
        `no session "${id}" in this process: create one with session/new, or open a recorded one with session/load`,
        { sessionId: id },
      )
    }
    return found
  }
  const requireCredentials = () => {
    const problem = host.credentialsProblem?.()
    if (problem) throw RequestError.authRequired(undefined, problem)
  }

  async function open(
    client: AgentContext,
    cwd: string,
    servers: McpServer[],
    resumeId?: string,
  ): Promise<AcpSession> {
    if (!cwd.startsWith('/'))
      throw RequestError.invalidParams({ cwd }, `cwd must be an absolute path, got "${cwd}"`)
    requireCredentials()
    const mode: ModeId = modeFor(host.defaultMode)
    const settings = findMode(mode)?.settings
    let id = resumeId ?? ''
    const fs =
      capabilities.fs?.readTextFile && capabilities.fs?.writeTextFile
        ? clientFileSystem(client, () => id)
        : undefined
    let opened: Awaited<ReturnType<AcpHost['openSession']>>
    try {
      opened = await host.openSession({
        cwd,
        mcpServers: servers.map(toClientMcp),
        mode: settings ?? { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
        ...(resumeId ? { resumeId } : {}),
        ...(fs ? { fileSystem: fs } : {}),
      })
    } catch (error) {
      if (error instanceof RequestError) throw error
      const message = (error as Error).message
      if (resumeId && /no (such )?session|not found|ENOENT/i.test(message))
        throw new RequestError(-32002, message, { sessionId: resumeId })
      throw RequestError.internalError({ cwd }, message)
    }
    id = opened.id
    const created = new AcpSession(opened, client, mode, log, cwd)
    sessions.set(created.id, created)
    return created
  }

  const app = acpAgent({ name: options.agentInfo.name })
    .onRequest('initialize', ({ params }) => {
      capabilities = params.clientCapabilities ?? {}
      const problem = host.credentialsProblem?.()
      const response: InitializeResponse = {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: {
          loadSession: true,
          promptCapabilities: { image: true, audio: false, embeddedContext: true },
          mcpCapabilities: { http: true, sse: true },
          sessionCapabilities: { list: host.listSessions ? {} : null, close: {} },
        },
        agentInfo: options.agentInfo,
        _meta: { steering: { supported: true } },
        authMethods: problem
          ? [{ id: 'configure-provider', name: 'Configure a model provider', description: problem }]
          : [],
      }
      return response
    })
    .onRequest('authenticate', () => {
      requireCredentials()
      return {}
    })
    .onRequest('session/new', async ({ params, client }) => {
      const created = await open(client, params.cwd, params.mcpServers)
      setImmediate(() => void created.announceCommands().catch((e: Error) => log(e.message)))
      return { sessionId: created.id, modes: created.modeState, configOptions: created.configOptions }
    })
    .onRequest('session/load', async ({ params, client }) => {
      const existing = sessions.get(params.sessionId)
      if (existing) await existing.close()
      sessions.delete(params.sessionId)
      const loaded = await open(client, params.cwd, params.mcpServers, params.sessionId)
      await loaded.replay()
      setImmediate(() => void loaded.announceCommands().catch((e: Error) => log(e.message)))
      return { modes: loaded.modeState, configOptions: loaded.configOptions }
    })
    .onRequest('session/list', async ({ params }) => {
      if (!host.listSessions) throw RequestError.methodNotFound('session/list')
      const found = await host.listSessions(params.cwd ? { cwd: params.cwd } : {})
      return {
        sessions: found
          .filter((s) => !params.cwd || s.cwd === params.cwd)
          .map((s) => ({
            sessionId: s.id,
            cwd: s.cwd ?? '',
            updatedAt: s.updatedAt,
            ...(s.title ? { title: s.title } : {}),
          })),
      }
    })
    .onRequest('session/close', async ({ params }) => {
      const found = session(params.sessionId)
      sessions.delete(params.sessionId)
      await found.close()
      return {}
    })
    .onRequest('session/set_mode', async ({ params }) => {
      await session(params.sessionId).setMode(params.modeId)
      return {}
    })
    .onRequest('session/set_config_option', async ({ params }) => {
      const target = session(params.sessionId)
      const value = params.value
      if (typeof value !== 'string')
        throw RequestError.invalidParams(
          { configId: params.configId },
          `${params.configId} takes a string value`,
        )
      if (params.configId === 'mode') await target.setMode(value)
      else if (params.configId === 'model') await target.setModel(value)
      else
        throw RequestError.invalidParams(
          { configId: params.configId },
          `unknown config option "${params.configId}"; the options are mode, model`,
        )
      return { configOptions: target.configOptions }
    })
    .onRequest('session/set_model', SetModelParams, async ({ params }) => {
      await session(params.sessionId).setModel(params.modelId)
      return {}
    })
    .onRequest('session/prompt', async ({ params }) => {
      const stopReason = await session(params.sessionId).prompt(params.prompt)
      return { stopReason }
    })
    .onRequest('_session/steering', SteeringParams, async ({ params }) =>
      session(params.sessionId).steer(params.prompt as unknown as ContentBlock[]),
    )
    .onNotification('session/cancel', async ({ params }) => {
      const found = sessions.get(params.sessionId)
      if (!found) {
        log(`session/cancel: no session ${params.sessionId}`)
        return
      }
      await found.cancel()
    })

  const connection = app.connect(stream)
  const closeAll = async () => {
    const all = [...sessions.values()]
    sessions.clear()
    await Promise.allSettled(all.map((s) => s.close()))
  }
  const closed = connection.closed.then(closeAll, closeAll)
  return {
    closed,
    async close() {
      connection.close()
      await closed
    },
  }
}

/** Serves ACP on stdin/stdout: what `agent acp` runs. */
export function serveAcp(
  options: AcpServerOptions & { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream },
): AcpServer {
  const input = (options.stdin ?? process.stdin) as Readable
  const output = (options.stdout ?? process.stdout) as Writable
  return serveAcpStream(stdioStream(input, output), options)
}
