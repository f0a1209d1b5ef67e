// The hook runner: core's `HookRunner` port (structurally). Selects the registrations an event
// input matches, runs their commands in parallel as `bash -c <command>` with the input as JSON
// on stdin, and merges what they said. A hook that hangs, crashes or floods output is stopped,
// capped and reported; `run` never rejects.
import { randomUUID } from 'node:crypto'
import { runCommand } from '@agent/exec'
import type { EventMsg } from '@agent/protocol'
import type { HookRegistration } from './hook-config.js'
import { HookReloader, type HookReloadSource } from './hook-reload.js'
import {
  type HandlerVerdict,
  type HookProcessResult,
  interpretHookResult,
  type PermissionDecision,
} from './hook-result.js'
import { type CompiledMatcher, compileMatcher, matcherSelects } from './matcher.js'

/** The stdin JSON (Claude Code's field names); mirrors core's `HookInput`. */
export interface HookInput {
  session_id: string
  transcript_path?: string
  cwd: string
  hook_event_name: string
  tool_name?: string
  tool_input?: unknown
  tool_use_id?: string
  tool_response?: unknown
  prompt?: string
  stop_hook_active?: boolean
  [key: string]: unknown
}

/** The merged outcome of every hook that matched; mirrors core's `HookOutcome`. */
export interface HookOutcome {
  blocked?: { reason: string }
  permissionDecision?: PermissionDecision
  permissionDecisionReason?: string
  updatedInput?: unknown
  updatedPrompt?: string
  additionalContext?: string[]
  systemMessages?: string[]
  stop?: { reason?: string }
}

/** A process runner with `@agent/exec`'s `runCommand` shape (only what hooks need). */
export type RunHookProcess = (request: {
  argv: string[]
  cwd: string
  env?: Record<string, string>
  timeoutMs?: number
  signal?: AbortSignal
  stdin?: string
  maxCaptureBytes?: number
}) => Promise<HookProcessResult>

export interface HookRunnerOptions {
  hooks: HookRegistration[]
  /** Runs the commands; defaults to `@agent/exec`'s `runCommand`. */
  runProcess?: RunHookProcess
  /** `CLAUDE_PROJECT_DIR` for the commands; defaults to each input's `cwd`. */
  projectDir?: string
  /** Base environment of hook commands; defaults to `process.env`. */
  env?: Record<string, string>
  /** Used when a handler has no `timeout` (Claude Code: 600 s). */
  defaultTimeoutSec?: number
  /** Per-stream capture limit for a hook's output (default 256 KiB, head and tail kept). */
  maxOutputBytes?: number
  /** How long past its timeout to wait for a hook's process runner before giving up on it (5 s). */
  stuckGraceMs?: number
  /** Re-read hooks when these files change (checked before each run, so no watcher to leak). */
  reload?: HookReloadSource
}

export const DEFAULT_HOOK_TIMEOUT_SEC = 600
export const DEFAULT_HOOK_OUTPUT_BYTES = 256 * 1024
/** Past its timeout a hook gets this long to be killed before the runner stops waiting. */
const STUCK_GRACE_MS = 5_000

interface Prepared {
  registration: HookRegistration
  matcher: CompiledMatcher
}

/** Which run a `willRun` check is for. */
function checkKey(input: HookInput): string {
  return `${input.hook_event_name}\u0000${input.tool_use_id ?? ''}\u0000${input.tool_name ?? ''}`
}

/** A hook runner (core's `HookRunner` port) over `registrations`, e.g. `loadPlugins(...).hooks`. */
export function createHookRunner(options: HookRunnerOptions): CommandHookRunner {
  return new CommandHookRunner(options)
}

export class CommandHookRunner {
  private prepared: Prepared[]
  private readonly reloader: HookReloader | undefined
  /** What `willRun`'s reload checks found, for the next `run` to report. */
  private unreported: { error: string | undefined; events: EventMsg[] } = { error: undefined, events: [] }
  /** The run the last `willRun` was for: that run needs no check of its own. */
  private checkedFor: string | undefined

  constructor(private readonly options: HookRunnerOptions) {
    this.prepared = prepare(options.hooks)
    this.reloader = options.reload ? new HookReloader(options.reload) : undefined
  }

  /** The registrations in force (after any reload). */
  get hooks(): HookRegistration[] {
    return this.prepared.map((p) => p.registration)
  }

