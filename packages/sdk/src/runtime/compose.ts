// The composition root: configuration in, a running agent out. Every concrete part of the
// runtime is built here, in one readable sequence, and handed to `createAgent` by plain
// constructor injection — nothing else in the CLI constructs leaves.
//
//   config ─┬─ env policy ──────────── runner (@agent/exec), processes
//           ├─ sandbox_mode ────────── sandbox (@agent/sandbox; fails closed when unavailable)
//           ├─ rules, permissions ─── policy (@agent/policy)
//           ├─ model flags ─────────── model client (@agent/models)
//           ├─ plugins, hooks ──────── hook runner, Skill/Task tools (@agent/plugins)
//           ├─ mcp_servers ─────────── MCP manager (@agent/mcp)
//           ├─ toolset ─────────────── built-in tools, workspace tracker (@agent/tools)
//           └─ sessions ────────────── JsonlSessionStore (@agent/core)
//                                        ↓
//                                   createAgent (@agent/core)
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import type {
  Agent,
  AgentOptions,
  ApprovalGate,
  CommandPolicy,
  HookRunner,
  Sandbox,
  SessionGrant,
  SessionStart,
  SessionStore,
  SteeringInbox,
  StepJournal,
  ToolDefinition,
  ToolProvider,
} from '@agent/core'
import type { McpManagerOptions } from '@agent/mcp'
import type { LoadedPlugins, RunShell, SlashCommand } from '@agent/plugins'
import type { ApprovalPolicy, ModelClient, SandboxMode, SandboxPolicy } from '@agent/protocol'
import type { TextFileSystem } from '@agent/tools'
import { ConfigError } from '../config/errors.js'
import type { LoadedConfig } from '../config/load.js'
import { webSearchMode } from '../config/schema.js'
import { describeSkipped, formatTrustNotice } from '../config/trust.js'
import { VERSION } from '../version.js'
import { chainHooks } from './hook-outcomes.js'
import { sessionMcpServers } from './mcp-servers.js'
import { type ModelFlags, type SelectedModel, selectModel } from './model.js'
import { confinedShell, type McpPromptSource } from './slash.js'
import { subagentRunner } from './subagents.js'

export interface RuntimeSettings {
  cwd: string
  loaded: LoadedConfig
  env: NodeJS.ProcessEnv
  model: ModelFlags
  sandboxMode: SandboxMode
  approvalPolicy: ApprovalPolicy
  /** `--plugin-dir` directories, added to `plugin_dirs` from the config. */
  pluginDirs: string[]
  /** No rollout: the session cannot be resumed. */
  ephemeral: boolean
  /**
   * Re-read hooks when their files change (default true). A one-shot `exec` turns it off: the
   * check stats every hook file location before each hook event, which a short run never needs.
   */
  reloadHooks?: boolean
  session?: SessionStart
  originator?: string
  /**
   * Agent-owned paths besides `$AGENT_HOME` (the launcher's code cache...) that turn snapshots,
   * `/diff` and `/undo` leave alone wherever they are.
   */
  agentStatePaths?: string[]
  /** Id of a new session (default: a random UUID). */
  sessionId?: string
  /**
   * Start commands, and the workspace tracker's git, through the process's shared spawn server
   * (`@agent/exec`) once the second command has started it (default false). For long-lived
   * processes that run many commands: embedders (`createClient` turns it on) and durable
   * workers. A one-shot CLI run forks itself: the server's start would cost its first commands.
   */
  spawnServer?: boolean
  /**
   * With `spawnServer`: start the server now rather than at the second command. For a
   * long-lived process whose sessions wait for their user before they run anything (`agent
   * acp` at each session's opening): the server is up before the first command, and its start
   * (a Node process, ~50-100 ms of CPU) falls in that wait instead of between a session's steps.
   */
  startSpawnServer?: boolean
  /** Durable execution: the turn's steps go through this journal (see @agent/restate). */
  journal?: StepJournal
  /** Durable execution: approvals are waited for here instead of on the queue pair. */
  approvals?: ApprovalGate
  /** Durable execution: steering sent to the session from outside this process. */
  steeringInbox?: SteeringInbox
  /** Durable execution: `approved_for_session` answers of the session's earlier turns. */
  sessionGrants?: SessionGrant[]
  /** Durable execution: streaming deltas of journaled steps, live (core's `onStreamingEvent`). */
  onStreamingEvent?: AgentOptions['onStreamingEvent']
  /** Where sessions are recorded instead of `$AGENT_HOME/sessions` (unless `ephemeral`): an embedder's directory, a durable worker's memory store. */
  store?: SessionStore
  /** The embedder's own tools, offered beside the built-in toolset. */
  tools?: ToolDefinition[]
  /** Hooks of the embedder's, run after the configured (plugin and settings) hooks. */
  hooks?: HookRunner
  /** MCP servers reached through a transport of the caller's (in-process servers), by name. */
  mcpTransports?: McpManagerOptions['transports']
  /**
   * Where the file tools (Read, Edit, Write, apply_patch) read and write text; the disk by
   * default. `agent acp` passes the editor's buffers (fs/read_text_file, fs/write_text_file).
   */
  fileSystem?: TextFileSystem
}

