// The connection manager: starts every configured MCP server concurrently, offers their tools to
// the agent under model-safe names, routes calls with timeouts and cancellation, and turns every
// server failure into an error result for the model instead of an exception. It satisfies core's
// `ToolProvider` port structurally.
import type { ContentPart, EventMsg } from '@agent/protocol'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  DEFAULT_STARTUP_TIMEOUT_SEC,
  DEFAULT_TOOL_TIMEOUT_SEC,
  type McpServerConfig,
  transportOf,
} from '../config.js'
import { toolResultToParts } from '../content.js'
import { AgentMcpError, describeError } from '../errors.js'
import type { Environment } from '../expand.js'
import { ToolNamer } from '../tool-names.js'
import {
  type ClientIdentity,
  type McpRoot,
  ServerConnection,
  type ServerRequestHandlers,
} from './connection.js'
import { type McpOAuthOptions, memoryOAuthStore } from './oauth.js'
import { promptArguments, promptCommand, promptMessagesText } from './prompts.js'
import { RESOURCE_TOOL_NAMES, ResourceTools } from './resources.js'
import type { ServerStatus } from './status.js'

/** A tool offered to the model (the shape of core's `ProvidedTool`). */
export interface McpProvidedTool {
  name: string
  description: string
  inputSchema: Record<string, unknown>
  server: string
  tool: string
  readOnly?: boolean
}

/** A tool result for the model (the shape of core's `ProvidedToolResult`). */
export interface McpToolResult {
  content: ContentPart[]
  isError: boolean
  structuredContent?: unknown
  raw?: unknown
}

export interface McpManagerOptions extends ServerRequestHandlers {
  /** Name and version sent in `initialize`. */
  clientInfo?: ClientIdentity
  /** Environment for `${VAR}` expansion, bearer tokens and header variables (default `process.env`). */
  env?: Environment
  /** Working directory of stdio servers without `cwd` (default: the process's). */
  cwd?: string
  /** Where stdio servers' stderr and transport errors go. Default: dropped (kept only as a short tail for start-up errors). */
  onStderr?: (server: string, chunk: string) => void
  /** OAuth for HTTP servers that answer 401 (see `McpOAuthOptions`). Absent: such servers fail to start. */
  oauth?: McpOAuthOptions
  /** How many times a server that went away is reconnected over the manager's life (default 3). */
  maxRestarts?: number
  /**
   * Servers reached through a transport of the caller's (e.g. an in-process server over the SDK's
   * `InMemoryTransport`): server name -> a function opening a fresh transport at each (re)connect.
   * Such a server's config only supplies the settings (timeouts, tool filters, `required`).
   */
  transports?: Record<string, () => Promise<Transport> | Transport>
  /**
   * Roots offered to every server (the client `roots` capability, answered on `roots/list`),
   * typically the session's working directory as a `file://` URI (see `rootForDirectory`).
   * Absent: the capability is not declared. Change them with `setRoots`.
   */
  roots?: readonly McpRoot[]
}

/** A prompt a server offers, as a slash command `/mcp__<server>__<prompt>`. */
export interface McpPromptInfo {
  server: string
  name: string
  /** What the user types after `/`. */
  command: string
  description?: string
  /** Declared arguments, in order: positional words map onto them. */
  arguments: { name: string; description?: string; required?: boolean }[]
}

type ServerState =
  | { state: 'disabled' }
  | { state: 'starting' }
  | { state: 'ready' }
  | { state: 'failed'; error: string }
  /** Lost after start-up; reconnected on the next call while restarts remain. */
  | { state: 'disconnected'; reason: string }
  /** Stopped by `idle()` while the session waits; started again by `wake()` or the next call. */
  | { state: 'idle' }

interface ServerEntry {
  connection: ServerConnection
  status: ServerState
  restarts: number
  /** Model-facing name per server tool name. */
  names: Map<string, string>
  /** The reconnect in progress, shared by concurrent calls. */
  reconnecting?: Promise<void>
}

interface Route {
  server: string
  tool: string
}

const DEFAULT_CLIENT: ClientIdentity = { name: 'agent', version: '0.1.0' }

