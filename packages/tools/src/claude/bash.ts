// Claude Code's `Bash`, plus `BashOutput` and `KillShell` for commands started with
// `run_in_background`. Foreground commands go through the orchestrator (`ToolContext.exec`);
// background ones are the agent's interactive processes, which pass the same policy.
import { statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import type { ToolContext } from '@agent/core'
import { truncateMiddle } from '@agent/exec'
import { z } from 'zod'
import { defineTool, errorMessage, isToolRejection, sessionSlot } from '../shared/tool-kit.js'

export const DEFAULT_BASH_TIMEOUT_MS = 120_000
export const MAX_BASH_TIMEOUT_MS = 600_000
/** Characters of output the model gets; the middle of longer output is cut. */
export const MAX_BASH_OUTPUT = 30_000

interface BackgroundShell {
  sessionId: string
  command: string
  status: 'running' | 'completed' | 'killed'
  exitCode: number | null
}

interface BackgroundShells {
  next: number
  shells: Map<string, BackgroundShell>
}

const backgroundShells = (context: ToolContext) =>
  sessionSlot<BackgroundShells>(context, '@agent/tools:claude-background-shells', () => ({
    next: 1,
    shells: new Map(),
  }))

/**
 * The shell's working directory between calls, as Claude Code keeps it: a `cd` holds for the next
 * call. `base` is the turn cwd it was set under; a different turn cwd starts over from that one.
 * Exported variables do not persist (Claude Code's do not either): each call is a fresh shell.
 */
interface ShellCwd {
  base: string
  cwd: string
}

const shellCwd = (context: ToolContext) =>
  sessionSlot<ShellCwd>(context, '@agent/tools:claude-shell-cwd', () => ({
    base: context.cwd,
    cwd: context.cwd,
  }))

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * Why the shell may not stay in `dir`, or undefined when it may. Outside a sandbox anywhere goes;
 * in one, the shell stays within the turn cwd and the policy's writable roots (Claude Code's
 * "allowed working directories"), never in a `deny_read` path, and only in a directory that exists.
 */
export function shellCwdRefusal(
  dir: string,
  context: Pick<ToolContext, 'cwd' | 'sandboxPolicy'>,
): string | undefined {
  let isDir = false
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    isDir = false
  }
  if (!isDir) return `${dir} no longer exists`
  const policy = context.sandboxPolicy
  if (policy.type === 'danger-full-access') return undefined
  if (policy.deny_read?.some((denied) => isWithin(resolve(context.cwd, denied), dir))) {
    return `${dir} is a path the sandbox does not let commands read`
  }
  const roots = [context.cwd]
  if (policy.type === 'workspace-write')
    roots.push(...policy.writable_roots.map((r) => resolve(context.cwd, r)))
  if (!roots.some((root) => isWithin(root, dir))) {
    return `${dir} is outside the working directories the shell may stay in (${roots.join(', ')})`
  }
  return undefined
}

/** Where the next command starts, and a note for the model when the kept directory was dropped. */
function startDir(context: ToolContext): { cwd: string; note?: string } {
  const state = shellCwd(context)
  if (state.base !== context.cwd) {
    state.base = context.cwd
    state.cwd = context.cwd
  }
  if (state.cwd === context.cwd) return { cwd: context.cwd }
  const refusal = shellCwdRefusal(state.cwd, context)
  if (refusal === undefined) return { cwd: state.cwd }
  state.cwd = context.cwd
  return { cwd: context.cwd, note: `Shell cwd was reset to ${context.cwd}: ${refusal}.` }
}

/** Keeps the directory a command ended in for the next one; a note when it cannot be kept. */
function keepDir(context: ToolContext, finalCwd: string | undefined): string | undefined {
  if (finalCwd === undefined) return undefined
  const state = shellCwd(context)
  const dir = resolve(context.cwd, finalCwd)
  const refusal = dir === context.cwd ? undefined : shellCwdRefusal(dir, context)
  if (refusal === undefined) {
    state.cwd = dir
    return undefined
  }
  state.cwd = context.cwd
  return `Shell cwd was reset to ${context.cwd}: ${refusal}.`
}

export const BashArgs = z.object({
  command: z.string().min(1, 'command must not be empty'),
  timeout: z.number().int().positive().max(MAX_BASH_TIMEOUT_MS).optional(),
  description: z.string().optional(),
  run_in_background: z.boolean().optional(),
})
export type BashArgs = z.infer<typeof BashArgs>

export const BASH_JSON_SCHEMA = {
  type: 'object',
  properties: {
    command: { type: 'string', description: 'The command to execute' },
    timeout: { type: 'number', description: `Optional timeout in milliseconds (max ${MAX_BASH_TIMEOUT_MS})` },
    description: {
      type: 'string',
      description: 'Clear, concise description of what this command does in 5-10 words, in active voice.',
    },
    run_in_background: {
      type: 'boolean',
      description:
        'Set to true to run this command in the background. Use BashOutput to read the output later.',
    },
  },
  required: ['command'],
  additionalProperties: false,
}

function forModel(text: string): string {
  return truncateMiddle(text, MAX_BASH_OUTPUT).text
}

