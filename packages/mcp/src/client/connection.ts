// One MCP server as the manager sees it: connect (spawn or dial, initialise, list tools) under a
// start-up timeout, call tools with a timeout and cancellation, notice when the server goes away,
// and reconnect on demand. The SDK is imported lazily so that an agent without MCP servers never
// loads it.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type {
  CallToolResult,
  CreateMessageRequest,
  CreateMessageResult,
  ElicitRequest,
  ElicitResult,
  GetPromptResult,
  Prompt,
  Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { type McpServerConfig, transportOf } from '../config.js'
import { describeError } from '../errors.js'
import { type Environment, expandServerConfig } from '../expand.js'
import { type McpOAuthOptions, type OAuthStore, ServerOAuthProvider } from './oauth.js'
import { StderrTail } from './stderr.js'
import { type AuthorizableTransport, createHttpTransport, createStdioTransport } from './transports.js'

export interface ClientIdentity {
  name: string
  version: string
}

/** Requests a server may send back to the agent while it runs. */
export interface ServerRequestHandlers {
  /** Answer an elicitation (a form the server wants the user to fill). Absent: not offered. */
  onElicitation?: (
    server: string,
    params: ElicitRequest['params'],
    context: { signal: AbortSignal },
  ) => Promise<ElicitResult>
  /** Progress notifications of running tool calls. */
  onProgress?: (
    server: string,
    tool: string,
    progress: { progress: number; total?: number; message?: string },
  ) => void
  /** Answer a sampling request (the server asks the model). Absent: not offered. */
  onSampling?: (
    server: string,
    params: CreateMessageRequest['params'],
    context: { signal: AbortSignal },
  ) => Promise<CreateMessageResult>
}

export interface ConnectionOptions extends ServerRequestHandlers {
  client: ClientIdentity
  env: Environment
  /** Working directory of stdio servers without `cwd`. */
  cwd?: string
  /** OAuth for HTTP servers that require it; absent: a 401 fails the server's start-up. */
  oauth?: McpOAuthOptions & { store: OAuthStore }
  /** Receives each chunk a stdio server writes to stderr. */
  onStderr: (server: string, chunk: string) => void
  /** The server announced a new tool list, which has been read. */
  onToolsChanged: (server: string) => void
  /** The connection was lost without `close()` being called. */
  onDisconnect: (server: string, reason: string) => void
  /**
   * The roots offered to servers (`roots/list`), e.g. the session's working directory as a
   * `file://` URI. Absent: the client does not declare the `roots` capability.
   */
  roots?: () => readonly McpRoot[]
  /** Opens the transport instead of the config's command or URL (an in-process server). */
  openTransport?: (() => Promise<Transport> | Transport) | undefined
}

/** A root offered to servers: `{uri: "file:///repo", name: "repo"}`. */
export interface McpRoot {
  uri: string
  name?: string
}

export type CallOutcome =
  | { ok: true; result: CallToolResult }
  | { ok: false; error: string; kind: 'timeout' | 'aborted' | 'disconnected' | 'protocol' }

interface Live {
  client: Client
  transport: Transport
}

export class ServerConnection {
  private live: Live | undefined
  private closing = false
  /** Set while a disconnect is being reported, so concurrent calls share one explanation. */
  private lostReason: string | undefined
  readonly stderr = new StderrTail()
  tools: Tool[] = []
  /** The server's prompts, read at connect when it declares the `prompts` capability. */
  prompts: Prompt[] = []
  hasResources = false
  serverInfo: { name: string; version: string } | undefined
  private authProvider: ServerOAuthProvider | undefined
  private cancelConnect: (() => void) | undefined

  constructor(
    readonly name: string,
    readonly config: McpServerConfig,
    private readonly options: ConnectionOptions,
  ) {}

  get connected(): boolean {
    return this.live !== undefined
  }

  /** Why the last connection ended, when it ended on its own. */
  get disconnectReason(): string | undefined {
    return this.lostReason
  }

