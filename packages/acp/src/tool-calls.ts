// The agent's tool activity as ACP tool calls: a kind that fits, a readable title, the files
// touched (locations), diffs for edits and the output of commands, and the status as it moves
// pending → in_progress → completed | failed.
import { isAbsolute, resolve } from 'node:path'
import { type EventMsgOf, type FileChange, toolCallSubject } from '@agent/protocol'
import type {
  ToolCall,
  ToolCallContent,
  ToolCallLocation,
  ToolCallUpdate,
  ToolKind,
} from '@agentclientprotocol/sdk'

/** A command line as a person would type it. */
export function quoteCommand(argv: string[]): string {
  // `bash -lc 'script'` is how models run shell text: show the script.
  if (argv.length === 3 && /(^|\/)(ba|z)?sh$/.test(argv[0] ?? '') && /^-l?c$/.test(argv[1] ?? ''))
    return argv[2] as string
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}

const READ_COMMANDS = new Set([
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'nl',
  'wc',
  'ls',
  'tree',
  'stat',
  'file',
])
const SEARCH_COMMANDS = new Set(['rg', 'grep', 'egrep', 'fgrep', 'find', 'fd', 'ag', 'ack', 'git grep'])
const FETCH_COMMANDS = new Set(['curl', 'wget'])

/** What kind of command this is, from its first word: reading, searching, fetching, or running. */
export function commandKind(argv: string[]): ToolKind {
  const line = quoteCommand(argv).trim()
  const first = line.split(/\s+/)[0] ?? ''
  const two = line.split(/\s+/).slice(0, 2).join(' ')
  if (/[|;&><]/.test(line)) return 'execute'
  if (SEARCH_COMMANDS.has(first) || SEARCH_COMMANDS.has(two)) return 'search'
  if (READ_COMMANDS.has(first) || (first === 'sed' && /\s-n\s/.test(` ${line} `))) return 'read'
  if (FETCH_COMMANDS.has(first)) return 'fetch'
  return 'execute'
}

/** The first line a unified diff changes in the new file (its first hunk's `+start`). */
function firstChangedLine(unifiedDiff: string): number | undefined {
  const match = /^@@ -\d+(?:,\d+)? \+(\d+)/m.exec(unifiedDiff)
  return match ? Number(match[1]) : undefined
}

/** The old and new sides of a unified diff's hunks (unchanged context kept, hunks separated). */
export function diffSides(unifiedDiff: string): { oldText: string; newText: string } {
  const oldLines: string[] = []
  const newLines: string[] = []
  let inHunk = false
  const lines = unifiedDiff.split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (const line of lines) {
    if (line.startsWith('@@')) {
      if (inHunk) {
        oldLines.push('…')
        newLines.push('…')
      }
      inHunk = true
      continue
    }
    if (!inHunk || line.startsWith('\\')) continue
    const body = line.slice(1)
    if (line.startsWith('-')) oldLines.push(body)
    else if (line.startsWith('+')) newLines.push(body)
    else if (line.startsWith(' ') || line === '') {
      oldLines.push(body)
      newLines.push(body)
    }
  }
  return { oldText: oldLines.join('\n'), newText: newLines.join('\n') }
}

/** Diff blocks, locations, kind and title for a set of file changes. */
export function describeChanges(changes: Record<string, FileChange>): {
  title: string
  kind: ToolKind
  content: ToolCallContent[]
  locations: ToolCallLocation[]
} {
  const content: ToolCallContent[] = []
  const locations: ToolCallLocation[] = []
  const kinds = new Set<string>()
  for (const [path, change] of Object.entries(changes)) {
    if (change.type === 'add') {
      kinds.add('add')
      content.push({ type: 'diff', path, oldText: null, newText: change.content })
      locations.push({ path, line: 1 })
    } else if (change.type === 'delete') {
      kinds.add('delete')
      content.push({ type: 'diff', path, oldText: change.content ?? '', newText: '' })
      locations.push({ path })
    } else {
      kinds.add(change.move_path ? 'move' : 'update')
      const target = change.move_path ?? path
      const { oldText, newText } = diffSides(change.unified_diff)
      content.push({ type: 'diff', path: target, oldText, newText })
      const line = firstChangedLine(change.unified_diff)
      locations.push(line === undefined ? { path: target } : { path: target, line })
    }
  }
  const paths = Object.keys(changes)
  const only = kinds.size === 1 ? [...kinds][0] : undefined
  const kind: ToolKind = only === 'delete' ? 'delete' : only === 'move' ? 'move' : 'edit'
  const verb = only === 'add' ? 'Write' : only === 'delete' ? 'Delete' : only === 'move' ? 'Move' : 'Edit'
  const title = paths.length === 1 ? `${verb} ${paths[0]}` : `${verb} ${paths.length} files`
  return { title, kind, content, locations }
}