export class McpConnectionManager {
  private readonly servers = new Map<string, ServerEntry>()
  private readonly routes = new Map<string, Route>()
  private readonly namer = new ToolNamer()
  private readonly resources: ResourceTools
  private readonly maxRestarts: number
  private onEvent: (msg: EventMsg) => void = () => {}
  private started: Promise<void> | undefined
  private closed = false
  private roots: readonly McpRoot[] | undefined

  constructor(
    private readonly configs: Record<string, McpServerConfig>,
    options: McpManagerOptions = {},
  ) {
    this.maxRestarts = options.maxRestarts ?? 3
    this.roots = options.roots
    for (const name of RESOURCE_TOOL_NAMES) this.namer.reserve(name)
    const env = options.env ?? process.env
    const oauth = options.oauth && { ...options.oauth, store: options.oauth.store ?? memoryOAuthStore() }
    for (const [name, config] of Object.entries(configs)) {
      const connection = new ServerConnection(name, config, {
        client: options.clientInfo ?? DEFAULT_CLIENT,
        env,
        cwd: options.cwd,
        onElicitation: options.onElicitation,
        onSampling: options.onSampling,
        onProgress: options.onProgress,
        oauth,
        onStderr: options.onStderr ?? (() => {}),
        openTransport: options.transports?.[name],
        onDisconnect: (server, reason) => this.lost(server, reason),
        onToolsChanged: (server) => this.toolsChanged(server),
        ...(options.roots ? { roots: () => this.roots ?? [] } : {}),
      })
      const status: ServerState = config.enabled === false ? { state: 'disabled' } : { state: 'starting' }
      this.servers.set(name, { connection, status, restarts: 0, names: new Map() })
    }
    this.resources = new ResourceTools({
      servers: () =>
        [...this.servers.entries()]
          .filter(([, entry]) => entry.status.state === 'ready' && entry.connection.hasResources)
          .map(([name, entry]) => ({ name, connection: entry.connection })),
      ensure: (server) => this.ensureConnected(server),
      timeoutMs: (server) => this.toolTimeoutMs(server),
    })
  }

  /**
   * Starts every enabled server concurrently, each bounded by its `startup_timeout_sec`. Emits
   * `mcp_startup_update` per server and `mcp_startup_complete` at the end. Rejects (kind
   * `required_server_failed`) when a `required` server failed; optional failures only show in events.
   */
  start(onEvent?: (msg: EventMsg) => void): Promise<void> {
    if (onEvent) this.onEvent = onEvent
    this.started ??= this.startAll()
    return this.started
  }

  /**
   * Start-up done, whoever started it: a caller that skipped `start()` still gets the servers
   * (without events); a required server's failure was already reported by `start()`.
   */
  private async startedQuietly(): Promise<void> {
    await this.start().catch(() => {})
  }

  private async startAll(): Promise<void> {
    if (this.closed) return
    const enabled = [...this.servers.entries()].filter(([, e]) => e.status.state !== 'disabled')
    const cancelled: string[] = []
    await Promise.all(
      enabled.map(async ([name, entry]) => {
        this.onEvent({ type: 'mcp_startup_update', server: name, status: { state: 'starting' } })
        try {
          await entry.connection.connect(this.startupTimeoutMs(name))
          if (this.closed) {
            await entry.connection.disconnect()
            throw new Error('was not started: the manager was closed during start-up')
          }
          entry.status = { state: 'ready' }
          this.assignNames(name, entry)
          this.onEvent({
            type: 'mcp_startup_update',
            server: name,
            status: { state: 'ready', tools: entry.names.size },
          })
        } catch (error) {
          entry.status = { state: 'failed', error: `MCP server '${name}' ${describeError(error)}` }
          if (this.closed) {
            cancelled.push(name)
            this.onEvent({ type: 'mcp_startup_update', server: name, status: { state: 'cancelled' } })
            return
          }
          this.onEvent({
            type: 'mcp_startup_update',
            server: name,
            status: { state: 'failed', error: entry.status.error },
          })
        }
      }),
    )
    const failed = enabled
      .filter(([name, e]) => e.status.state === 'failed' && !cancelled.includes(name))
      .map(([server, e]) => ({ server, error: (e.status as { error: string }).error }))
    this.onEvent({
      type: 'mcp_startup_complete',
      ready: enabled.filter(([, e]) => e.status.state === 'ready').map(([name]) => name),
      failed,
      cancelled,
    })
    const required = failed.filter(({ server }) => this.configs[server]?.required)
    if (required.length > 0) {
      throw new AgentMcpError(
        'required_server_failed',
        `required MCP server${required.length > 1 ? 's' : ''} failed to start: ${required.map((f) => f.error).join('; ')}`,
      )
    }
  }

