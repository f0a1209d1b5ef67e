// `agent [PROMPT]` and `agent resume [--last|ID]`: the interactive session in the terminal.
// Builds the runtime like `agent exec` does and hands the agent to @agent/tui, which talks to
// it only through ops and events. Everything heavy is imported inside the actions.
import { join, resolve } from 'node:path'
import { type Command, Option } from 'commander'

/**
 * Loads the interactive UI. By default `import('@agent/tui')`; the `agent` binary passes one that
 * imports its separately bundled copy (an ES module, which the CommonJS CLI bundle cannot import
 * itself under its code cache: see launch/code-cache.ts).
 */
export type LoadTui = () => Promise<typeof import('@agent/tui')>

const collect = (value: string, previous: string[] = []) => [...previous, value]

export interface InteractiveFlags {
  model?: string
  provider?: string
  baseUrl?: string
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access'
  approval?: 'untrusted' | 'on-failure' | 'on-request' | 'never'
  fullAuto?: boolean
  cd?: string
  ephemeral?: boolean
  replay?: string
  config?: string[]
  pluginDir?: string[]
  last?: boolean
}

function addInteractiveOptions(command: Command): Command {
  return command
    .option('-m, --model <MODEL>', 'model name sent to the provider')
    .option(
      '--provider <ID>',
      'provider: openai, openai-chat, anthropic, ollama, lmstudio, or an id from config',
    )
    .option('--base-url <URL>', "the provider's API root")
    .addOption(
      new Option('-s, --sandbox <MODE>', 'how commands are confined (default workspace-write)').choices([
        'read-only',
        'workspace-write',
        'danger-full-access',
      ]),
    )
    .addOption(
      new Option('-a, --approval <POLICY>', 'when the agent asks first (default on-request)').choices([
        'untrusted',
        'on-failure',
        'on-request',
        'never',
      ]),
    )
    .option('--full-auto', '-s workspace-write -a on-request')
    .option('-C, --cd <DIR>', 'work in DIR instead of the current directory')
    .option('--ephemeral', 'do not record the session (it cannot be resumed)')
    .option('--replay <FILE>', 'answer from a recorded model script instead of a provider')
    .option(
      '-c, --config <key=value>',
      'override a config key (value parsed as TOML); repeatable',
      collect,
      [],
    )
}

/**
 * Mounts the interactive UI on `program`: its default action (`agent [PROMPT]`) and `agent resume`.
 * `run` maps errors to exit codes the same way as every other command.
 */
export function addInteractiveCommands(
  program: Command,
  run: (action: () => Promise<number>) => Promise<void>,
  loadTui: LoadTui = () => import('@agent/tui'),
): void {
  addInteractiveOptions(
    program.argument('[PROMPT]', 'start the interactive session with this prompt'),
  ).action(async (prompt: string | undefined, flags: InteractiveFlags) => {
    await run(() => runInteractiveSession(loadTui, prompt, flags))
  })
  addInteractiveOptions(
    program
      .command('resume')
      .description('continue a recorded session in the interactive UI (a picker, or --last, or ID)')
      .argument('[ID]', 'session id (see `agent sessions`)')
      .option('--last', 'the most recent session in this directory'),
  ).action(async (id: string | undefined, flags: InteractiveFlags, command: Command) => {
    const globals = command.optsWithGlobals() as { pluginDir?: string[] }
    await run(() =>
      runInteractiveSession(
        loadTui,
        undefined,
        { ...flags, pluginDir: globals.pluginDir ?? [] },
        { id, last: flags.last },
      ),
    )
  })
}

