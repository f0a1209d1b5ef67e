// Codex's unified exec pair: `exec_command` starts a (possibly interactive) process and returns
// what it printed within the yield time; `write_stdin` types into it and polls. Sessions are
// the agent's `ProcessSessions`; the model sees small integer ids, as in Codex.
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { ToolContext, ToolOutput } from '@agent/core'
import { truncateMiddle } from '@agent/exec'
import { z } from 'zod'
import { defineTool, errorMessage, isToolRejection, sessionSlot } from '../shared/tool-kit.js'
import { routeApplyPatch } from './shell.js'

const DEFAULT_MAX_OUTPUT_TOKENS = 10_000
const BYTES_PER_TOKEN = 4
const MAX_READ_BYTES = 1024 * 1024

interface SessionIds {
  next: number
  byNumber: Map<number, string>
}

const sessionIds = (context: ToolContext) =>
  sessionSlot<SessionIds>(context, '@agent/tools:unified-exec', () => ({ next: 1000, byNumber: new Map() }))

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/** Codex's unified-exec response layout. */
function formatResponse(parts: {
  wallMs: number
  output: string
  exitCode: number | null
  sessionId?: number
  maxOutputTokens: number
}): string {
  const budget = parts.maxOutputTokens * BYTES_PER_TOKEN
  const bytes = Buffer.byteLength(parts.output)
  const sections = [
    `Chunk ID: ${randomBytes(3).toString('hex')}`,
    `Wall time: ${(parts.wallMs / 1000).toFixed(4)} seconds`,
  ]
  if (parts.sessionId !== undefined) sections.push(`Process running with session ID ${parts.sessionId}`)
  else sections.push(`Process exited with code ${parts.exitCode ?? -1}`)
  if (bytes > budget) sections.push(`Original token count: ${Math.ceil(bytes / BYTES_PER_TOKEN)}`)
  sections.push('Output:', truncateMiddle(parts.output, budget).text)
  return sections.join('\n')
}

async function collect(
  context: ToolContext,
  sessionId: string,
  yieldTimeMs: number,
  maxOutputTokens: number,
  started: number,
): Promise<ToolOutput> {
  const ids = sessionIds(context)
  const read = await context.processes.read(sessionId, {
    yieldTimeMs,
    // Read generously so the model is told the true size of what it missed.
    maxBytes: Math.max(maxOutputTokens * BYTES_PER_TOKEN, MAX_READ_BYTES),
  })
  let number: number | undefined
  for (const [n, id] of ids.byNumber) if (id === sessionId) number = n
  if (read.exited) {
    if (number !== undefined) ids.byNumber.delete(number)
    number = undefined
  } else if (number === undefined) {
    number = ids.next++
    ids.byNumber.set(number, sessionId)
  }
  const parts: Parameters<typeof formatResponse>[0] = {
    wallMs: Date.now() - started,
    output: read.output,
    exitCode: read.exitCode,
    maxOutputTokens,
  }
  if (number !== undefined) parts.sessionId = number
  return { output: formatResponse(parts), isError: read.exited && read.exitCode !== 0 }
}

export const ExecCommandArgs = z.object({
  cmd: z.string().min(1, 'cmd must be a shell command'),
  workdir: z.string().optional(),
  shell: z.string().optional(),
  login: z.boolean().optional(),
  tty: z.boolean().optional(),
  yield_time_ms: z.number().nonnegative().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  with_escalated_permissions: z.boolean().optional(),
  justification: z.string().optional(),
})
export type ExecCommandArgs = z.infer<typeof ExecCommandArgs>

export const EXEC_COMMAND_JSON_SCHEMA = {
  type: 'object',
  properties: {
    cmd: { type: 'string', description: 'Shell command to execute.' },
    workdir: {
      type: 'string',
      description: 'Working directory for the command; defaults to the turn cwd.',
    },
    shell: { type: 'string', description: 'Shell binary to launch. Defaults to /bin/bash.' },
    login: { type: 'boolean', description: 'Run the shell with -l semantics. Defaults to true.' },
    tty: {
      type: 'boolean',
      description: 'Allocate a TTY for the command. Defaults to false (plain pipes).',
    },
    yield_time_ms: {
      type: 'number',
      description: 'How long to wait (in milliseconds) for output before yielding.',
    },
    max_output_tokens: {
      type: 'number',
      description: 'Maximum number of tokens to return; the rest of the output is truncated.',
    },
    with_escalated_permissions: {
      type: 'boolean',
      description: 'Request to run the command outside the sandbox.',
    },
    justification: {
      type: 'string',
      description: 'Only with with_escalated_permissions: one sentence on why.',
    },
  },
  required: ['cmd'],
  additionalProperties: false,
}

