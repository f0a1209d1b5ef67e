// Slash commands: the built-ins the UI can carry out through the protocol alone, those that need
// the host (new session, resume, plugin list) through callbacks, and commands from plugins,
// which expand into a prompt.
import type { AgentConnection } from './connection.js'

/** A command contributed by a plugin: running it sends the expanded prompt to the agent. */
export interface PromptCommand {
  name: string
  description?: string | undefined
  /** The prompt to send for the given arguments (e.g. @agent/plugins' `expandSlashCommand`). */
  expand(args: string): string | Promise<string>
}

/** A past session, for the resume picker. */
export interface SessionChoice {
  id: string
  /** ISO 8601. */
  updatedAt: string
  cwd?: string | undefined
  title?: string | undefined
}

/** What the host (the CLI) can do for the UI. Absent callbacks make their commands absent. */
export interface HostActions {
  /** Starts a fresh session and returns its connection; the host shuts the old one down. */
  newSession?(): Promise<AgentConnection>
  /** Recent sessions, newest first. */
  listSessions?(): Promise<SessionChoice[]>
  /** Opens a past session and returns its connection; the host shuts the old one down. */
  resumeSession?(id: string): Promise<AgentConnection>
  /** One line per loaded plugin (name, version, what it contributes). */
  describePlugins?(): string[] | Promise<string[]>
  /**
   * `/review ARGS`: the review prompt for the changes ARGS name (the host collects the diff), the
   * output schema of the findings, and how to show the model's answer. Throws for bad ARGS.
   */
  prepareReview?(args: string): Promise<ReviewRequest>
  /** One line per configured MCP server with its state. */
  describeMcpServers?(): string[] | Promise<string[]>
  /**
   * Commands known only once the session is up (MCP servers' prompts, `/mcp__<server>__<prompt>`):
   * asked when the session starts and again after `/new` or `/resume`; offered in the `/` menu
   * when they resolve. A rejection is shown as a warning.
   */
  loadCommands?(): Promise<PromptCommand[]>
}

export interface ReviewRequest {
  prompt: string
  outputSchema: Record<string, unknown>
  /** The findings as text, from the model's final (JSON) answer. */
  present(answer: string): string
}

export interface CommandInfo {
  name: string
  description: string
  usage?: string
}

export const BUILTIN_COMMANDS: readonly (CommandInfo & { needs?: keyof HostActions })[] = [
  { name: 'help', description: 'show commands and keys' },
  { name: 'new', description: 'start a new session', needs: 'newSession' },
  { name: 'resume', description: 'continue a past session', needs: 'resumeSession' },
  { name: 'model', description: 'show or change the model for the next turns', usage: '/model [NAME]' },
  {
    name: 'approvals',
    description: 'show or change when the agent asks first',
    usage: '/approvals [untrusted|on-failure|on-request|never]',
  },
  { name: 'diff', description: 'show the file changes of the last turn' },
  { name: 'undo', description: 'revert the file changes of the last turn' },
  { name: 'compact', description: 'summarise the conversation to free context' },
  {
    name: 'review',
    description: 'review the uncommitted changes (or a commit, or the branch) and list findings',
    usage: '/review [--base BRANCH | --commit SHA] [FOCUS]',
    needs: 'prepareReview',
  },
  {
    name: 'init',
    description: 'have the agent write an AGENTS.md for this repository',
    usage: '/init [force]',
  },
  { name: 'status', description: 'show model, sandbox, approvals and token use' },
  { name: 'mcp', description: 'list MCP servers and tools' },
  { name: 'plugins', description: 'list loaded plugins', needs: 'describePlugins' },
  { name: 'quit', description: 'exit' },
]

/** Built-ins available with these host actions, then plugin commands (a plugin cannot shadow a built-in). */
export function availableCommands(actions: HostActions, plugins: readonly PromptCommand[]): CommandInfo[] {
  const builtins = BUILTIN_COMMANDS.filter((c) => !c.needs || actions[c.needs] !== undefined).map(
    ({ needs: _n, ...c }) => c,
  )
  const taken = new Set(builtins.map((c) => c.name))
  const fromPlugins = plugins
    .filter((p) => !taken.has(p.name))
    .map((p) => ({ name: p.name, description: p.description ?? 'plugin command' }))
  return [...builtins, ...fromPlugins]
}

/** Splits `/name args` into its parts. */
export function parseSlash(text: string): { name: string; args: string } | undefined {
  const match = /^\/([\w:.-]+)(?:\s+([\s\S]*))?$/.exec(text.trim())
  if (!match) return undefined
  return { name: match[1] as string, args: (match[2] ?? '').trim() }
}

export const KEY_HELP: ReadonlyArray<[string, string]> = [
  ['Enter', 'send'],
  ['Shift+Enter, Alt+Enter, Ctrl+J, \\ then Enter', 'new line'],
  ['↑ / ↓', 'move between lines; on the first/last line, walk prompt history'],
  ['Tab', 'accept completion (@file, /command)'],
  ['Esc', 'interrupt the running turn; close a menu'],
  ['Ctrl+C', 'interrupt; clear the input; twice quickly to exit'],
  ['Ctrl+D', 'exit when the input is empty'],
  ['Ctrl+O', 'show the full output of the last command'],
  ['Ctrl+A / Ctrl+E, Ctrl+U / Ctrl+K, Ctrl+W', 'line start / end, delete to start / end, delete word'],
  ['!cmd', 'run a shell command directly'],
]

/** What `/init` asks of the agent: inspect the repository, then write AGENTS.md with the file tools. */
export const INIT_PROMPT = `Create an AGENTS.md file in the current directory: the instructions a coding agent needs to work in this repository.

First inspect the repository with your tools: its layout, the build and package configuration, the test setup, the linters and formatters, CI files, and existing contributor docs (README, CONTRIBUTING, any CLAUDE.md or .cursor rules). Do not guess: state only what you found.

Then write AGENTS.md (replace it if it exists) with short sections:
- Project overview: what it is and how the code is organised (the main directories and what lives in each).
- Build, test and run: the exact commands, including how to run one test.
- Code style and conventions that the tooling does not enforce by itself.
- Testing expectations and where tests live.
- Anything a newcomer would trip on (generated files, required environment, slow steps).

Keep it concise (well under 200 lines), use Markdown, and write it with your file tools. Reply with a two-line summary of what you wrote.`
