// The command tree of `agent`. Each subcommand's implementation is imported lazily from its
// action, so parsing the command line never loads a provider, the MCP SDK or the UI.
import { Command, InvalidArgumentError, Option } from 'commander'
import { addConfigOption, addModelOptions, addPolicyOptions, collect } from './commands/agent-options.js'
import { addDurableCommands } from './commands/durable.js'
import { addInteractiveCommands, type LoadTui } from './commands/interactive.js'
import { VERSION } from './version.js'

const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').filter((part) => part.trim() !== ''),
]

/** What a review looks at: the uncommitted changes unless one of these says otherwise. */
function addReviewOptions(command: Command): Command {
  return command
    .option('--base <BRANCH>', 'review: the changes of this branch against BRANCH (from their merge base)')
    .option('--commit <SHA>', 'review: the changes of one commit')
}

function addRunOptions(command: Command): Command {
  command
    .option('--json', 'print events as JSONL on stdout (the shape of `codex exec --json`)')
    // What `@openai/codex-sdk` passes for --json: accepted so the SDK can drive this binary.
    .addOption(new Option('--experimental-json', 'same as --json').hideHelp())
  addPolicyOptions(addModelOptions(command), {
    sandbox: 'how commands are confined (default read-only)',
    approval: 'when to ask for approval; exec cannot ask, so asks are denied (default never)',
    fullAuto: 'let the agent edit the workspace: -s workspace-write',
  })
  return addConfigOption(
    command
      .option('-C, --cd <DIR>', 'run in DIR instead of the current directory')
      .option('--skip-git-repo-check', 'allow running outside a git repository')
      .option(
        '--add-dir <DIR>',
        'another directory the agent may write to (with -s workspace-write); repeatable',
        collect,
        [],
      )
      .option(
        '-i, --image <FILE>',
        'attach an image to the prompt (png, jpeg, gif, webp); repeatable or comma-separated',
        collectList,
        [],
      )
      .option(
        '--output-schema <FILE>',
        'a JSON Schema file the final answer must follow; the last message is then that JSON',
      )
      // Sent by @openai/codex-sdk for options this runtime has no counterpart of: accepted, ignored.
      .addOption(new Option('--thread-source <SOURCE>').hideHelp())
      .addOption(new Option('--cyber-access-program <PROGRAM>').hideHelp())
      .option('-o, --output-last-message <FILE>', "write the agent's final message to FILE")
      .option('--ephemeral', 'do not record the session (it cannot be resumed)')
      .option(
        '--replay <FILE>',
        'answer from a recorded model script (JSONL, see @agent/models) instead of a provider',
      ),
  ).option(
    '--plugin-dir <DIR>',
    'load a plugin (or a directory of plugins) for this run; repeatable',
    collect,
    [],
  )
}

/** Runs an action, mapping errors to exit codes: usage/config 2, anything else 1. */
async function run(action: () => Promise<number>): Promise<void> {
  const { reportAndExit } = await import('./errors.js')
  let code: number
  try {
    code = await action()
  } catch (error) {
    return reportAndExit(error)
  }
  // Exit once the output is flushed, so no leftover handle (a server, a timer) keeps us alive.
  process.exitCode = code
  process.stdout.write('', () => process.exit(code))
}

function globalPluginDirs(command: Command): string[] {
  const globals = command.optsWithGlobals() as { pluginDir?: string[] }
  return globals.pluginDir ?? []
}

export interface ProgramOptions {
  /** How `agent [PROMPT]` and `agent resume` load the interactive UI (see LoadTui). */
  loadTui?: LoadTui
}