export const execCommandTool = defineTool<ExecCommandArgs>({
  name: 'exec_command',
  description: 'Runs a command in a PTY, returning its output or a session ID to keep interacting with it.',
  parameters: ExecCommandArgs,
  jsonSchema: EXEC_COMMAND_JSON_SCHEMA,
  readOnly: false,
  changesFilesOnlyByCommands: true,
  describeForApproval: (args) => [args.shell ?? '/bin/bash', args.login === false ? '-c' : '-lc', args.cmd],
  async handle(args, context) {
    const started = Date.now()
    const cwd = args.workdir ? resolve(context.cwd, args.workdir) : context.cwd
    const argv = [args.shell ?? '/bin/bash', args.login === false ? '-c' : '-lc', args.cmd]
    const patched = await routeApplyPatch(argv, cwd, context)
    if (patched) return patched
    let sessionId: string
    try {
      const start: Parameters<typeof context.processes.start>[0] = { argv, cwd }
      if (args.tty !== undefined) start.tty = args.tty
      sessionId = (await context.processes.start(start)).sessionId
    } catch (error) {
      if (isToolRejection(error)) return { output: error.message, isError: true }
      return { output: `exec_command failed: ${errorMessage(error)}`, isError: true }
    }
    const yieldTimeMs = clamp(args.yield_time_ms ?? 10_000, 250, 30_000)
    return collect(
      context,
      sessionId,
      yieldTimeMs,
      args.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      started,
    )
  },
})

export const WriteStdinArgs = z.object({
  session_id: z.coerce.number().int(),
  chars: z.string().optional(),
  yield_time_ms: z.number().nonnegative().optional(),
  max_output_tokens: z.number().int().positive().optional(),
})
export type WriteStdinArgs = z.infer<typeof WriteStdinArgs>

export const WRITE_STDIN_JSON_SCHEMA = {
  type: 'object',
  properties: {
    session_id: { type: 'number', description: 'Identifier of the running unified exec session.' },
    chars: { type: 'string', description: 'Bytes to write to stdin (may be empty to poll).' },
    yield_time_ms: {
      type: 'number',
      description: 'How long to wait (in milliseconds) for output before yielding.',
    },
    max_output_tokens: {
      type: 'number',
      description: 'Maximum number of tokens to return; the rest of the output is truncated.',
    },
  },
  required: ['session_id'],
  additionalProperties: false,
}

export const writeStdinTool = defineTool<WriteStdinArgs>({
  name: 'write_stdin',
  description: 'Writes characters to a running unified exec session and returns its recent output.',
  parameters: WriteStdinArgs,
  jsonSchema: WRITE_STDIN_JSON_SCHEMA,
  readOnly: false,
  async handle(args, context) {
    const started = Date.now()
    const sessionId = sessionIds(context).byNumber.get(args.session_id)
    if (sessionId === undefined) {
      return {
        output: `Unknown session id ${args.session_id}: the process has exited or was never started. Start it again with exec_command.`,
        isError: true,
      }
    }
    const chars = args.chars ?? ''
    try {
      if (chars !== '') await context.processes.write(sessionId, chars)
    } catch (error) {
      return { output: `write_stdin failed: ${errorMessage(error)}`, isError: true }
    }
    // An empty write is a poll: wait longer for something to happen.
    const yieldTimeMs =
      chars === ''
        ? clamp(args.yield_time_ms ?? 5_000, 5_000, 300_000)
        : clamp(args.yield_time_ms ?? 250, 250, 30_000)
    return collect(
      context,
      sessionId,
      yieldTimeMs,
      args.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      started,
    )
  },
})