  /** Gives model-facing names to the server's (filtered) tools; existing names are kept across restarts. */
  private assignNames(server: string, entry: ServerEntry): void {
    for (const tool of this.filteredTools(server, entry)) {
      if (entry.names.has(tool.name)) continue
      const name = this.namer.assign(server, tool.name)
      entry.names.set(tool.name, name)
      this.routes.set(name, { server, tool: tool.name })
    }
  }

  private filteredTools(server: string, entry: ServerEntry) {
    const config = this.configs[server]
    const enabled = config?.enabled_tools ? new Set(config.enabled_tools) : undefined
    const disabled = new Set(config?.disabled_tools ?? [])
    return entry.connection.tools.filter((t) => (!enabled || enabled.has(t.name)) && !disabled.has(t.name))
  }

  /** Tools of every ready server, plus the resource tools when a server offers resources. */
  async listTools(): Promise<McpProvidedTool[]> {
    await this.startedQuietly()
    const out: McpProvidedTool[] = []
    for (const [server, entry] of this.servers) {
      if (entry.status.state !== 'ready' && entry.status.state !== 'disconnected') continue
      for (const tool of this.filteredTools(server, entry)) {
        const name = entry.names.get(tool.name)
        if (!name) continue
        const provided: McpProvidedTool = {
          name,
          description: tool.description ?? tool.title ?? `${tool.name} (MCP server ${server})`,
          inputSchema: tool.inputSchema as Record<string, unknown>,
          server,
          tool: tool.name,
        }
        if (tool.annotations?.readOnlyHint === true) provided.readOnly = true
        out.push(provided)
      }
    }
    if (this.resources.available()) out.push(...this.resources.definitions())
    return out
  }

  /**
   * Calls a tool by its model-facing name. Never rejects: unknown tools, timeouts, cancellations,
   * crashes and protocol errors come back as `isError` results with a message for the model.
   */
  async callTool(
    name: string,
    args: unknown,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<McpToolResult> {
    await this.startedQuietly()
    if (RESOURCE_TOOL_NAMES.includes(name)) return this.resources.call(name, args, options)
    const route = this.routes.get(name)
    if (!route) return errorResult(`Unknown MCP tool '${name}'. Available tools are listed in the tool list.`)
    if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
      return errorResult(`Arguments of '${name}' must be a JSON object.`)
    }
    const label = `MCP tool '${route.tool}' on server '${route.server}'`
    const ready = await this.ensureConnected(route.server)
    if (!ready.ok) return errorResult(`${label} is unavailable: ${ready.error}`)
    const entry = this.servers.get(route.server) as ServerEntry
    const timeoutMs = options.timeoutMs ?? this.toolTimeoutMs(route.server)
    const outcome = await entry.connection.callTool(
      route.tool,
      (args ?? undefined) as Record<string, unknown>,
      {
        signal: options.signal,
        timeoutMs,
      },
    )
    if (outcome.ok) {
      const result = outcome.result
      const out: McpToolResult = {
        content: toolResultToParts(result),
        isError: result.isError === true,
        raw: result,
      }
      if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent
      return out
    }
    if (outcome.kind === 'disconnected') {
      const restartable = entry.restarts < this.maxRestarts
      return errorResult(
        `${label} failed: ${outcome.error}. ${
          restartable
            ? 'The server will be restarted on the next call; you may retry.'
            : 'It has been restarted too often and will not be restarted again.'
        }`,
      )
    }
    return errorResult(`${label} failed: ${outcome.error}`)
  }