const fenced = (text: string) => {
  const fence = text.includes('```') ? '~~~~' : '```'
  return `${fence}\n${text.replace(/\n$/, '')}\n${fence}`
}

export function textContent(text: string): ToolCallContent {
  return { type: 'content', content: { type: 'text', text } }
}

export function commandCall(
  msg: EventMsgOf<'exec_command_begin'> | EventMsgOf<'exec_approval_request'>,
  status: 'pending' | 'in_progress',
): ToolCall {
  return {
    toolCallId: msg.call_id,
    title: quoteCommand(msg.command),
    kind: commandKind(msg.command),
    status,
    rawInput: { command: msg.command, cwd: msg.cwd },
  }
}

export function commandEnded(msg: EventMsgOf<'exec_command_end'>): ToolCallUpdate {
  const output = msg.aggregated_output
  const footer = msg.timed_out ? `\n(timed out)` : msg.exit_code === 0 ? '' : `\n(exit code ${msg.exit_code})`
  return {
    toolCallId: msg.call_id,
    status: msg.exit_code === 0 && !msg.timed_out ? 'completed' : 'failed',
    content: output || footer ? [textContent(`${output ? fenced(output) : ''}${footer}`.trim())] : [],
    rawOutput: { exit_code: msg.exit_code, duration_ms: msg.duration_ms, output },
  }
}

export function patchCall(
  msg: EventMsgOf<'patch_apply_begin'> | EventMsgOf<'apply_patch_approval_request'>,
  status: 'pending' | 'in_progress',
): ToolCall {
  const described = describeChanges(msg.changes)
  return { toolCallId: msg.call_id, status, ...described, rawInput: { changes: msg.changes } }
}

export function patchEnded(msg: EventMsgOf<'patch_apply_end'>): ToolCallUpdate {
  const text = `${msg.stdout}${msg.stderr}`.trim()
  return {
    toolCallId: msg.call_id,
    status: msg.success ? 'completed' : 'failed',
    ...(msg.success || !text ? {} : { content: [textContent(text)] }),
    rawOutput: { success: msg.success, stdout: msg.stdout, stderr: msg.stderr },
  }
}

export function mcpCall(msg: EventMsgOf<'mcp_tool_call_begin'>): ToolCall {
  const { server, tool } = msg.invocation
  return {
    toolCallId: msg.call_id,
    title: `${server}: ${tool}`,
    kind: 'other',
    status: 'in_progress',
    rawInput: msg.invocation.arguments ?? {},
  }
}

export function mcpEnded(msg: EventMsgOf<'mcp_tool_call_end'>): ToolCallUpdate {
  if (!msg.result.ok) {
    return {
      toolCallId: msg.call_id,
      status: 'failed',
      content: [textContent(msg.result.error)],
      rawOutput: { error: msg.result.error },
    }
  }
  const value = (msg.result.value ?? {}) as { content?: { type: string; text?: string }[]; isError?: boolean }
  const text = (value.content ?? []).flatMap((part) => (part.type === 'text' && part.text ? [part.text] : []))
  return {
    toolCallId: msg.call_id,
    status: value.isError ? 'failed' : 'completed',
    content: text.length > 0 ? [textContent(text.join('\n'))] : [],
    rawOutput: msg.result.value,
  }
}

/** Kinds of the tools that show no events of their own (the rest are `other`). */
const KIND_BY_TOOL: Record<string, ToolKind> = {
  Read: 'read',
  read_file: 'read',
  view_image: 'read',
  NotebookRead: 'read',
  BashOutput: 'read',
  Grep: 'search',
  Glob: 'search',
  LS: 'search',
  grep_files: 'search',
  list_dir: 'search',
  Edit: 'edit',
  MultiEdit: 'edit',
  Write: 'edit',
  NotebookEdit: 'edit',
  apply_patch: 'edit',
  update_plan: 'think',
  TodoWrite: 'think',
  Task: 'think',
  Agent: 'think',
  WebFetch: 'fetch',
  web_fetch: 'fetch',
  WebSearch: 'search',
  KillShell: 'execute',
}

/**
 * Kind, title and locations of a tool call from its name and arguments: one mapping for live
 * calls (`tool_call_begin`) and replayed ones (session/load). Relative paths resolve against `cwd`.
 */