export interface Runtime {
  agent: Agent
  model: SelectedModel
  sandboxPolicy: SandboxPolicy
  approvalPolicy: ApprovalPolicy
  /** Plugin and configuration problems that did not stop the run, one line each. */
  warnings: string[]
  /** MCP servers whose failure must stop the session. */
  requiredMcpServers: Set<string>
  /** Slash commands from plugins and `.claude/commands`, for prompts that start with `/`. */
  commands: SlashCommand[]
  /** Everything the plugin loader found (plugins, commands, skills, agents, hooks), loaded once per runtime. */
  plugins: LoadedPlugins
  /** Runs a slash command's `` !`cmd` `` under the session's policy and sandbox. */
  runShell: RunShell
  /** MCP servers' prompts as `/mcp__<server>__<prompt>` (for `expandPrompt`); absent without MCP servers. */
  mcpPrompts?: McpPromptSource
  /**
   * The session's MCP servers, to stop their processes while the session waits a long time
   * (`idle`) and start them again (`wake`; a tool call also starts them); absent without servers.
   */
  mcpServers?: { idle(): Promise<void>; wake(): Promise<void> }
  /** Shuts the agent down (rollout flushed), then closes MCP servers and interactive processes. */
  close(): Promise<void>
}

/** The sandbox was asked for and this machine cannot provide it: nothing runs unconfined by accident. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError'
}

export function sandboxPolicyFor(
  mode: SandboxMode,
  config: LoadedConfig['config'],
  cwd: string,
): SandboxPolicy {
  if (mode === 'workspace-write') {
    const ws = config.sandbox_workspace_write
    return {
      type: 'workspace-write',
      writable_roots: (ws?.writable_roots ?? []).map((root) => resolve(cwd, root)),
      network_access: ws?.network_access ?? false,
      ...(ws?.exclude_tmp === undefined ? {} : { exclude_tmp: ws.exclude_tmp }),
    }
  }
  return { type: mode }
}

// Loaded once per process, not per runtime: a thread's first response would otherwise import
// them again (a module resolution each, through any loader hooks) in its first step.
const loadSandbox = once(() => import('@agent/sandbox'))
const loadPolicy = once(() => import('@agent/policy'))

export async function composeRuntime(settings: RuntimeSettings): Promise<Runtime> {
  const { cwd, env } = settings
  const { config, agentHome, trust } = settings.loaded
  // An untrusted folder's `.agent/rules/` could allow commands: it is left out like its hooks.
  const projectAgentDir = trust.trusted ? settings.loaded.projectAgentDir : undefined
  const untrustedSkipped = [...settings.loaded.untrustedSkipped]
  const warnings: string[] = []

  // Leaves needed before the first model request, loaded in parallel. The sandbox and the policy
  // are only needed at the first command, so unless they have files to check or a machine to
  // probe now, they load while the model answers (see `deferredSandbox` and `createPolicy`).
  const sandboxPolicy = sandboxPolicyFor(settings.sandboxMode, config, cwd)
  const [core, exec, tools, plugins, model] = await Promise.all([
    import('@agent/core'),
    import('@agent/exec'),
    import('@agent/tools'),
    import('@agent/plugins'),
    selectModel(settings.model, config, env),
  ])

  // The provider's SDK is needed for the first request: load it now, overlapping the rest of the
  // composition (the client's own first `stream` awaits the same load).
  void warmModel(model.client)

  // Sandbox: fail closed. A mode that confines commands on a machine that cannot confine them
  // is an error here, before the model is ever asked anything. The probe (a few bubblewrap runs)
  // overlaps plugin loading and is awaited before the agent is created.
  const sandboxChecked =
    sandboxPolicy.type === 'danger-full-access'
      ? undefined
      : checkSandbox(loadSandbox, sandboxPolicy.type, bwrapChoice(env))
  sandboxChecked?.catch(() => undefined)

  // Commands' environment: the configured policy applied once, used by every process.
  let childEnv: Record<string, string>
  try {
    childEnv = exec.buildChildEnv(config.shell_environment_policy, env)
  } catch (error) {
    throw new ConfigError(
      `shell_environment_policy: ${(error as Error).message}`,
      undefined,
      'shell_environment_policy',
    )
  }

  // Plugins first: they contribute hooks, permissions, MCP servers, skills and subagents.
  const pluginOptions = {
    cwd,
    agentHome,
    pluginDirs: [...config.plugin_dirs, ...settings.pluginDirs].map((dir) => resolve(cwd, dir)),
    projectTrust: trust.trusted ? ('trusted' as const) : ('untrusted' as const),
  }
  const loadedPlugins = await plugins.loadPlugins(pluginOptions)
  for (const diagnostic of loadedPlugins.diagnostics) warnings.push(plugins.formatDiagnostic(diagnostic))
  untrustedSkipped.push(...describeSkipped(loadedPlugins.untrustedSkipped, trust.folder))
  const trustNotice = formatTrustNotice(trust, untrustedSkipped)
  if (trustNotice) warnings.unshift(trustNotice)
  const configuredHooks = plugins.createHookRunner({
    hooks: loadedPlugins.hooks,
    projectDir: cwd,
    env: childEnv,
    ...(settings.reloadHooks === false
      ? {}
      : { reload: { files: loadedPlugins.hookFiles, load: () => plugins.loadPlugins(pluginOptions) } }),
  })
  const hooks = settings.hooks ? chainHooks(configuredHooks, settings.hooks) : configuredHooks

  // Policy: Codex rules (configured files and `rules/` beside each config.toml) and Claude Code
  // permission settings (the plugin loader found `.claude/settings.json` and friends).
  const ruleFiles = [
    ...config.rules.map((file) => resolve(cwd, file)),
    ...[agentHome, projectAgentDir].flatMap((dir) =>
      dir && isDir(join(dir, 'rules')) ? [join(dir, 'rules')] : [],
    ),
  ]
  const policy = await createPolicy(
    loadPolicy,
    ruleFiles,
    config.permission_settings,
    loadedPlugins.permissions,
    cwd,
  )

  // MCP: configured servers plus the plugins' ones; the SDK is loaded only when there are any.
  const toolProviders: ToolProvider[] = []
  let requiredMcpServers = new Set<string>()
  let closeMcp: (() => Promise<void>) | undefined
  let mcpPrompts: McpPromptSource | undefined
  let mcpServers: Runtime['mcpServers']
  if (Object.keys(config.mcp_servers).length > 0 || loadedPlugins.mcpServers.length > 0) {
    const mcp = await import('@agent/mcp')
    const found = sessionMcpServers(config.mcp_servers, loadedPlugins.mcpServers, mcp.parseMcpServerConfig)
    warnings.push(...found.warnings)
    requiredMcpServers = found.required
    const servers = found.servers
    const manager = mcp.createMcpManager(servers, {
      cwd,
      env: { ...env },
      clientInfo: { name: 'agent', version: VERSION },
      ...(settings.mcpTransports ? { transports: settings.mcpTransports } : {}),
      // The workspace is offered as the servers' root (`roots/list`).
      roots: [mcp.rootForDirectory(cwd)],
    })
    toolProviders.push(manager)
    mcpPrompts = manager
    closeMcp = () => manager.close()
    mcpServers = { idle: () => manager.idle(), wake: () => manager.wake() }
  }

  // Tools: the toolset the provider's models are trained on, unless the config picks one.
  const toolsetName = config.toolset ?? tools.toolsetForProvider(model.provider)
  const allowedDomains = config.sandbox_workspace_write?.allowed_domains ?? []
  const webFetch = { allowedDomains }
  const builtinTools = tools.createToolset(toolsetName, {
    codex: { webFetch },
    claude: { webFetch },
    ...(settings.fileSystem ? { fileSystem: settings.fileSystem } : {}),
  })
  const extraTools: ToolDefinition[] = [...(settings.tools ?? [])]
  if (loadedPlugins.skills.length > 0)
    extraTools.push(plugins.createSkillTool(loadedPlugins.skills) as ToolDefinition)

  const processes = new exec.ProcessSessionManager({ env: childEnv })
  // Commands start through the process's spawn server once it is up (@agent/exec): a fork of
  // the embedder's whole process per command costs more the bigger it is; the server's does not.
  const spawnServer = settings.spawnServer ? exec.sharedSpawnServer() : undefined
  if (spawnServer && settings.startSpawnServer) spawnServer.start()
  const runner = exec.createCommandRunner(spawnServer ? { spawnServer } : {})
  // The allowlist also opens those hosts to sandboxed commands, through the sandbox's proxy,
  // while the network is otherwise off.
  const sandbox = deferredSandbox(loadSandbox, env, allowedDomains)
  const store = settings.ephemeral
    ? undefined
    : (settings.store ?? new core.JsonlSessionStore({ home: agentHome }))
  const userInstructions = [
    readOptional(join(agentHome, 'AGENTS.md')),
    config.developer_instructions,
    plugins.skillsContextText(loadedPlugins.skills, {
      budgetChars: plugins.skillBudgetChars(config.model_context_window ?? 200_000),
    }),
  ]
    .filter((part): part is string => Boolean(part?.trim()))
    .join('\n\n')

  // Hosted web search runs on the provider's side; the model client maps it to its wire (or
  // warns once where the wire has none).
  const webSearch = webSearchMode(config)
  const baseOptions: Omit<AgentOptions, 'tools' | 'session'> = {
    // The policy and sandbox load once the model is answering: they overlap the wait for the
    // response instead of delaying the request. The bash grammar (wasm, 20-40 ms of the main
    // thread) is needed only by a script (`bash -lc ...`), not by a plain argv: it loads while a
    // response is still streaming after a moment, i.e. while the process waits for the model
    // anyway; a response over sooner leaves it to the next one, or to the first script.
    model: whileAnswering(
      model.client,
      () => {
        void loadPolicy().catch(() => undefined)
        void loadSandbox().catch(() => undefined)
      },
      () => {
        void loadPolicy()
          .then((policyPkg) => policyPkg.loadBashParser())
          .catch(() => undefined)
      },
    ),
    runner,
    sandbox,
    policy,
    processes,
    // Without hooks, and without reloading (exec), there is nothing to run: core skips the hook
    // events of every step altogether.
    ...(loadedPlugins.hooks.length > 0 || settings.reloadHooks !== false || settings.hooks ? { hooks } : {}),
    // The agent's own state (rollouts, history, caches) is never a change of the turn to undo.
    workspace: tools.createWorkspaceTracker({
      exclude: [agentHome, ...(settings.agentStatePaths ?? [])],
      ...(spawnServer ? { spawnServer } : {}),
    }),
    formatExecOutput: exec.formatForModel,
    cwd,
    modelName: model.modelName,
    modelProvider: model.provider,
    approvalPolicy: settings.approvalPolicy,
    sandboxPolicy,
    env: childEnv,
    cliVersion: VERSION,
    originator: settings.originator ?? 'agent_exec',
    ...(webSearch === 'disabled' ? {} : { hostedTools: [{ type: 'web_search' as const, mode: webSearch }] }),
    ...(config.model_reasoning_effort ? { effort: config.model_reasoning_effort } : {}),
    ...(config.instructions ? { instructions: config.instructions } : {}),
    ...(userInstructions ? { userInstructions } : {}),
    ...(config.model_context_window ? { contextWindow: config.model_context_window } : {}),
    ...(config.model_auto_compact_ratio ? { compactionThreshold: config.model_auto_compact_ratio } : {}),
    ...(config.project_doc_max_bytes === undefined
      ? {}
      : { projectDoc: { maxBytes: config.project_doc_max_bytes } }),
  }

  // Subagents (Task tool): child agents on the same leaves (see subagents.ts).
  if (loadedPlugins.agents.length > 0 || toolsetName === 'claude') {
    const task = plugins.createTaskTool({
      agents: loadedPlugins.agents,
      hooks,
      runSubagent: subagentRunner({
        createAgent: core.createAgent,
        baseOptions,
        tools: () => [...builtinTools, ...extraTools],
      }),
    })
    extraTools.push(task as unknown as ToolDefinition)
  }

  await sandboxChecked
  const agent = await core.createAgent({
    ...baseOptions,
    tools: [...builtinTools, ...extraTools],
    toolProviders,
    ...(store ? { store } : {}),
    ...(settings.session ? { session: settings.session } : {}),
    ...(settings.sessionId ? { sessionId: settings.sessionId } : {}),
    ...(settings.journal ? { journal: settings.journal } : {}),
    ...(settings.approvals ? { approvals: settings.approvals } : {}),
    ...(settings.steeringInbox ? { steeringInbox: settings.steeringInbox } : {}),
    ...(settings.sessionGrants ? { sessionGrants: settings.sessionGrants } : {}),
    ...(settings.onStreamingEvent ? { onStreamingEvent: settings.onStreamingEvent } : {}),
  })

  return {
    agent,
    model,
    sandboxPolicy,
    approvalPolicy: settings.approvalPolicy,
    warnings,
    requiredMcpServers,
    commands: loadedPlugins.commands,
    plugins: loadedPlugins,
    ...(mcpPrompts ? { mcpPrompts } : {}),
    ...(mcpServers ? { mcpServers } : {}),
    runShell: confinedShell({
      policy,
      sandbox,
      runner,
      env: childEnv,
      approvalPolicy: settings.approvalPolicy,
      sandboxPolicy,
    }),
    async close() {
      await agent.shutdown()
      await Promise.allSettled([closeMcp?.(), processes.closeAll(), sandbox.close()])
    },
  }
}

/**
 * Which bubblewrap the session's environment asks for (AGENT_SANDBOX_BWRAP: `system`, `bundled`,
 * `auto` or an absolute path): an embedder's `env` decides, not only the process's.
 */