  /**
   * Replaces the roots and sends `notifications/roots/list_changed` to every connected server
   * (e.g. when the session's working directory changes). Only with the `roots` option.
   */
  async setRoots(roots: readonly McpRoot[]): Promise<void> {
    if (!this.roots) throw new Error('setRoots: the manager was created without the roots option')
    this.roots = roots
    await Promise.all(
      [...this.servers.values()]
        .filter((entry) => entry.status.state === 'ready' && entry.connection.connected)
        .map((entry) => entry.connection.rootsChanged().catch(() => {})),
    )
  }

  /** Prompts of every ready server (start-up awaited), as slash commands. */
  async listPrompts(): Promise<McpPromptInfo[]> {
    await this.startedQuietly()
    const out: McpPromptInfo[] = []
    for (const [server, entry] of this.servers) {
      if (entry.status.state !== 'ready' && entry.status.state !== 'disconnected') continue
      for (const prompt of entry.connection.prompts) {
        out.push({
          server,
          name: prompt.name,
          command: promptCommand(server, prompt.name),
          ...(prompt.description !== undefined ? { description: prompt.description } : {}),
          arguments: (prompt.arguments ?? []).map((a) => ({
            name: a.name,
            ...(a.description !== undefined ? { description: a.description } : {}),
            ...(a.required !== undefined ? { required: a.required } : {}),
          })),
        })
      }
    }
    return out
  }

  /**
   * Expands `/mcp__<server>__<prompt> args`: positional words map onto the prompt's declared
   * arguments in order (the last takes the rest), `prompts/get` runs, and its messages become
   * the text of the user's input. Undefined when `command` names no prompt of a ready server.
   * Rejects, naming the prompt, on a missing required argument or a server error.
   */
  async expandPrompt(command: string, words: readonly string[]): Promise<string | undefined> {
    const prompt = (await this.listPrompts()).find((p) => p.command === command)
    if (!prompt) return undefined
    const args = promptArguments(prompt, words)
    const connected = await this.ensureConnected(prompt.server)
    if (!connected.ok) throw new Error(`/${command}: MCP server '${prompt.server}': ${connected.error}`)
    const entry = this.servers.get(prompt.server) as ServerEntry
    let result: Awaited<ReturnType<ServerConnection['getPrompt']>>
    try {
      result = await entry.connection.getPrompt(prompt.name, args, this.toolTimeoutMs(prompt.server))
    } catch (error) {
      throw new Error(`/${command}: prompts/get failed: ${describeError(error)}`)
    }
    return promptMessagesText(result.messages)
  }