async function runInteractiveSession(
  loadTui: LoadTui,
  prompt: string | undefined,
  flags: InteractiveFlags,
  resumeTarget?: { id?: string | undefined; last?: boolean | undefined },
): Promise<number> {
  const [
    { runInteractive, pickSession },
    { loadConfig, composeRuntime, UsageError, expandPrompt, describeMcpPrompt },
    { JsonlSessionStore },
  ] = await Promise.all([loadTui(), import('@agent/sdk'), import('@agent/core')])
  const { launcherCachePaths } = await import('../launch/code-cache.js')
  const env = process.env
  const cwd = resolve(process.cwd(), flags.cd ?? '.')
  let loaded = loadConfig({ cwd, env, overrides: flags.config ?? [] })
  if (process.stdin.isTTY && process.stderr.isTTY) {
    // Only a person at a terminal can answer; piped input opens the folder untrusted.
    const { confirmWorkspaceTrust } = await import('./trust-prompt.js')
    loaded = await confirmWorkspaceTrust({
      loaded,
      reload: () => loadConfig({ cwd, env, overrides: flags.config ?? [] }),
      cwd,
      io: { input: process.stdin, output: process.stderr },
    })
  }
  const { config, agentHome } = loaded
  const sandboxMode =
    flags.sandbox ??
    (flags.fullAuto ? 'workspace-write' : undefined) ??
    config.sandbox_mode ??
    'workspace-write'
  // --full-auto is Codex's preset for the interactive UI: workspace-write and on-request, over the config.
  const approvalPolicy =
    flags.approval ?? (flags.fullAuto ? 'on-request' : undefined) ?? config.approval_policy ?? 'on-request'
  const pluginDirs = flags.pluginDir ?? []
  const sessions = new JsonlSessionStore({ home: agentHome })
  const listSessions = async () =>
    (await sessions.list({ limit: 50 })).map((s) => ({
      id: s.id,
      updatedAt: s.updatedAt,
      cwd: s.cwd,
      title: s.firstUserMessage,
    }))

  let resumeId: string | undefined
  if (resumeTarget) {
    if (resumeTarget.id) resumeId = resumeTarget.id
    else {
      const recent = await listSessions()
      if (recent.length === 0)
        throw new UsageError('no session to resume: none recorded yet (see `agent sessions`)')
      if (resumeTarget.last || !process.stdin.isTTY)
        resumeId = (recent.find((s) => s.cwd === cwd) ?? recent[0])?.id
      else {
        resumeId = await pickSession({ sessions: recent })
        if (!resumeId) return 0
      }
    }
  }

  const compose = (session?: { type: 'resume'; sessionId: string }) =>
    composeRuntime({
      cwd,
      loaded,
      env,
      model: {
        ...(flags.model ? { model: flags.model } : {}),
        ...(flags.provider ? { provider: flags.provider } : {}),
        ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
        ...(flags.replay ? { replay: resolve(process.cwd(), flags.replay) } : {}),
      },
      sandboxMode,
      approvalPolicy,
      pluginDirs,
      ephemeral: Boolean(flags.ephemeral),
      ...(session ? { session } : {}),
      originator: 'agent_tui',
      agentStatePaths: launcherCachePaths(env),
    })

  let runtime = await compose(resumeId ? { type: 'resume', sessionId: resumeId } : undefined)
  for (const warning of runtime.warnings) process.stderr.write(`agent: warning: ${warning}\n`)
  const replace = async (session?: { type: 'resume'; sessionId: string }) => {
    const next = await compose(session)
    const previous = runtime
    runtime = next
    await previous.close()
    return next.agent
  }

  // Plugin slash commands (as the runtime loaded them), expanded by @agent/plugins into the
  // prompt they stand for; their `` !`cmd` `` parts run through the current runtime's policy
  // and sandbox, like the agent's own commands.
  const plugins = await import('@agent/plugins')
  const commands = runtime.plugins.commands.map((command) => ({
    name: command.name,
    description: command.description,
    expand: async (args: string) => {
      const result = await plugins.expandSlashCommand(command, args, { cwd, runShell: runtime.runShell })
      if (!result.ok) throw new Error(result.error.message)
      return result.value.prompt
    },
  }))

  try {
    await runInteractive({
      connection: runtime.agent,
      status: {
        model: runtime.model.modelName,
        cwd,
        sandbox: runtime.sandboxPolicy.type,
        approval: runtime.approvalPolicy,
      },
      historyFile: join(agentHome, 'history.jsonl'),
      commands,
      ...(prompt ? { initialPrompt: prompt } : {}),
      actions: {
        newSession: () => replace(),
        listSessions,
        resumeSession: (id) => replace({ type: 'resume', sessionId: id }),
        prepareReview: async (args) => {
          const review = await import('../exec/review.js')
          const parsed = review.parseReviewArgs(args)
          const { diff, description } = review.collectDiff(cwd, review.reviewTarget(parsed))
          return {
            prompt: review.reviewPrompt(description, diff, parsed.focus),
            outputSchema: review.REVIEW_SCHEMA,
            present: (answer) => {
              const parsedAnswer = review.parseReview(answer)
              return 'error' in parsedAnswer
                ? `Review failed: ${parsedAnswer.error}`
                : review.formatReview(parsedAnswer).trimEnd()
            },
          }
        },
        // MCP servers' prompts as `/mcp__<server>__<prompt>`, offered once the servers are up and
        // expanded like `agent exec` expands them (the current runtime's servers after /new).
        loadCommands: async () => {
          const source = runtime.mcpPrompts
          if (!source) return []
          return (await source.listPrompts()).map((prompt) => ({
            name: prompt.command,
            description: describeMcpPrompt(prompt),
            expand: (args: string) =>
              expandPrompt(`/${prompt.command} ${args}`, [], {
                cwd,
                runShell: runtime.runShell,
                mcpPrompts: source,
              }),
          }))
        },
        describePlugins: () =>
          runtime.plugins.plugins.map(
            (p) =>
              `${p.name}${p.version ? ` ${p.version}` : ''}: ${p.commands} commands, ${p.skills} skills, ${p.agents} agents, ${p.hooks} hooks, ${p.mcpServers} MCP servers`,
          ),
      },
    })
  } finally {
    await runtime.close()
  }
  return 0
}
