// Slash commands: `/name args` becomes the prompt the model sees. `$ARGUMENTS`, `$ARGUMENTS[N]`
// and `$N` (0-based) take the arguments; `@path` inlines a file; `` !`cmd` `` is replaced by the
// command's output, run through the caller's `runShell` (the CLI routes it through core's
// orchestrator, so the exec policy, approvals and the sandbox apply).
import { open, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import type { SlashCommand } from './markdown-components.js'

/** `/review 12 high` → `{ name: 'review', args: '12 high' }`; undefined when not a command. */
export function parseSlashInput(text: string): { name: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9][\w.:-]*)(?:\s+([\s\S]*))?$/.exec(text.trim())
  if (!match?.[1]) return undefined
  return { name: match[1], args: (match[2] ?? '').trim() }
}

/** Splits arguments like a shell does for words: whitespace, '…' and "…" quoting, \ escapes. */
export function splitArguments(args: string): string[] {
  const out: string[] = []
  let current = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let i = 0; i < args.length; i++) {
    const ch = args.charAt(i)
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && i + 1 < args.length) current += args.charAt(++i)
      else current += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < args.length) {
      current += args.charAt(++i)
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(current)
      current = ''
      inWord = false
    } else {
      current += ch
      inWord = true
    }
  }
  if (inWord) out.push(current)
  return out
}

const PLACEHOLDER = /\$ARGUMENTS\[(\d+)\]|\$ARGUMENTS|\$(\d+)/g

/**
 * Replaces `$ARGUMENTS`, `$ARGUMENTS[N]` and `$N` (0-based). `quote` shell-quotes each value
 * (used inside `` !`cmd` `` so arguments cannot inject shell syntax).
 */
export function substituteArguments(
  text: string,
  args: string,
  options: { quote?: boolean } = {},
): { text: string; used: boolean } {
  const words = splitArguments(args)
  let used = false
  const out = text.replace(
    PLACEHOLDER,
    (_match, indexed: string | undefined, positional: string | undefined) => {
      used = true
      const index = indexed ?? positional
      const value = index === undefined ? args : (words[Number(index)] ?? '')
      return options.quote ? shellQuote(value) : value
    },
  )
  return { text: out, used }
}

export function shellQuote(value: string): string {
  if (value === '') return "''"
  if (/^[\w@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}

export interface ShellOutput {
  output: string
  exitCode?: number
}

/** Runs one `` !`cmd` `` of a command; rejecting (policy refusal, user denial) fails the expansion. */
export type RunShell = (
  command: string,
  context: { cwd: string; command: SlashCommand; allowedTools?: string[] },
) => Promise<string | ShellOutput>

export interface ExpandOptions {
  cwd: string
  /** Without it, a command that uses `` !`cmd` `` fails to expand (nothing is run behind your back). */
  runShell?: RunShell
  /** Files inlined by `@path` are cut at this many bytes (default 256 KiB). */
  maxFileBytes?: number
}

export interface ExpandedCommand {
  /** The text to send to the model as the user's message. */
  prompt: string
  command: SlashCommand
  /** From frontmatter: the model to use for this turn. */
  model?: string
  /** From frontmatter: tools the command may use without asking (Claude Code rule syntax). */
  allowedTools?: string[]
  /** Files inlined by `@path`, absolute. */
  files: string[]
}

export type ExpandError = { kind: 'shell_unavailable' | 'shell_failed'; message: string }
export type ExpandResult = { ok: true; value: ExpandedCommand } | { ok: false; error: ExpandError }

const SHELL = /!`([^`\n]+)`/g
const FILE_REF = /(^|[\s(])@((?:\\ |[^\s"'`()])+)/g
const DEFAULT_MAX_FILE_BYTES = 256 * 1024

export async function expandSlashCommand(
  command: SlashCommand,
  args: string,
  options: ExpandOptions,
): Promise<ExpandResult> {
  const trimmedArgs = args.trim()
  // Split off the `` !`cmd` `` parts first: their arguments are shell-quoted, the rest verbatim.
  const pieces: { shell: boolean; text: string }[] = []
  let last = 0
  let used = false
  for (const match of command.body.matchAll(SHELL)) {
    pieces.push({ shell: false, text: command.body.slice(last, match.index) })
    pieces.push({ shell: true, text: match[1] ?? '' })
    last = match.index + match[0].length
  }
  pieces.push({ shell: false, text: command.body.slice(last) })
  for (const piece of pieces) {
    const substituted = substituteArguments(piece.text, trimmedArgs, { quote: piece.shell })
    piece.text = substituted.text
    used ||= substituted.used
  }

  const files: string[] = []
  const attachments: string[] = []
  for (const piece of pieces) {
    if (piece.shell) continue
    for (const match of piece.text.matchAll(FILE_REF)) {
      const ref = (match[2] ?? '').replaceAll('\\ ', ' ').replace(/[.,;:!?]+$/, '')
      const path = resolveRef(ref, options.cwd)
      if (files.includes(path)) continue
      const content = await readInlineFile(path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)
      if (content === undefined) continue
      files.push(path)
      attachments.push(`Contents of ${ref}:\n\`\`\`\n${content}\n\`\`\``)
    }
  }

  const context = {
    cwd: options.cwd,
    command,
    ...(command.allowedTools ? { allowedTools: command.allowedTools } : {}),
  }
  for (const piece of pieces) {
    if (!piece.shell) continue
    if (!options.runShell) {
      return {
        ok: false,
        error: {
          kind: 'shell_unavailable',
          message: `/${command.name} runs \`${piece.text}\`, but no shell runner was given to expand it`,
        },
      }
    }
    try {
      const result = await options.runShell(piece.text, context)
      piece.text = (typeof result === 'string' ? result : result.output).replace(/\s+$/, '')
    } catch (error) {
      return {
        ok: false,
        error: {
          kind: 'shell_failed',
          message: `/${command.name}: \`${piece.text}\` failed: ${(error as Error).message}`,
        },
      }
    }
  }

  let prompt = pieces.map((p) => p.text).join('')
  // Claude Code appends the arguments when the body has no placeholder, so they are not lost.
  if (!used && trimmedArgs !== '') prompt = `${prompt.replace(/\s+$/, '')}\n\nARGUMENTS: ${trimmedArgs}`
  if (attachments.length > 0) prompt = `${prompt.replace(/\s+$/, '')}\n\n${attachments.join('\n\n')}`
  return {
    ok: true,
    value: {
      prompt: prompt.trim(),
      command,
      ...(command.model ? { model: command.model } : {}),
      ...(command.allowedTools ? { allowedTools: command.allowedTools } : {}),
      files,
    },
  }
}

function resolveRef(ref: string, cwd: string): string {
  if (ref === '~' || ref.startsWith('~/')) return join(homedir(), ref.slice(1))
  return isAbsolute(ref) ? ref : resolve(cwd, ref)
}

/** The file's text (cut at `maxBytes`), or undefined when it is not a readable file. */
async function readInlineFile(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(maxBytes + 1)
      const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0)
      const bytes = buffer.subarray(0, Math.min(bytesRead, maxBytes))
      if (bytes.includes(0)) return '(binary file, not included)'
      const text = bytes.toString('utf8')
      return bytesRead > maxBytes ? `${text}\n[file truncated at ${maxBytes} bytes]` : text.replace(/\n$/, '')
    } finally {
      await handle.close()
    }
  } catch {
    return undefined
  }
}