  /** Reconnects a server that went away, within the restart budget. */
  private async ensureConnected(server: string): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'the MCP connection manager is closed' }
    await this.startedQuietly()
    const entry = this.servers.get(server)
    if (!entry) return { ok: false, error: `no MCP server named '${server}'` }
    const status = entry.status
    if (status.state === 'ready' && entry.connection.connected) return { ok: true }
    if (status.state === 'disabled')
      return { ok: false, error: 'the server is disabled in the configuration' }
    if (status.state === 'failed') return { ok: false, error: status.error }
    if (status.state === 'idle') return this.wakeServer(server, entry)
    if (status.state === 'ready')
      this.lost(server, entry.connection.disconnectReason ?? 'the connection was lost')
    if (!entry.reconnecting) {
      if (entry.restarts >= this.maxRestarts) {
        const reason = entry.status.state === 'disconnected' ? entry.status.reason : 'it went away'
        return {
          ok: false,
          error: `${reason}, and it was already restarted ${entry.restarts} times (the limit); restart the session after fixing it`,
        }
      }
      entry.restarts++
      entry.reconnecting = this.reconnect(server, entry).finally(() => {
        entry.reconnecting = undefined
      })
    }
    try {
      await entry.reconnecting
      return { ok: true }
    } catch (error) {
      return { ok: false, error: `restarting it failed: ${describeError(error)}` }
    }
  }

  private async reconnect(server: string, entry: ServerEntry): Promise<void> {
    await entry.connection.connect(this.startupTimeoutMs(server))
    entry.status = { state: 'ready' }
    this.assignNames(server, entry)
    this.onEvent({
      type: 'background_event',
      message: `MCP server '${server}' restarted (${entry.restarts} of at most ${this.maxRestarts} restarts)`,
    })
  }

  private toolsChanged(server: string): void {
    const entry = this.servers.get(server)
    if (entry?.status.state !== 'ready') return
    this.assignNames(server, entry)
    this.onEvent({
      type: 'background_event',
      message: `MCP server '${server}' changed its tools (${this.filteredTools(server, entry).length} now)`,
    })
  }

  private lost(server: string, reason: string): void {
    const entry = this.servers.get(server)
    if (!entry || this.closed || entry.status.state !== 'ready') return
    entry.status = { state: 'disconnected', reason }
    const restartable = entry.restarts < this.maxRestarts
    this.onEvent({
      type: 'warning',
      message: `MCP server '${server}' stopped: ${reason}.${restartable ? ' It will be restarted on its next tool call.' : ''}`,
    })
  }

  private startupTimeoutMs(server: string): number {
    return (this.configs[server]?.startup_timeout_sec ?? DEFAULT_STARTUP_TIMEOUT_SEC) * 1000
  }

  private toolTimeoutMs(server: string): number {
    return (this.configs[server]?.tool_timeout_sec ?? DEFAULT_TOOL_TIMEOUT_SEC) * 1000
  }

  /** One row per configured server, for `agent mcp list` and diagnostics. */
  status(): ServerStatus[] {
    return [...this.servers.entries()].map(([name, entry]) => {
      const config = this.configs[name] as McpServerConfig
      const s = entry.status
      return {
        name,
        transport: transportOf(config),
        target: config.url ?? [config.command, ...(config.args ?? [])].join(' '),
        state: s.state,
        tools: s.state === 'ready' || s.state === 'disconnected' ? entry.names.size : undefined,
        error: s.state === 'failed' ? s.error : s.state === 'disconnected' ? s.reason : undefined,
        restarts: entry.restarts,
        serverInfo: entry.connection.serverInfo,
        stderrTail: entry.connection.stderr.lastLines(3) || undefined,
      }
    })
  }

  /**
   * Stops every running server's process while the session waits for a long time (a durable turn
   * suspended on an approval); `wake()`, or the next call to one of its tools, starts it again.
   * Neither emits events nor counts as a restart: the session did not lose anything.
   */
  async idle(): Promise<void> {
    if (this.closed) return
    await this.startedQuietly()
    const running = [...this.servers.values()].filter((entry) => entry.status.state === 'ready')
    await Promise.all(
      running.map(async (entry) => {
        entry.status = { state: 'idle' }
        await entry.connection.disconnect()
      }),
    )
  }

  /** Starts the servers `idle()` stopped; one that fails to start is reported by its next call. */
  async wake(): Promise<void> {
    const idle = [...this.servers.entries()].filter(([, entry]) => entry.status.state === 'idle')
    await Promise.all(idle.map(([name, entry]) => this.wakeServer(name, entry)))
  }

  private async wakeServer(
    server: string,
    entry: ServerEntry,
  ): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'the MCP connection manager is closed' }
    entry.reconnecting ??= entry.connection
      .connect(this.startupTimeoutMs(server))
      .then(
        () => {
          entry.status = { state: 'ready' }
          this.assignNames(server, entry)
        },
        (error: unknown) => {
          entry.status = {
            state: 'disconnected',
            reason: `starting it again after an idle stop failed: ${describeError(error)}`,
          }
          throw error
        },
      )
      .finally(() => {
        entry.reconnecting = undefined
      })
    try {
      await entry.reconnecting
      return { ok: true }
    } catch (error) {
      return { ok: false, error: `starting it again after an idle stop failed: ${describeError(error)}` }
    }
  }

  /** Shuts every server down; later calls return error results. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.servers.values()].map((entry) => entry.connection.disconnect()))
  }
}

function errorResult(message: string): McpToolResult {
  return { content: [{ type: 'input_text', text: message }], isError: true }
}

/** Creates a manager for the given servers (see `McpConnectionManager`). */
export function createMcpManager(
  configs: Record<string, McpServerConfig>,
  options?: McpManagerOptions,
): McpConnectionManager {
  return new McpConnectionManager(configs, options)
}