function bwrapChoice(env: Record<string, string | undefined>): { bwrapPath?: string; bwrap?: BwrapChoice } {
  const value = env.AGENT_SANDBOX_BWRAP
  if (!value) return {}
  if (isAbsolute(value)) return { bwrapPath: value }
  if (value === 'auto' || value === 'system' || value === 'bundled') return { bwrap: value }
  throw new SandboxUnavailableError(
    `AGENT_SANDBOX_BWRAP=${value} is not understood: use system, bundled, auto or an absolute path to a bwrap`,
  )
}

type BwrapChoice = 'auto' | 'system' | 'bundled'

async function checkSandbox(
  loadSandbox: () => Promise<typeof import('@agent/sandbox')>,
  mode: SandboxPolicy['type'],
  bwrap: { bwrapPath?: string; bwrap?: BwrapChoice },
): Promise<void> {
  const support = await (await loadSandbox()).detectSandbox(bwrap)
  if (!support.available) {
    const problems = support.problems.map((p) => `  - ${p}`).join('\n')
    throw new SandboxUnavailableError(
      `the ${mode} sandbox is not available on this machine: ${support.message}` +
        (problems ? `\n${problems}` : '') +
        '\nFix the above, or run without confinement on purpose with `-s danger-full-access`.',
    )
  }
}