  /** Reloads when the watched files changed; on failure the hooks in force stay, and it says why. */
  private async refresh(onEvent?: (msg: EventMsg) => void): Promise<string | undefined> {
    if (!this.reloader) return undefined
    try {
      const fresh = await this.reloader.check(onEvent)
      if (fresh) this.prepared = prepare(fresh)
      return undefined
    } catch (error) {
      return `hooks could not be reloaded, the previous ones stay in force: ${(error as Error).message}`
    }
  }

  /** Registrations that would run for `input` (after any reload), deduplicated by command. */
  async matching(input: HookInput, onEvent?: (msg: EventMsg) => void): Promise<HookRegistration[]> {
    await this.refresh(onEvent)
    return this.select(input)
  }

  private select(input: HookInput): HookRegistration[] {
    const seen = new Set<string>()
    const out: HookRegistration[] = []
    for (const { registration, matcher } of this.prepared) {
      if (registration.event !== input.hook_event_name) continue
      if (!matcherSelects(matcher, input)) continue
      const key = `${registration.origin.pluginRoot ?? ''}\u0000${registration.command}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(registration)
    }
    return out
  }

  /**
   * Whether `run(input)` would run a hook (core's `HookRunner.willRun`), after any reload; the
   * `run` that follows uses this check instead of making its own, and reports what it found
   * (a reload, or why one failed).
   */
  async willRun(input: HookInput): Promise<boolean> {
    const error = await this.refresh((msg) => this.unreported.events.push(msg))
    this.unreported.error ??= error
    this.checkedFor = checkKey(input)
    if (error) return true
    return this.select(input).length > 0
  }

  async run(
    input: HookInput,
    options: { signal?: AbortSignal; onEvent?: (msg: EventMsg) => void } = {},
  ): Promise<HookOutcome> {
    try {
      // What earlier checks found is reported here; a check made for another run (that run
      // never came: a chained runner before this one blocked) does not stand for this one.
      const { error, events } = this.unreported
      this.unreported = { error: undefined, events: [] }
      const checked = this.checkedFor === checkKey(input)
      this.checkedFor = undefined
      const reloadError = error ?? (checked ? undefined : await this.refresh(options.onEvent))
      for (const msg of events) {
        try {
          options.onEvent?.(msg)
        } catch {
          // A throwing listener changes nothing of the run.
        }
      }
      const selected = this.select(input)
      // Nothing to run (the usual case of a long-lived session that may get hooks later): no
      // input to serialise. Before every model request and tool call, so it is worth the branch.
      if (selected.length === 0 && !reloadError) return {}
      const stdin = JSON.stringify(input)
      const verdicts = await Promise.all(
        selected.map((registration) => this.runOne(registration, input, stdin, options)),
      )
      if (reloadError) verdicts.unshift({ outcome: 'error', exitCode: null, userMessages: [reloadError] })
      return mergeVerdicts(verdicts)
    } catch (error) {
      // A bug here must not take the agent down with it.
      return { systemMessages: [`hooks for ${input.hook_event_name} failed: ${(error as Error).message}`] }
    }
  }

  private async runOne(
    registration: HookRegistration,
    input: HookInput,
    stdin: string,
    options: { signal?: AbortSignal; onEvent?: (msg: EventMsg) => void },
  ): Promise<HandlerVerdict> {
    const runId = randomUUID()
    const event = input.hook_event_name
    const emit = (msg: EventMsg) => {
      try {
        options.onEvent?.(msg)
      } catch {
        // A throwing listener must not change what the hook decided.
      }
    }
    emit({
      type: 'hook_started',
      run_id: runId,
      hook_event_name: event,
      command: registration.command,
      ...(typeof input.tool_name === 'string' ? { tool_name: input.tool_name } : {}),
    })
    const started = performance.now()
    const timeoutMs =
      (registration.timeoutSec ?? this.options.defaultTimeoutSec ?? DEFAULT_HOOK_TIMEOUT_SEC) * 1000
    const result = await this.runProcessGuarded(registration, input, stdin, timeoutMs, options.signal)
    const verdict = interpretHookResult(event, labelOf(registration), result)
    const message =
      verdict.blockReason ?? (verdict.userMessages.length > 0 ? verdict.userMessages.join('\n') : undefined)
    emit({
      type: 'hook_completed',
      run_id: runId,
      hook_event_name: event,
      outcome: verdict.outcome,
      exit_code: verdict.exitCode,
      duration_ms: Math.max(0, performance.now() - started),
      ...(message !== undefined ? { message } : {}),
    })
    return verdict
  }

  /** Runs the process; if the runner itself does not come back after the timeout, gives up on it. */
  private async runProcessGuarded(
    registration: HookRegistration,
    input: HookInput,
    stdin: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<HookProcessResult> {
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    if (signal?.aborted) controller.abort()
    let timer: NodeJS.Timeout | undefined
    const grace = this.options.stuckGraceMs ?? STUCK_GRACE_MS
    const stuck = new Promise<HookProcessResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort()
        timer = setTimeout(() => resolve(stuckResult()), grace)
      }, timeoutMs + grace)
    })
    try {
      const runProcess = this.options.runProcess ?? runCommand
      const running = runProcess({
        argv: ['bash', '-c', registration.command],
        cwd: input.cwd,
        env: this.environment(registration, input),
        timeoutMs,
        signal: controller.signal,
        stdin,
        maxCaptureBytes: this.options.maxOutputBytes ?? DEFAULT_HOOK_OUTPUT_BYTES,
      }).catch(
        (error: unknown): HookProcessResult => ({
          exitCode: 1,
          stdout: '',
          stderr: '',
          timedOut: false,
          aborted: false,
          truncated: false,
          error: (error as Error)?.message ?? String(error),
        }),
      )
      return await Promise.race([running, stuck])
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  private environment(registration: HookRegistration, input: HookInput): Record<string, string> {
    const base = this.options.env ?? stringEnv(process.env)
    const projectDir = this.options.projectDir ?? input.cwd
    const env: Record<string, string> = {
      ...base,
      CLAUDE_PROJECT_DIR: projectDir,
      AGENT_PROJECT_DIR: projectDir,
    }
    const root = registration.origin.pluginRoot
    if (root !== undefined) {
      env.CLAUDE_PLUGIN_ROOT = root
      env.AGENT_PLUGIN_ROOT = root
    }
    return env
  }
}

function stuckResult(): HookProcessResult {
  return { exitCode: 124, stdout: '', stderr: '', timedOut: true, aborted: false, truncated: false }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}

function prepare(hooks: HookRegistration[]): Prepared[] {
  return hooks.map((registration) => ({ registration, matcher: compileMatcher(registration.matcher) }))
}

function labelOf(registration: HookRegistration): string {
  const command =
    registration.command.length > 80 ? `${registration.command.slice(0, 77)}...` : registration.command
  const plugin = registration.origin.plugin ? ` (plugin ${registration.origin.plugin})` : ''
  return `"${command}"${plugin}`
}

const rank: Record<PermissionDecision, number> = { allow: 0, ask: 1, deny: 2 }

/** Merges handler verdicts, in configuration order: deny > ask > allow; the last updated input wins. */
export function mergeVerdicts(verdicts: HandlerVerdict[]): HookOutcome {
  const outcome: HookOutcome = {}
  const blockReasons: string[] = []
  const context: string[] = []
  const messages: string[] = []
  let decisionReasons: string[] = []
  for (const verdict of verdicts) {
    messages.push(...verdict.userMessages)
    if (verdict.blockReason !== undefined) blockReasons.push(verdict.blockReason)
    if (verdict.additionalContext !== undefined) context.push(verdict.additionalContext)
    if (verdict.stop && !outcome.stop) outcome.stop = verdict.stop
    if (verdict.updatedPrompt !== undefined) outcome.updatedPrompt = verdict.updatedPrompt
    if (verdict.updatedInput !== undefined) outcome.updatedInput = verdict.updatedInput
    if (verdict.decision) {
      const current = outcome.permissionDecision
      if (current === undefined || rank[verdict.decision] > rank[current]) {
        outcome.permissionDecision = verdict.decision
        decisionReasons = []
      }
      if (verdict.decision === outcome.permissionDecision && verdict.decisionReason !== undefined) {
        decisionReasons.push(verdict.decisionReason)
      }
    }
  }
  if (decisionReasons.length > 0) outcome.permissionDecisionReason = decisionReasons.join('\n')
  if (blockReasons.length > 0) outcome.blocked = { reason: blockReasons.join('\n') }
  // A denied call never runs, so a rewrite of its input means nothing.
  if (outcome.permissionDecision === 'deny') delete outcome.updatedInput
  if (context.length > 0) outcome.additionalContext = context
  if (messages.length > 0) outcome.systemMessages = messages
  return outcome
}