export function buildProgram(options: ProgramOptions = {}): Command {
  const program = new Command()
  program
    .name('agent')
    .description('A coding agent runtime: talk to a model, run the tools it asks for safely.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run `agent --help` for usage)')
    .option('--plugin-dir <DIR>', 'load a plugin for this run; repeatable', collect, [])
    // Options after a subcommand belong to it, so `agent sandbox -- cmd --flag` passes through.
    .enablePositionalOptions()
    .exitOverride((err) => {
      // Usage errors exit 2, like other Unix tools; help and version exit 0.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0)
      if (err.code === 'commander.help') process.exit(0)
      process.exit(err.exitCode === 0 ? 0 : 2)
    })

  // `agent [PROMPT]` and `agent resume`: the interactive UI (@agent/tui).
  addInteractiveCommands(program, run, options.loadTui)

  const exec = addReviewOptions(
    addRunOptions(
      program
        .command('exec')
        .description('run one task non-interactively and print the result')
        .argument('[PROMPT]', 'what to do; `-` (or nothing, with stdin not a terminal) reads it from stdin'),
    ).option('--review', 'review changes instead (see `agent review`); PROMPT is then what to focus on'),
  ).action(async (prompt: string | undefined, flags, command: Command) => {
    await run(async () => {
      const { runExec } = await import('./exec/run-exec.js')
      return runExec(
        prompt,
        { ...flags, pluginDir: [...globalPluginDirs(command), ...flags.pluginDir] },
        stdio(),
      )
    })
  })

  addReviewOptions(
    addRunOptions(
      program
        .command('review')
        .description(
          'review the uncommitted changes (or a commit, or the branch against a base) and list findings',
        )
        .argument('[FOCUS]', 'what the review should focus on'),
    ),
  ).action(async (focus: string | undefined, flags, command: Command) => {
    await run(async () => {
      const { runExec } = await import('./exec/run-exec.js')
      return runExec(
        focus,
        { ...flags, review: true, pluginDir: [...globalPluginDirs(command), ...flags.pluginDir] },
        stdio(),
      )
    })
  })

  addRunOptions(
    exec
      .command('resume')
      .description('continue a recorded session with another prompt')
      .argument('[ID]', 'session id (see `agent sessions`); with --last, the prompt')
      .argument('[PROMPT]', 'what to do next; `-` reads it from stdin')
      .option('--last', 'resume the most recent session in this directory'),
  ).action(async (first: string | undefined, second: string | undefined, flags, command: Command) => {
    await run(async () => {
      const { runExec } = await import('./exec/run-exec.js')
      const { UsageError } = await import('@agent/sdk')
      const id = flags.last ? undefined : first
      const prompt = flags.last ? first : second
      if (!flags.last && !id)
        throw new UsageError('resume needs a session ID or --last (see `agent sessions`)')
      // `exec [OPTIONS] resume ID`, as the Codex SDK sends it: exec's options apply too.
      const merged = mergeRunFlags(command.parent?.opts() ?? {}, flags)
      return runExec(
        prompt,
        { ...merged, pluginDir: [...globalPluginDirs(command), ...(merged.pluginDir as string[])] },
        stdio(),
        flags.last ? { last: true } : { id },
      )
    })
  })

  addDurableCommands(program, run)

  program
    .command('sessions')
    .description('list recent sessions')
    .option('-n, --limit <N>', 'how many', (v) => positiveInt(v), 20)
    .option('--json', 'one JSON object per line')
    .action(async (flags) => {
      await run(async () => (await import('./commands/sessions.js')).runSessions(flags, stdio()))
    })

  program
    .command('apply-patch')
    .description('apply a patch (the apply_patch format) read from stdin to the current directory')
    .action(async () => {
      await run(async () => {
        const { runApplyPatchCli } = await import('@agent/tools')
        return runApplyPatchCli({
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
          cwd: process.cwd(),
        })
      })
    })

  program
    .command('policy')
    .description('judge shell commands with the command policy (`agent policy --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[ARGS...]')
    .passThroughOptions()
    .action(async () => {
      await run(async () => {
        const { runPolicyCli } = await import('@agent/policy')
        return runPolicyCli(rawArgsAfter('policy'), {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        })
      })
    })

  program
    .command('sandbox')
    .description('run a command inside the sandbox (`agent sandbox --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .argument('[ARGS...]')
    .action(async () => {
      await run(async () => {
        const { runSandboxCli } = await import('@agent/sandbox')
        return runSandboxCli(rawArgsAfter('sandbox'), { stdout: process.stdout, stderr: process.stderr })
      })
    })

  const mcp = program.command('mcp').description('manage MCP servers in config.toml')
  mcp
    .command('list')
    .description(
      'the MCP servers a session starts (config.toml, plugins, .mcp.json); --check connects to each',
    )
    .option('--check', 'connect to every server and show its status and tool count')
    .option('-c, --config <key=value>', 'override a config key; repeatable', collect, [])
    .action(async (flags, command: Command) => {
      await run(async () =>
        (await import('./commands/mcp.js')).runMcpList(
          { ...flags, pluginDir: globalPluginDirs(command) },
          stdio(),
        ),
      )
    })
  mcp
    .command('add')
    .description('add a server: `agent mcp add NAME -- COMMAND ARGS...` or `agent mcp add NAME --url URL`')
    .argument('<NAME>')
    .argument('[COMMAND...]')
    .option('--url <URL>', 'a streamable HTTP (or SSE) server')
    .option('--env <KEY=VALUE>', 'environment variable for a stdio server; repeatable', collect, [])
    .option('--bearer-token-env-var <VAR>', 'send Authorization: Bearer $VAR to an HTTP server')
    .option('--project', "write to the project's .agent/config.toml instead of the user's")
    .action(async (name: string, command: string[], flags) => {
      await run(async () => (await import('./commands/mcp.js')).runMcpAdd(name, command, flags, stdio()))
    })
  mcp
    .command('remove')
    .description('remove a server from config.toml')
    .argument('<NAME>')
    .option('--project', "edit the project's .agent/config.toml instead of the user's")
    .action(async (name: string, flags) => {
      await run(async () => (await import('./commands/mcp.js')).runMcpRemove(name, flags, stdio()))
    })

  addRunOptions(
    program
      .command('mcp-server')
      .description('serve the agent over MCP (stdio, or streamable HTTP on 127.0.0.1 with --http)')
      .option('--http <PORT>', 'listen on 127.0.0.1:PORT instead of stdio', (v) => nonNegativeInt(v)),
  ).action(async (flags, command: Command) => {
    await run(async () =>
      (await import('./commands/mcp-server.js')).runMcpServer(
        { ...flags, pluginDir: [...globalPluginDirs(command), ...flags.pluginDir] },
        stdio(),
      ),
    )
  })

  for (const [name, level, description] of [
    [
      'trust',
      'trusted',
      "let a folder's own hooks, MCP servers, permission rules and sandbox settings apply",
    ],
    [
      'untrust',
      'untrusted',
      "stop a folder's own hooks, MCP servers, allow rules and wider sandbox settings",
    ],
  ] as const) {
    program
      .command(name)
      .description(`${description} (recorded in $AGENT_HOME/config.toml)`)
      .argument('[DIR]', 'the folder (default: the git repository around the current directory)')
      .action(async (dir: string | undefined) => {
        await run(async () => (await import('./commands/trust.js')).runTrust(level, dir, stdio()))
      })
  }

  program
    .command('acp')
    .description('serve the agent to an editor over the Agent Client Protocol (JSON-RPC on stdio)')
    .option('-m, --model <MODEL>', 'model name sent to the provider')
    .option(
      '--provider <ID>',
      'provider: openai, openai-chat, anthropic, ollama, lmstudio, or an id from config',
    )
    .option('--base-url <URL>', "the provider's API root")
    .option('--replay <FILE>', 'answer from a recorded model script instead of a provider')
    .option(
      '-c, --config <key=value>',
      'override a config key (value parsed as TOML); repeatable',
      collect,
      [],
    )
    .action(async (flags, command: Command) => {
      await run(async () =>
        (await import('./commands/acp.js')).runAcp(
          { ...flags, pluginDir: globalPluginDirs(command) },
          stdio(),
          options.loadTui,
        ),
      )
    })

  program
    .command('plugins')
    .description('plugins, commands, skills, subagents and hooks')
    .command('list')
    .description('show what loaded, and any problems')
    .option('-C, --cd <DIR>', 'look from DIR instead of the current directory')
    .action(async (flags, command: Command) => {
      await run(async () =>
        (await import('./commands/plugins.js')).runPluginsList(
          { ...flags, pluginDir: globalPluginDirs(command) },
          stdio(),
        ),
      )
    })

  return program
}

/**
 * A subcommand's run options over its parent's: lists (`-c`, `--add-dir`, `--image`...) are
 * joined, a scalar given to the subcommand wins.
 */
function mergeRunFlags(
  parent: Record<string, unknown>,
  own: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...parent }
  for (const [key, value] of Object.entries(own)) {
    const before = merged[key]
    if (Array.isArray(value)) merged[key] = [...(Array.isArray(before) ? before : []), ...value]
    else if (value !== undefined) merged[key] = value
  }
  return merged
}

/** The arguments after a mounted sub-CLI's name, untouched (commander would eat a `--`). */
function rawArgsAfter(name: string): string[] {
  const argv = process.argv.slice(2)
  return argv.slice(argv.indexOf(name) + 1)
}

function stdio() {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  }
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer')
  return n
}

function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number')
  return n
}