/**
 * The sandbox port, with `@agent/sandbox` loaded at the first command it confines (or earlier, by
 * `checkSandbox`). A result is only ever a sandbox denial if its command was wrapped, so before
 * the package is loaded the answer is no.
 */
function deferredSandbox(
  loadSandbox: () => Promise<typeof import('@agent/sandbox')>,
  env: Record<string, string | undefined>,
  allowedDomains: readonly string[],
): Sandbox & { close(): Promise<void> } {
  let sandbox: import('@agent/sandbox').ManagedSandbox | undefined
  const ready = once(async () => {
    sandbox = (await loadSandbox()).createSandbox({
      ...bwrapChoice(env),
      ...(allowedDomains.length > 0 ? { allowedDomains } : {}),
    })
    return sandbox
  })
  return {
    async wrapCommand(policy, command) {
      return (await ready()).wrapCommand(policy, command)
    },
    isLikelySandboxDenial(result) {
      return sandbox?.isLikelySandboxDenial(result) ?? false
    },
    async afterCommand(policy, command, startedAt) {
      return (await ready()).afterCommand?.(policy, command, startedAt) ?? null
    },
    /** Stops the allowlist proxy, if a command started it. */
    async close() {
      await sandbox?.close()
    },
  }
}

/**
 * The command policy. Rule and settings files are read and checked now (a bad file is a
 * configuration error before anything runs); without any, the package loads at the first
 * command. The bash grammar (tree-sitter, wasm) loads while a response streams, and a
 * plain argv, the usual tool call, does not even wait for it (`createDeferredCommandPolicy`).
 */
