// `agent acp`: the Agent Client Protocol server on stdio, for editors (Zed, JetBrains, Neovim,
// Emacs). Every session is composed like `agent exec`'s (config, provider, sandbox, policy,
// plugins, MCP servers: @agent/sdk), in the directory the editor names, with the editor's MCP
// servers joining the configured ones. stdout carries only protocol messages.
import { resolve } from 'node:path'
import type { AcpHost, ClientMcpServer, OpenedSession } from '@agent/acp'
import type { McpServerConfig } from '@agent/mcp/config'
import type { SandboxMode } from '@agent/protocol'
import {
  type AgentConfig,
  ConfigError,
  composeRuntime,
  expandPrompt,
  type LoadedConfig,
  loadConfig,
  NO_MODEL_CONFIGURED,
  sandboxPolicyFor,
  selectModel,
  VERSION,
} from '@agent/sdk'
import type { LoadTui } from './interactive.js'

export interface AcpFlags {
  model?: string
  provider?: string
  baseUrl?: string
  replay?: string
  config?: string[]
  pluginDir?: string[]
}

export interface AcpIo {
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

/** The editor's MCP servers as `mcp_servers` entries; on a name clash the editor's wins. */
export function withClientMcpServers(loaded: LoadedConfig, servers: ClientMcpServer[]): LoadedConfig {
  if (servers.length === 0) return loaded
  const added: Record<string, McpServerConfig> = {}
  for (const server of servers) {
    added[server.name] =
      server.transport === 'stdio'
        ? { type: 'stdio', command: server.command, args: server.args, env: server.env }
        : { type: server.transport, url: server.url, http_headers: server.headers }
  }
  return { ...loaded, config: { ...loaded.config, mcp_servers: { ...loaded.config.mcp_servers, ...added } } }
}

export async function runAcp(
  flags: AcpFlags,
  io: AcpIo,
  /** Where `/init`'s prompt comes from: the TUI's (see LoadTui; the binary passes its bundle's). */
  loadTui: LoadTui = () => import('@agent/tui'),
): Promise<number> {
  const { serveAcp } = await import('@agent/acp')
  const overrides = flags.config ?? []
  const modelFlags = {
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.provider ? { provider: flags.provider } : {}),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.replay ? { replay: resolve(io.cwd, flags.replay) } : {}),
  }
  // Checked once at start: a bad config.toml is an error now, a missing key an auth method.
  const startConfig = loadConfig({ cwd: io.cwd, env: io.env, overrides })
  const credentialsProblem = await checkCredentials(modelFlags, startConfig.config, io.env)
  const log = (line: string) => io.stderr.write(`agent acp: ${line}\n`)

  const host: AcpHost = {
    credentialsProblem: () => credentialsProblem,
    defaultMode: {
      approvalPolicy: startConfig.config.approval_policy ?? 'on-request',
      sandboxMode: startConfig.config.sandbox_mode ?? 'workspace-write',
    },
    async listSessions() {
      const { JsonlSessionStore } = await import('@agent/core')
      const sessions = await new JsonlSessionStore({ home: startConfig.agentHome }).list({ limit: 100 })
      return sessions.map((s) => ({
        id: s.id,
        cwd: s.cwd,
        title: s.firstUserMessage,
        updatedAt: s.updatedAt,
      }))
    },
    async openSession(request): Promise<OpenedSession> {
      const loaded = withClientMcpServers(
        loadConfig({ cwd: request.cwd, env: io.env, overrides }),
        request.mcpServers,
      )
      const runtime = await composeRuntime({
        cwd: request.cwd,
        loaded,
        env: io.env,
        model: modelFlags,
        sandboxMode: request.mode.sandboxMode,
        approvalPolicy: request.mode.approvalPolicy,
        pluginDirs: flags.pluginDir ?? [],
        ephemeral: false,
        originator: 'agent_acp',
        // A long-lived process: commands start from the spawn server (@agent/exec), so none is
        // a fork of this process, and it starts as the session opens, while its user types.
        spawnServer: true,
        startSpawnServer: true,
        ...(request.fileSystem ? { fileSystem: request.fileSystem } : {}),
        ...(request.resumeId ? { session: { type: 'resume', sessionId: request.resumeId } } : {}),
      })
      for (const warning of runtime.warnings) log(`warning: ${warning}`)
      const commands = [
        ...runtime.commands.map((c) => ({
          name: c.name,
          description: c.description,
          ...(c.argumentHint ? { hint: c.argumentHint } : {}),
        })),
        ...runtime.plugins.skills.map((s) => ({ name: s.name, description: `skill: ${s.description}` })),
      ]
      const skills = new Set(runtime.plugins.skills.map((s) => s.name))
      return {
        id: runtime.agent.sessionId,
        connection: runtime.agent,
        model: runtime.model.modelName,
        models: [
          ...new Set([runtime.model.modelName, ...(loaded.config.model ? [loaded.config.model] : [])]),
        ],
        commands,
        async expandCommand(text) {
          // `/skill args`: the model is asked to use the skill (the Skill tool loads its body).
          const skill = /^\/([\w:.-]+)(?:\s+([\s\S]*))?$/.exec(text.trim())
          if (skill && skills.has(skill[1] as string) && !runtime.commands.some((c) => c.name === skill[1]))
            return `Use the "${skill[1]}" skill${skill[2]?.trim() ? ` for: ${skill[2].trim()}` : '.'}`
          return expandPrompt(text, runtime.commands, {
            cwd: request.cwd,
            runShell: runtime.runShell,
            mcpPrompts: runtime.mcpPrompts,
          })
        },
        ...(runtime.mcpPrompts
          ? {
              async mcpCommands() {
                const prompts = (await runtime.mcpPrompts?.listPrompts()) ?? []
                return prompts.map((p) => ({
                  name: p.command,
                  description: p.description ?? `MCP prompt ${p.command}`,
                  ...(p.arguments.length > 0
                    ? { hint: p.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ') }
                    : {}),
                }))
              },
            }
          : {}),
        async prepareReview(args: string) {
          const review = await import('../exec/review.js')
          const parsed = review.parseReviewArgs(args)
          const { diff, description } = review.collectDiff(request.cwd, review.reviewTarget(parsed))
          return {
            prompt: review.reviewPrompt(description, diff, parsed.focus),
            outputSchema: review.REVIEW_SCHEMA,
            present: (answer: string) => {
              const parsedAnswer = review.parseReview(answer)
              return 'error' in parsedAnswer
                ? `Review failed: ${parsedAnswer.error}`
                : review.formatReviewMarkdown(parsedAnswer)
            },
          }
        },
        // The TUI's /init prompt (loaded only when /init runs: the TUI bundle is large).
        initPrompt: async () => (await loadTui()).INIT_PROMPT,
        sandboxPolicy: (mode: SandboxMode) => sandboxPolicyFor(mode, loaded.config, request.cwd),
        close: () => runtime.close(),
      }
    },
  }

  const server = serveAcp({
    host,
    agentInfo: { name: 'agent', title: 'Agent', version: VERSION },
    stdin: io.stdin,
    stdout: io.stdout,
    log,
  })
  const stop = () => void server.close()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await server.closed
  return 0
}

/** Undefined when a provider can be used; otherwise every way to configure one. */
async function checkCredentials(
  flags: Parameters<typeof selectModel>[0],
  config: AgentConfig,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  try {
    await selectModel(flags, config, env)
    return undefined
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    return `${NO_MODEL_CONFIGURED}\n(${(error as Error).message})`
  }
}
