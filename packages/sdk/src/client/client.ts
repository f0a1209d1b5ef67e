// `createClient`: the Codex-SDK-shaped entry point. Each thread composes the whole runtime in
// this process (config files, overrides, the concrete parts, core) with the client's options
// and the thread's; nothing is spawned and, unless asked, nothing is written under the home.
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { SessionStore } from '@agent/core'
import type { McpManagerOptions } from '@agent/mcp'
import { ConfigError, UsageError } from '../config/errors.js'
import { loadConfig } from '../config/load.js'
import type { ConfigTable } from '../config/overrides.js'
import { composeRuntime, type Runtime } from '../runtime/compose.js'
import { providerFromEnv } from '../runtime/model.js'
import { functionHooks } from './hooks.js'
import { Thread } from './thread.js'
import type { ClientOptions, ConfigObject, McpServerOption, ThreadOptions } from './types.js'

type InProcessServer = { connect(transport: unknown): Promise<void>; close(): Promise<void> }

/** Reasoning efforts of the Codex SDK beyond ours map to the highest we have. */
const EFFORT: Record<string, 'minimal' | 'low' | 'medium' | 'high'> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
  ultra: 'high',
  persistent: 'high',
}

export class AgentClient {
  private readonly options: ClientOptions
  private store: Promise<SessionStore> | undefined

  constructor(options: ClientOptions = {}) {
    this.options = { ...options }
  }

  /** Starts a new conversation. Nothing is composed until its first turn. */
  startThread(options: ThreadOptions = {}): Thread {
    return new Thread(this.host(), { ...options })
  }

  /**
   * Resumes a recorded conversation by id: from this client's memory (threads it ran), or with
   * `persist`/`storeDir` from the session files (including ones the `agent` CLI wrote).
   */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    if (typeof id !== 'string' || id.trim() === '')
      throw new UsageError('resumeThread: the thread id is empty')
    return new Thread(this.host(), { ...options }, id)
  }

  private host() {
    return {
      compose: (options: ThreadOptions, resumeId: string | undefined) => this.compose(options, resumeId),
      onApproval: this.options.onApproval,
    }
  }

  /** Sessions: in memory, shared by this client's threads (so they can be resumed), unless persisted. */
  private sessionStore(agentHome: string): Promise<SessionStore> {
    this.store ??= (async () => {
      const core = await import('@agent/core')
      const home = this.options.storeDir ? resolve(this.options.storeDir) : agentHome
      return this.options.persist || this.options.storeDir
        ? new core.JsonlSessionStore({ home })
        : new core.MemorySessionStore()
    })()
    return this.store
  }

  private async compose(thread: ThreadOptions, resumeId: string | undefined): Promise<Runtime> {
    const options = this.options
    const env: NodeJS.ProcessEnv = options.env ? { ...options.env } : { ...process.env }
    const cwd = resolve(thread.workingDirectory ?? process.cwd())
    if (!existsSync(cwd) || !statSync(cwd).isDirectory())
      throw new UsageError(`workingDirectory ${cwd}: no such directory`)
    if (!thread.skipGitRepoCheck) {
      const { findRepoRoot } = await import('@agent/core')
      if (!findRepoRoot(cwd))
        throw new UsageError(
          `${cwd} is not inside a git repository; agent exec refuses to change files it cannot show you a diff of.\n` +
            'Run `git init` there, or pass skipGitRepoCheck: true.',
        )
    }

    const table = threadTable(options.config, thread)
    const { servers, transports } = mcpServers(options.mcpServers)
    if (Object.keys(servers).length > 0)
      table.mcp_servers = { ...(table.mcp_servers as ConfigTable | undefined), ...servers }
    const loaded = loadConfig({
      cwd,
      env,
      table,
      overrides: options.configOverrides ?? [],
      readFiles: options.readConfigFiles !== false,
    })
    const { config } = loaded

    // Like the Codex SDK, a key or an endpoint with no provider named anywhere means OpenAI.
    const provider =
      options.provider ??
      config.model_provider ??
      providerFromEnv(env) ??
      (options.apiKey || options.baseUrl ? 'openai' : undefined)
    if (options.apiKey && provider) {
      const { BUILTIN_PROVIDERS } = await import('@agent/models')
      const envKey = config.model_providers[provider]?.env_key ?? BUILTIN_PROVIDERS[provider]?.env_key
      if (!envKey)
        throw new ConfigError(
          `apiKey: provider "${provider}" takes no key (it names no env_key); leave apiKey out`,
        )
      env[envKey] = options.apiKey
    }

    const sandboxMode = thread.sandboxMode ?? config.sandbox_mode ?? 'read-only'
    const approvalPolicy =
      thread.approvalPolicy ?? config.approval_policy ?? (options.onApproval ? 'on-request' : 'never')
    const store = await this.sessionStore(loaded.agentHome)
    return composeRuntime({
      cwd,
      loaded,
      env,
      model: {
        ...((thread.model ?? options.model) ? { model: thread.model ?? options.model } : {}),
        ...(provider ? { provider } : {}),
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      },
      sandboxMode,
      approvalPolicy,
      pluginDirs: options.pluginDirs ?? [],
      ephemeral: false,
      store,
      reloadHooks: false,
      spawnServer: options.spawnServer ?? true,
      originator: thread.threadSource ?? 'agent_sdk',
      ...(resumeId ? { session: { type: 'resume', sessionId: resumeId } } : {}),
      ...(options.tools?.length ? { tools: options.tools } : {}),
      ...(options.hooks ? { hooks: functionHooks(options.hooks) } : {}),
      ...(Object.keys(transports).length > 0 ? { mcpTransports: transports } : {}),
    })
  }
}