async function createPolicy(
  loadPolicy: () => Promise<typeof import('@agent/policy')>,
  ruleFiles: string[],
  settingsFiles: string[],
  permissions: { origin: { file: string }; permissions: Record<string, unknown> }[],
  cwd: string,
): Promise<CommandPolicy> {
  if (ruleFiles.length === 0 && settingsFiles.length === 0 && permissions.length === 0) {
    let ready: Promise<CommandPolicy> | undefined
    return {
      async evaluate(command, context) {
        ready ??= loadPolicy().then((policyPkg) => policyPkg.createDeferredCommandPolicy({}))
        return (await ready).evaluate(command, context)
      },
    }
  }
  const policyPkg = await loadPolicy()
  let options: Parameters<typeof policyPkg.createCommandPolicy>[0]
  try {
    const rules = ruleFiles.length > 0 ? await policyPkg.loadRulesFiles(ruleFiles) : undefined
    const settings = [
      ...permissions.map((entry) =>
        policyPkg.parsePermissionSettings(
          { permissions: entry.permissions },
          { source: entry.origin.file, settingsDir: dirname(entry.origin.file) },
        ),
      ),
      ...(settingsFiles.length > 0
        ? [await policyPkg.loadSettingsFiles(settingsFiles.map((file) => resolve(cwd, file)))]
        : []),
    ]
    options = { ...(rules ? { rules } : {}), settings }
  } catch (error) {
    if (error instanceof policyPkg.PolicyError) throw new ConfigError(error.message)
    throw error
  }
  return policyPkg.createDeferredCommandPolicy(options)
}

