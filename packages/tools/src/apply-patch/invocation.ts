// Recognises `apply_patch` when a model runs it as a command — `["apply_patch", patch]` or a
// shell script `apply_patch <<'EOF' … EOF` (optionally after `cd dir &&`) — so the shell tools
// route it to the patch path, where it is approved, announced and tracked like the tool.
import { type ParsedPatch, PatchParseError, parsePatch } from './parser.js'

export type ApplyPatchInvocation =
  /** The command is an apply_patch call; `workdir` is the `cd` target when there was one. */
  | { type: 'patch'; patch: ParsedPatch; workdir?: string }
  /** It is an apply_patch call, but the patch does not parse: tell the model why. */
  | { type: 'error'; message: string }
  | { type: 'not_patch' }

const COMMANDS = new Set(['apply_patch', 'applypatch'])
const SHELLS = new Set(['bash', 'sh', 'zsh'])

/** The message Codex gives when a raw patch is run as a command without `apply_patch`. */
export const IMPLICIT_INVOCATION_MESSAGE =
  'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]'

function shellScript(argv: string[]): string | undefined {
  if (argv.length !== 3) return undefined
  const [shell, flag, script] = argv as [string, string, string]
  const name = shell.split('/').pop() ?? shell
  if (!SHELLS.has(name) || (flag !== '-c' && flag !== '-lc')) return undefined
  return script
}

function parses(text: string): boolean {
  try {
    parsePatch(text)
    return true
  } catch {
    return false
  }
}

// `cd <word|'single'|"double"> && ` then the command, a heredoc and nothing after it. Only these
// whole-script forms count: anything around them is a real shell script and runs as one.
const CD = String.raw`(?:cd[ \t]+(?:'([^']*)'|"([^"$\x60\\]*)"|([^\s'"$\x60\\;&|<>()]+))[ \t]*&&[ \t]*)?`
const HEREDOC = new RegExp(
  String.raw`^\s*${CD}(apply_patch|applypatch)[ \t]*<<(-?)[ \t]*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))[ \t]*\n`,
)

function extractHeredoc(script: string): { body: string; workdir?: string } | undefined {
  const match = HEREDOC.exec(script)
  if (!match) return undefined
  const workdir = match[1] ?? match[2] ?? match[3]
  const stripTabs = match[5] === '-'
  const delimiter = (match[6] ?? match[7] ?? match[8]) as string
  const rest = script.slice(match[0].length).split('\n')
  const bodyLines: string[] = []
  let closed = false
  let i = 0
  for (; i < rest.length; i++) {
    const line = stripTabs ? (rest[i] as string).replace(/^\t+/, '') : (rest[i] as string)
    if (line === delimiter) {
      closed = true
      i++
      break
    }
    bodyLines.push(line)
  }
  if (!closed) return undefined
  // Nothing but whitespace may follow the heredoc.
  if (rest.slice(i).join('\n').trim() !== '') return undefined
  const result: { body: string; workdir?: string } = { body: bodyLines.join('\n') }
  if (workdir !== undefined) result.workdir = workdir
  return result
}

/** Classifies a command (argv) as an apply_patch invocation or not. */
export function parseApplyPatchInvocation(argv: string[]): ApplyPatchInvocation {
  // A bare patch as the command, or as the whole shell script, is a mistake to report.
  if (argv.length === 1 && parses(argv[0] as string)) {
    return { type: 'error', message: IMPLICIT_INVOCATION_MESSAGE }
  }
  const script = shellScript(argv)
  if (script !== undefined && parses(script)) {
    return { type: 'error', message: IMPLICIT_INVOCATION_MESSAGE }
  }
  let body: string | undefined
  let workdir: string | undefined
  if (argv.length === 2 && COMMANDS.has(argv[0] as string)) {
    body = argv[1] as string
  } else if (script !== undefined) {
    const heredoc = extractHeredoc(script)
    if (!heredoc) return { type: 'not_patch' }
    body = heredoc.body
    workdir = heredoc.workdir
  } else {
    return { type: 'not_patch' }
  }
  try {
    const patch = parsePatch(body)
    return workdir === undefined ? { type: 'patch', patch } : { type: 'patch', patch, workdir }
  } catch (error) {
    if (error instanceof PatchParseError) return { type: 'error', message: error.message }
    throw error
  }
}