/** The client's `config` object plus what the thread's options say, as config.toml keys. */
function threadTable(config: ConfigObject | undefined, thread: ThreadOptions): ConfigTable {
  const table: ConfigTable = structuredClone(config ?? {})
  const workspace = { ...((table.sandbox_workspace_write as ConfigTable | undefined) ?? {}) }
  if (thread.networkAccessEnabled !== undefined) workspace.network_access = thread.networkAccessEnabled
  if (thread.additionalDirectories?.length) {
    const roots = Array.isArray(workspace.writable_roots) ? workspace.writable_roots : []
    workspace.writable_roots = [...roots, ...thread.additionalDirectories]
  }
  if (Object.keys(workspace).length > 0) table.sandbox_workspace_write = workspace
  // As @openai/codex-sdk passes them to the Codex CLI: the mode, else the boolean.
  if (thread.webSearchMode !== undefined) {
    if (!['disabled', 'cached', 'live'].includes(thread.webSearchMode))
      throw new ConfigError(`webSearchMode: "${thread.webSearchMode}" is not one of disabled, cached, live`)
    table.web_search = thread.webSearchMode
  } else if (thread.webSearchEnabled !== undefined) {
    table.web_search = thread.webSearchEnabled ? 'live' : 'disabled'
  }
  if (thread.modelReasoningEffort) {
    const effort = EFFORT[thread.modelReasoningEffort]
    if (!effort)
      throw new ConfigError(
        `modelReasoningEffort: "${thread.modelReasoningEffort}" is not one of ${Object.keys(EFFORT).join(', ')}`,
      )
    table.model_reasoning_effort = effort
  }
  return table
}

/** Config objects go into `mcp_servers`; in-process servers get a placeholder URL and a transport. */
function mcpServers(option: Record<string, McpServerOption> | undefined): {
  servers: ConfigTable
  transports: NonNullable<McpManagerOptions['transports']>
} {
  const servers: ConfigTable = {}
  const transports: NonNullable<McpManagerOptions['transports']> = {}
  for (const [name, value] of Object.entries(option ?? {})) {
    const factory =
      typeof value === 'function'
        ? (value as () => InProcessServer)
        : isServer(value)
          ? () => value
          : undefined
    if (!factory) {
      servers[name] = value as ConfigTable
      continue
    }
    servers[name] = { url: `memory://${name}` }
    let current: InProcessServer | undefined
    transports[name] = async () => {
      const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js')
      // A reconnect: the previous connection of this server ends first.
      if (current) await current.close().catch(() => undefined)
      const server = factory()
      current = server
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
      await server.connect(serverSide)
      return clientSide
    }
  }
  return { servers, transports }
}

function isServer(value: unknown): value is InProcessServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as InProcessServer).connect === 'function' &&
    typeof (value as InProcessServer).close === 'function'
  )
}

/** Creates a client; `new Codex(options)` is the same, for code moving over from @openai/codex-sdk. */
export function createClient(options: ClientOptions = {}): AgentClient {
  return new AgentClient(options)
}

export { AgentClient as Codex }