/** How long a response must have been streaming before the bash grammar starts to load. */
const GRAMMAR_WARM_DELAY_MS = 40

/**
 * The same client, calling `started` once, when the first response of the session starts, and
 * `streaming` once, when some response has been streaming for `GRAMMAR_WARM_DELAY_MS` and is
 * not over yet (the process is waiting for the model: a good time for work done ahead).
 */
function whileAnswering(client: ModelClient, started: () => void, streaming: () => void): ModelClient {
  let first = true
  let warmed = false
  return {
    provider: client.provider,
    async *stream(request, options) {
      let timer: NodeJS.Timeout | undefined
      try {
        for await (const event of client.stream(request, options)) {
          if (first) {
            first = false
            started()
          }
          if (!warmed && !timer) {
            timer = setTimeout(() => {
              warmed = true
              streaming()
            }, GRAMMAR_WARM_DELAY_MS)
            timer.unref()
          }
          yield event
        }
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** Loads the SDK a wire client will need ahead of its first request; a failure shows up there. */
async function warmModel(client: object): Promise<void> {
  if ('warm' in client && typeof client.warm === 'function') await client.warm().catch(() => undefined)
}

/** `load` called at most once; every caller gets the same promise. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined
  return () => {
    promise ??= load()
    return promise
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function readOptional(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}