  /**
   * Connects and lists the tools. Rejects with a message naming the server on failure or when
   * `timeoutMs` passes (the half-started server is shut down).
   */
  async connect(timeoutMs: number): Promise<void> {
    await this.disconnect()
    this.closing = false
    this.lostReason = undefined
    const attempt = this.open()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StartupTimeout(timeoutMs)), timeoutMs)
      // `disconnect()` during start-up (the manager closing) ends the wait at once.
      this.cancelConnect = () => reject(new Error('was not started: the manager was closed during start-up'))
    })
    timeout.catch(() => {})
    try {
      this.live = await Promise.race([attempt, timeout])
      await Promise.race([this.withAuthorization(() => this.refreshTools()), timeout])
      await Promise.race([this.refreshPrompts(), timeout])
    } catch (error) {
      // A late success of `open()` must not leak a process.
      attempt.then((live) => live.client.close().catch(() => {})).catch(() => {})
      await this.disconnect()
      const tail = this.stderr.lastLines(3)
      throw new Error(`${startupFailure(error)}${tail ? ` (stderr: ${tail})` : ''}`)
    } finally {
      clearTimeout(timer)
      this.cancelConnect = undefined
    }
  }

  private async open(afterAuthorization = false): Promise<Live> {
    const config = expandServerConfig(this.config, this.options.env, `mcp_servers.${this.name}`)
    const [{ Client }, types] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ])
    const capabilities: Record<string, unknown> = {}
    if (this.options.onElicitation) capabilities.elicitation = { form: { applyDefaults: true } }
    if (this.options.onSampling) capabilities.sampling = {}
    const roots = this.options.roots
    if (roots) capabilities.roots = { listChanged: true }
    const client = new Client(this.options.client, { capabilities })
    const { onElicitation, onSampling } = this.options
    if (onElicitation) {
      client.setRequestHandler(types.ElicitRequestSchema, (request, extra) =>
        onElicitation(this.name, request.params, { signal: extra.signal }),
      )
    }
    if (onSampling) {
      client.setRequestHandler(types.CreateMessageRequestSchema, (request, extra) =>
        onSampling(this.name, request.params, { signal: extra.signal }),
      )
    }
    if (roots)
      client.setRequestHandler(types.ListRootsRequestSchema, () => ({
        roots: roots().map((r) => ({ ...r })),
      }))
    client.setNotificationHandler(types.PromptListChangedNotificationSchema, async () => {
      if (this.live?.client !== client) return
      await this.refreshPrompts()
    })
    client.setNotificationHandler(types.ToolListChangedNotificationSchema, async () => {
      if (this.live?.client !== client) return
      try {
        await this.refreshTools()
        this.options.onToolsChanged(this.name)
      } catch (error) {
        this.options.onStderr(this.name, `[tools/list after list_changed] ${describeError(error)}\n`)
      }
    })
    const transport = await this.createTransport(config)
    client.onclose = () => {
      if (this.live?.client !== client) return
      this.live = undefined
      if (!this.closing) {
        this.lostReason =
          transportOf(config) === 'stdio' ? 'the server process exited' : 'the connection was closed'
        this.options.onDisconnect(this.name, this.lostReason)
      }
    }
    // Transport errors (a garbage line on stdout, a dropped SSE stream) are not fatal by
    // themselves: the SDK skips the bad message. They are logged with the server's stderr.
    client.onerror = (error) => this.options.onStderr(this.name, `[transport] ${describeError(error)}\n`)
    try {
      await client.connect(transport)
    } catch (error) {
      // An OAuth server answered 401 and the SDK prepared an authorization URL: let the user
      // authorize, exchange the code, and connect again with the new tokens (once).
      const url = this.authProvider?.takeAuthorizationUrl()
      if (!url || afterAuthorization) throw error
      await client.close().catch(() => {})
      await this.authorize(transport as AuthorizableTransport, url)
      return this.open(true)
    }
    this.serverInfo = client.getServerVersion()
    this.hasResources = client.getServerCapabilities()?.resources !== undefined
    return { client, transport }
  }

  private async createTransport(config: McpServerConfig): Promise<Transport> {
    if (this.options.openTransport) return this.options.openTransport()
    if (transportOf(config) === 'stdio') {
      return createStdioTransport(config, this.options.cwd, (text) => {
        this.stderr.push(text)
        this.options.onStderr(this.name, text)
      })
    }
    const oauth = this.options.oauth
    if (oauth) {
      this.authProvider ??= new ServerOAuthProvider(
        this.name,
        config.oauth ?? {},
        oauth,
        oauth.store,
        this.options.env,
      )
    }
    return createHttpTransport(config, this.options.env, this.authProvider)
  }

  private async authorize(transport: AuthorizableTransport, url: URL): Promise<void> {
    const oauth = this.options.oauth as McpOAuthOptions
    let code: string
    try {
      code = await oauth.authorize(this.name, url)
      await transport.finishAuth(code)
    } catch (error) {
      throw new AuthorizationFailed(`authorization was not completed: ${describeError(error)}`)
    }
  }

  /** Re-reads the server's tool list (all pages). */
  async refreshTools(): Promise<void> {
    const client = this.requireClient()
    const capabilities = client.getServerCapabilities()
    if (!capabilities?.tools) {
      this.tools = []
      return
    }
    const tools: Tool[] = []
    let cursor: string | undefined
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined)
      tools.push(...page.tools)
      cursor = page.nextCursor
    } while (cursor)
    this.tools = tools
  }

  /**
   * Re-reads the server's prompts (all pages). A server without the capability has none; a
   * failing `prompts/list` is logged with its stderr and leaves none (its tools still work).
   */
  async refreshPrompts(): Promise<void> {
    const client = this.live?.client
    if (!client?.getServerCapabilities()?.prompts) {
      this.prompts = []
      return
    }
    try {
      const prompts: Prompt[] = []
      let cursor: string | undefined
      do {
        const page = await client.listPrompts(cursor ? { cursor } : undefined)
        prompts.push(...page.prompts)
        cursor = page.nextCursor
      } while (cursor)
      this.prompts = prompts
    } catch (error) {
      this.prompts = []
      this.options.onStderr(this.name, `[prompts/list] ${describeError(error)}\n`)
    }
  }

  /** `prompts/get`; rejects with the server's error. */
  async getPrompt(name: string, args: Record<string, string>, timeoutMs: number): Promise<GetPromptResult> {
    const client = this.requireClient()
    return this.withAuthorization(() => client.getPrompt({ name, arguments: args }, { timeout: timeoutMs }))
  }

  /** Tells the server the roots changed (`notifications/roots/list_changed`), when connected. */
  async rootsChanged(): Promise<void> {
    const client = this.live?.client
    if (!client || !this.options.roots) return
    await client.sendRootsListChanged()
  }

  async callTool(
    tool: string,
    args: Record<string, unknown> | undefined,
    options: { signal?: AbortSignal; timeoutMs: number },
  ): Promise<CallOutcome> {
    const client = this.live?.client
    if (!client) return { ok: false, kind: 'disconnected', error: this.lostReason ?? 'not connected' }
    try {
      const onProgress = this.options.onProgress
      const call = () =>
        client.callTool({ name: tool, arguments: args }, undefined, {
          signal: options.signal,
          timeout: options.timeoutMs,
          // A tool that reports progress is alive: each notification restarts the timeout.
          resetTimeoutOnProgress: true,
          onprogress: (progress) => onProgress?.(this.name, tool, progress),
        })
      const result = (await this.withAuthorization(call, options.signal)) as CallToolResult
      return { ok: true, result }
    } catch (error) {
      return this.classify(error, options)
    }
  }

  /**
   * Runs a request; when it fails because the OAuth server wants the user to authorize (first
   * use, expired refresh token, or more scopes: 403 insufficient_scope), authorizes and runs it
   * again, at most twice.
   */
  private async withAuthorization<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request()
      } catch (error) {
        const url = this.authProvider?.takeAuthorizationUrl()
        if (!url || !this.live || attempt >= 2 || signal?.aborted) throw error
        await this.authorize(this.live.transport as AuthorizableTransport, url)
      }
    }
  }

  private async classify(
    error: unknown,
    options: { signal?: AbortSignal; timeoutMs: number },
  ): Promise<CallOutcome> {
    if (options.signal?.aborted) return { ok: false, kind: 'aborted', error: 'the call was cancelled' }
    if (error instanceof AuthorizationFailed) return { ok: false, kind: 'protocol', error: error.message }
    const { ErrorCode, McpError } = await import('@modelcontextprotocol/sdk/types.js')
    if (error instanceof McpError) {
      if (error.code === ErrorCode.RequestTimeout) {
        return {
          ok: false,
          kind: 'timeout',
          error: `no answer within ${options.timeoutMs / 1000}s (tool_timeout_sec); the request was cancelled`,
        }
      }
      if (error.code === ErrorCode.ConnectionClosed || !this.live) {
        return { ok: false, kind: 'disconnected', error: this.lostReason ?? 'the connection was closed' }
      }
      return { ok: false, kind: 'protocol', error: describeError(error) }
    }
    // Anything else is the transport failing (fetch refused, stream reset): treat the
    // connection as lost so that the next call reconnects.
    if (this.live) {
      this.lostReason = describeError(error)
      await this.disconnect()
    }
    return { ok: false, kind: 'disconnected', error: this.lostReason ?? describeError(error) }
  }

  async listResources(): Promise<unknown[]> {
    const client = this.requireClient()
    const resources: unknown[] = []
    let cursor: string | undefined
    do {
      const page = await this.withAuthorization(() => client.listResources(cursor ? { cursor } : undefined))
      resources.push(...page.resources)
      cursor = page.nextCursor
    } while (cursor)
    return resources
  }

  async listResourceTemplates(): Promise<unknown[]> {
    const client = this.requireClient()
    const templates: unknown[] = []
    let cursor: string | undefined
    do {
      const page = await this.withAuthorization(() =>
        client.listResourceTemplates(cursor ? { cursor } : undefined),
      )
      templates.push(...page.resourceTemplates)
      cursor = page.nextCursor
    } while (cursor)
    return templates
  }

  async readResource(uri: string, options: { signal?: AbortSignal; timeoutMs: number }) {
    const client = this.requireClient()
    return this.withAuthorization(
      () => client.readResource({ uri }, { signal: options.signal, timeout: options.timeoutMs }),
      options.signal,
    )
  }

  private requireClient(): Client {
    if (!this.live) throw new Error(this.lostReason ?? 'not connected')
    return this.live.client
  }

  /** Shuts the connection down (stdio: closes stdin, then SIGTERM, then SIGKILL). */
  async disconnect(): Promise<void> {
    this.cancelConnect?.()
    const live = this.live
    if (!live) return
    this.closing = true
    this.live = undefined
    await live.client.close().catch(() => {})
  }
}

class AuthorizationFailed extends Error {}

class StartupTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`did not start within ${timeoutMs / 1000}s (startup_timeout_sec)`)
  }
}

/** The predicate of "MCP server 'x' ...": what went wrong at start-up, with a hint where one helps. */
function startupFailure(error: unknown): string {
  if (error instanceof StartupTimeout) return error.message
  const code = (error as { code?: unknown }).code
  if (code === 401 || code === 403) {
    return `refused the credentials (HTTP ${code}): check bearer_token_env_var and http_headers (${describeError(error)})`
  }
  if (code === 'ENOENT') {
    return `failed to start: command not found (${describeError(error)}); check command and PATH`
  }
  return `failed to start: ${describeError(error)}`
}