export const bashTool = defineTool<BashArgs>({
  name: 'Bash',
  description: `Executes a bash command with an optional timeout (default ${DEFAULT_BASH_TIMEOUT_MS} ms, max ${MAX_BASH_TIMEOUT_MS} ms).
- Quote paths that contain spaces.
- Prefer Glob, Grep and Read over find, grep, cat and head.
- The working directory persists between calls (a \`cd\` holds for the next command, within the working directory and the sandbox's writable roots); exported variables do not.
- run_in_background starts the command and returns at once; read its output with BashOutput and stop it with KillShell.`,
  parameters: BashArgs,
  jsonSchema: BASH_JSON_SCHEMA,
  readOnly: false,
  // A foreground command shows as exec_command_*; a background start as a generic tool call.
  emitsOwnEvents: (args) => !args.run_in_background,
  changesFilesOnlyByCommands: true,
  describeForApproval: (args) => [args.command],
  async handle(args, context) {
    const start = startDir(context)
    if (args.run_in_background) {
      let sessionId: string
      try {
        sessionId = (await context.processes.start({ argv: ['bash', '-c', args.command], cwd: start.cwd }))
          .sessionId
      } catch (error) {
        if (isToolRejection(error)) return { output: error.message, isError: true }
        return { output: `Could not start the command: ${errorMessage(error)}`, isError: true }
      }
      const registry = backgroundShells(context)
      const id = `bash_${registry.next++}`
      registry.shells.set(id, { sessionId, command: args.command, status: 'running', exitCode: null })
      const started = `Command running in background with ID: ${id}`
      return { output: start.note ? `${start.note}\n${started}` : started }
    }
    const request: Parameters<typeof context.exec>[0] = {
      command: ['bash', '-c', args.command],
      cwd: start.cwd,
      timeoutMs: args.timeout ?? DEFAULT_BASH_TIMEOUT_MS,
      trackCwd: true,
    }
    if (args.description !== undefined) request.justification = args.description
    const outcome = await context.exec(request)
    if (outcome.status === 'rejected') return { output: outcome.reason, isError: true }
    const { result } = outcome
    const parts: string[] = []
    if (start.note) parts.push(start.note)
    if (result.error) parts.push(result.error)
    if (result.stdout.trimEnd() !== '') parts.push(result.stdout.trimEnd())
    if (result.stderr.trimEnd() !== '') parts.push(result.stderr.trimEnd())
    if (result.timedOut) parts.push(`Command timed out after ${request.timeoutMs} ms`)
    else if (result.exitCode !== 0) parts.push(`Exit code ${result.exitCode}`)
    const kept = keepDir(context, outcome.finalCwd)
    if (kept) parts.push(kept)
    const text = parts.join('\n')
    return { output: forModel(text === '' ? '(no output)' : text), isError: result.exitCode !== 0 }
  },
})

export const BashOutputArgs = z.object({ bash_id: z.string(), filter: z.string().optional() })
export type BashOutputArgs = z.infer<typeof BashOutputArgs>

export const BASH_OUTPUT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    bash_id: { type: 'string', description: 'The ID of the background shell to retrieve output from' },
    filter: {
      type: 'string',
      description: 'Optional regular expression; only output lines that match it are returned.',
    },
  },
  required: ['bash_id'],
  additionalProperties: false,
}

export const bashOutputTool = defineTool<BashOutputArgs>({
  name: 'BashOutput',
  description: 'Retrieves the new output of a background Bash command since the last check, with its status.',
  parameters: BashOutputArgs,
  jsonSchema: BASH_OUTPUT_JSON_SCHEMA,
  readOnly: false,
  async handle(args, context) {
    const shell = backgroundShells(context).shells.get(args.bash_id)
    if (!shell) return { output: `No shell found with ID: ${args.bash_id}`, isError: true }
    let filter: RegExp | undefined
    if (args.filter) {
      try {
        filter = new RegExp(args.filter)
      } catch (error) {
        return { output: `Invalid filter regular expression: ${errorMessage(error)}`, isError: true }
      }
    }
    let output = ''
    if (shell.status === 'running') {
      const read = await context.processes.read(shell.sessionId, {
        yieldTimeMs: 100,
        maxBytes: 4 * MAX_BASH_OUTPUT,
      })
      output = read.output
      if (read.exited) {
        shell.status = 'completed'
        shell.exitCode = read.exitCode
      }
    }
    if (filter)
      output = output
        .split('\n')
        .filter((line) => filter.test(line))
        .join('\n')
    const sections = [`<status>${shell.status}</status>`]
    if (shell.exitCode !== null) sections.push(`<exit_code>${shell.exitCode}</exit_code>`)
    if (output !== '') sections.push(`<stdout>\n${forModel(output.trimEnd())}\n</stdout>`)
    return { output: sections.join('\n\n') }
  },
})

export const KillShellArgs = z.object({ shell_id: z.string() })
export type KillShellArgs = z.infer<typeof KillShellArgs>

export const KILL_SHELL_JSON_SCHEMA = {
  type: 'object',
  properties: { shell_id: { type: 'string', description: 'The ID of the background shell to kill' } },
  required: ['shell_id'],
  additionalProperties: false,
}

export const killShellTool = defineTool<KillShellArgs>({
  name: 'KillShell',
  description: 'Kills a running background Bash command by its ID.',
  parameters: KillShellArgs,
  jsonSchema: KILL_SHELL_JSON_SCHEMA,
  readOnly: false,
  async handle(args, context) {
    const shell = backgroundShells(context).shells.get(args.shell_id)
    if (!shell) return { output: `No shell found with ID: ${args.shell_id}`, isError: true }
    if (shell.status !== 'running') {
      return { output: `Shell ${args.shell_id} is not running (status: ${shell.status})`, isError: true }
    }
    await context.processes.kill(shell.sessionId)
    shell.status = 'killed'
    return { output: `Successfully killed shell: ${args.shell_id} (${shell.command})` }
  },
})
