// Slash commands in a prompt: `agent exec "/review 7 high"` (and `/review 7 high` in the
// interactive UI) expands the plugin command's markdown (arguments, `@file`, `` !`cmd` ``)
// before the prompt is sent. The shell parts go through the same policy and sandbox as the
// agent's own commands; expansion cannot ask for approval, so anything the policy would ask
// about is refused.
import type { CommandPolicy, CommandRunner, Sandbox } from '@agent/core'
import type { RunShell, SlashCommand } from '@agent/plugins'
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'
import { UsageError } from '../config/errors.js'

export interface ShellDeps {
  policy: CommandPolicy
  sandbox: Sandbox
  runner: CommandRunner
  env: Record<string, string>
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
}

/** Runs a command's `` !`cmd` `` confined like the agent's own commands. */
export function confinedShell(deps: ShellDeps): RunShell {
  return async (command, { cwd }) => {
    const argv = ['bash', '-c', command]
    const verdict = await deps.policy.evaluate(argv, {
      approvalPolicy: deps.approvalPolicy,
      sandboxPolicy: deps.sandboxPolicy,
      cwd,
    })
    if (verdict.decision !== 'allow') {
      // Expansion happens before the prompt is sent, outside any turn: nobody can be asked.
      throw new Error(
        `!\`${command}\` was not run: ${verdict.reason} (a slash command's shell part cannot ask for approval; ` +
          'allow the command with a rule or permission setting, or run it yourself)',
      )
    }
    const wrapped =
      deps.sandboxPolicy.type === 'danger-full-access'
        ? { argv, env: deps.env, fds: [] }
        : await deps.sandbox.wrapCommand(deps.sandboxPolicy, { argv, cwd, env: deps.env })
    const result = await deps.runner.run({
      argv: wrapped.argv,
      cwd,
      env: wrapped.env,
      ...(wrapped.fds.length > 0 ? { extraFds: wrapped.fds } : {}),
      timeoutMs: 60_000,
    })
    return { output: result.stdout + result.stderr, exitCode: result.exitCode }
  }
}

/** MCP servers' prompts as slash commands (`@agent/mcp`'s manager satisfies it). */
export interface McpPromptSource {
  /** The prompts of every ready server (after their start-up), for menus of slash commands. */
  listPrompts(): Promise<McpPromptCommand[]>
  /** Undefined when `command` (`mcp__<server>__<prompt>`) names no prompt of a ready server. */
  expandPrompt(command: string, words: readonly string[]): Promise<string | undefined>
}

/** One MCP prompt as the slash command `/<command>` (`mcp__<server>__<prompt>`). */
export interface McpPromptCommand {
  server: string
  command: string
  description?: string
  /** Declared arguments in order: the words after the command map onto them. */
  arguments: { name: string; description?: string; required?: boolean }[]
}

/** What a menu shows for an MCP prompt: its description, the server, and its arguments (`<required> [optional]`). */
export function describeMcpPrompt(prompt: McpPromptCommand): string {
  const args = prompt.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ')
  return `${prompt.description ?? 'MCP prompt'} (MCP server ${prompt.server}${args ? `; args: ${args}` : ''})`
}

/**
 * The prompt to send: a `/name args` that names a loaded command is expanded, and a
 * `/mcp__<server>__<prompt> args` that names an MCP server's prompt becomes that prompt's
 * messages; any other text (including a `/path/to/file ...` that is no command) is sent as written.
 */
export async function expandPrompt(
  prompt: string,
  commands: readonly SlashCommand[],
  options: { cwd: string; runShell: RunShell; mcpPrompts?: McpPromptSource | undefined },
): Promise<string> {
  const plugins = await import('@agent/plugins')
  const slash = plugins.parseSlashInput(prompt)
  if (!slash) return prompt
  if (slash.name.startsWith('mcp__') && options.mcpPrompts) {
    let text: string | undefined
    try {
      text = await options.mcpPrompts.expandPrompt(slash.name, plugins.splitArguments(slash.args))
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    if (text !== undefined) return text
  }
  const found = plugins.resolveByName(commands, slash.name)
  if (!found.ok) return prompt
  const expanded = await plugins.expandSlashCommand(found.value, slash.args, options)
  if (!expanded.ok) throw new UsageError(`/${slash.name}: ${expanded.error.message}`)
  return expanded.value.prompt
}
