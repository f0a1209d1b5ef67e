// Human-readable progress of `agent exec` on stderr: commands with exit codes and durations,
// patches, reasoning, retries and errors. The final message goes to stdout separately, so
// `agent exec "..." > answer.md` captures just the answer.

import { isAbsolute, relative } from 'node:path'
import { type Event, toolCallSubject } from '@agent/protocol'
import { quoteCommand } from '@agent/sdk'

export interface Writer {
  write(text: string): unknown
}

const OUTPUT_TAIL_LINES = 12

export class HumanRenderer {
  private readonly commands = new Map<string, string>()
  private readonly color: boolean
  private cwd: string | undefined

  constructor(
    private readonly out: Writer,
    options: { color: boolean },
  ) {
    this.color = options.color
  }

  private paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text
  }

  private line(text: string): void {
    this.out.write(`${text}\n`)
  }

  /** Paths inside the session's cwd are shown relative to it. */
  private display(path: string): string {
    if (!this.cwd || !isAbsolute(path)) return path
    const rel = relative(this.cwd, path)
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
  }

  render(event: Event): void {
    const msg = event.msg
    switch (msg.type) {
      case 'session_configured': {
        this.cwd = msg.cwd
        const sandbox = msg.sandbox_policy.type
        this.line(
          this.paint(
            '2',
            `agent · model ${msg.model}${msg.model_provider ? ` (${msg.model_provider})` : ''} · sandbox ${sandbox} · approval ${msg.approval_policy} · session ${msg.session_id}`,
          ),
        )
        break
      }
      case 'agent_reasoning':
        this.line(this.paint('2;3', `thinking: ${msg.text}`))
        break
      case 'agent_message':
        this.line(`${this.paint('1;35', 'agent')} ${msg.message}`)
        break
      case 'exec_command_begin': {
        const command = quoteCommand(msg.command)
        this.commands.set(msg.call_id, command)
        const where = msg.sandbox && msg.sandbox !== 'none' ? this.paint('2', ` [${msg.sandbox}]`) : ''
        this.line(`${this.paint('1;36', '$')} ${command}${where}`)
        break
      }
      case 'exec_command_end': {
        const ok = msg.exit_code === 0
        const status = ok ? this.paint('32', `exit 0`) : this.paint('31', `exit ${msg.exit_code}`)
        const timedOut = msg.timed_out ? this.paint('31', ' (timed out)') : ''
        this.line(`  ${status}${timedOut} ${this.paint('2', `in ${formatDuration(msg.duration_ms)}`)}`)
        if (!ok) {
          const tail = msg.aggregated_output.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES)
          for (const text of tail) if (text) this.line(this.paint('2', `  │ ${text}`))
        }
        break
      }
      case 'patch_apply_begin':
        for (const [path, change] of Object.entries(msg.changes)) {
          const mark = change.type === 'add' ? 'A' : change.type === 'delete' ? 'D' : 'M'
          this.line(`${this.paint('1;33', mark)} ${this.display(path)}`)
        }
        break
      case 'patch_apply_end':
        if (!msg.success) this.line(this.paint('31', `  patch failed: ${(msg.stderr || msg.stdout).trim()}`))
        break
      case 'tool_call_begin': {
        // Read, Grep, WebFetch, subagents, embedders' tools: `● Read(src/app.ts)`.
        const subject = toolCallSubject(msg.arguments)
        const shown = subject === undefined ? '' : this.paint('2', `(${this.display(subject)})`)
        this.line(`${this.paint('1;36', '●')} ${msg.tool}${shown}`)
        break
      }
      case 'tool_call_end':
        if (!msg.success) {
          const first = msg.output.trim().split('\n')[0] ?? ''
          this.line(this.paint('31', `  failed: ${first || 'no output'}`))
        }
        break
      case 'mcp_tool_call_begin':
        this.line(`${this.paint('1;36', 'mcp')} ${msg.invocation.server}.${msg.invocation.tool}`)
        break
      case 'mcp_tool_call_end': {
        const failure = msg.result.ok ? errorResultText(msg.result.value) : msg.result.error
        if (failure !== undefined) this.line(this.paint('31', `  failed: ${failure}`))
        break
      }
      case 'web_search_end': {
        // The provider ran it; shown when done, with what it looked for (or the page it opened).
        const failed = msg.status === 'failed'
        const what = msg.query || 'the web'
        this.line(
          `${this.paint('1;36', '🔎')} ${failed ? this.paint('31', 'search failed:') : 'searched:'} ${what}`,
        )
        break
      }
      case 'mcp_startup_complete':
        for (const failed of msg.failed) {
          // The manager's errors usually name the server already.
          const text = failed.error.startsWith('MCP server ')
            ? failed.error
            : `MCP server ${failed.server} failed to start: ${failed.error}`
          this.line(this.paint('33', text))
        }
        break
      case 'hook_completed':
        // A hook that failed or timed out had no effect: say so, or the user never learns why.
        if ((msg.outcome === 'error' || msg.outcome === 'timeout') && msg.message)
          this.line(this.paint('33', `warning: ${msg.message}`))
        break
      case 'plan_update':
        for (const step of msg.plan) {
          const mark = step.status === 'completed' ? '[x]' : step.status === 'in_progress' ? '[~]' : '[ ]'
          this.line(this.paint('2', `${mark} ${step.step}`))
        }
        break
      case 'stream_error':
        this.line(this.paint('33', `${msg.retrying ? 'retrying' : 'stream error'}: ${msg.message}`))
        break
      case 'warning':
        this.line(this.paint('33', `warning: ${msg.message}`))
        break
      case 'error':
        this.line(this.paint('31', `error: ${msg.message}`))
        break
      case 'turn_aborted':
        if (msg.reason === 'interrupted') this.line(this.paint('33', 'interrupted'))
        break
      default:
        break
    }
  }
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`
}

/** The first line of text of an MCP result marked `isError`, if it is one. */
function errorResultText(value: unknown): string | undefined {
  const result = value as { isError?: unknown; content?: { type?: string; text?: string }[] } | null
  if (result?.isError !== true) return undefined
  const text = result.content?.find((c) => typeof c.text === 'string')?.text
  return text?.split('\n')[0] ?? 'the tool reported an error'
}