export function describeToolCall(
  name: string,
  args: unknown,
  cwd?: string,
): { kind: ToolKind; title: string; locations: ToolCallLocation[] } {
  const record =
    args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {}
  const command = record.command ?? record.cmd
  if (Array.isArray(command) && command.every((part) => typeof part === 'string'))
    return { kind: commandKind(command), title: quoteCommand(command), locations: [] }
  if (typeof command === 'string' && (name === 'Bash' || name === 'exec_command'))
    return { kind: commandKind(['bash', '-lc', command]), title: command, locations: [] }
  const kind = KIND_BY_TOOL[name] ?? 'other'
  const subject = toolCallSubject(record)
  const title = subject === undefined ? name : `${name} ${subject}`
  const locations: ToolCallLocation[] = []
  const file = [record.file_path, record.notebook_path, record.path].find(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  )
  if (file) {
    const path = cwd && !isAbsolute(file) ? resolve(cwd, file) : file
    // Read's `offset` is the first line it reads (1-based).
    const line =
      typeof record.offset === 'number' && record.offset > 0 ? Math.floor(record.offset) : undefined
    locations.push(line === undefined ? { path } : { path, line })
  }
  return { kind, title, locations }
}

/** A generic tool call (`tool_call_begin`) as it starts. */
export function genericCall(msg: EventMsgOf<'tool_call_begin'>, cwd?: string): ToolCall {
  const { kind, title, locations } = describeToolCall(msg.tool, msg.arguments, cwd)
  return {
    toolCallId: msg.call_id,
    title,
    kind,
    status: 'in_progress',
    ...(locations.length > 0 ? { locations } : {}),
    rawInput: msg.arguments,
  }
}

/** A generic tool call's end: its status, and its result as text (cut by the agent). */
export function genericEnded(msg: EventMsgOf<'tool_call_end'>): ToolCallUpdate {
  const cut =
    msg.output_chars === undefined ? '' : `\n… (${msg.output_chars - msg.output.length} more characters)`
  const text = `${msg.output}${cut}`
  return {
    toolCallId: msg.call_id,
    status: msg.success ? 'completed' : 'failed',
    content: text.trim() ? [textContent(text)] : [],
    rawOutput: { success: msg.success, duration_ms: msg.duration_ms, output: msg.output },
  }
}

/**
 * A command's output so far (`exec_command_output_delta`s) as `tool_call_update`s while it runs:
 * at most one update per `intervalMs` per call, the first `intervalMs` after the output starts
 * (a command done sooner sends only its end, which carries the whole output), each with the last
 * `maxChars` of the output.
 */
export class OutputStreamer {
  private readonly calls = new Map<
    string,
    { text: string; cut: boolean; last: number; timer?: NodeJS.Timeout }
  >()

  constructor(
    private readonly send: (update: ToolCallUpdate) => void,
    private readonly intervalMs = 100,
    private readonly maxChars = 32 * 1024,
  ) {}

  add(callId: string, chunk: string): void {
    let call = this.calls.get(callId)
    if (!call) {
      call = { text: '', cut: false, last: Date.now() }
      this.calls.set(callId, call)
    }
    call.text += chunk
    if (call.text.length > this.maxChars) {
      call.text = call.text.slice(call.text.length - this.maxChars)
      call.cut = true
    }
    if (call.timer) return
    const wait = call.last + this.intervalMs - Date.now()
    if (wait <= 0) this.flush(callId)
    else call.timer = setTimeout(() => this.flush(callId), wait)
  }

  /** The command ended: nothing more is sent for it (its end sends the whole output). */
  end(callId: string): void {
    const call = this.calls.get(callId)
    if (call?.timer) clearTimeout(call.timer)
    this.calls.delete(callId)
  }

  /** Stops every pending update (the session closes). */
  clear(): void {
    for (const id of [...this.calls.keys()]) this.end(id)
  }

  private flush(callId: string): void {
    const call = this.calls.get(callId)
    if (!call) return
    call.timer = undefined
    call.last = Date.now()
    const text = `${call.cut ? '… (earlier output cut)\n' : ''}${call.text}`
    this.send({ toolCallId: callId, status: 'in_progress', content: [textContent(fenced(text))] })
  }
}

/** A provider-hosted web search starting: external data, so a `fetch` call. */
export function webSearchCall(msg: EventMsgOf<'web_search_begin'>): ToolCall {
  return {
    toolCallId: msg.call_id,
    title: msg.query ? `Web search: ${msg.query}` : 'Searching the web',
    kind: 'fetch',
    status: 'in_progress',
    rawInput: msg.query ? { query: msg.query } : {},
  }
}

export function webSearchEnded(msg: EventMsgOf<'web_search_end'>): ToolCallUpdate {
  const opened = msg.action?.type === 'open_page' || msg.action?.type === 'find_in_page'
  return {
    toolCallId: msg.call_id,
    title: msg.query ? `${opened ? 'Opened' : 'Web search'}: ${msg.query}` : 'Web search',
    kind: 'fetch',
    status: msg.status === 'failed' ? 'failed' : 'completed',
    rawInput: msg.action ?? { query: msg.query },
    rawOutput: { status: msg.status ?? 'completed' },
  }
}
