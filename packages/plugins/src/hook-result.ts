// What one hook command said, read with Claude Code's protocol: exit 0 (stdout JSON when it
// starts with `{`, plain text as context for UserPromptSubmit/SessionStart), exit 2 (block,
// stderr is the reason), any other exit (a non-blocking error shown to the user).
import { z } from 'zod'

/** Enough of a finished process for the protocol (a subset of `@agent/exec`'s result). */
export interface HookProcessResult {
  exitCode: number
  stdout: string
  stderr: string
  timedOut: boolean
  aborted: boolean
  truncated: boolean
  error?: string
  /** Bytes the process wrote to stdout (captured or not), when the runner counts them. */
  stdoutBytes?: number
}

export type PermissionDecision = 'allow' | 'deny' | 'ask'

/** One handler's contribution to the merged outcome. */
export interface HandlerVerdict {
  outcome: 'success' | 'blocked' | 'error' | 'timeout'
  exitCode: number | null
  /** For the user: stderr of a failed hook, `systemMessage`, a timeout notice. */
  userMessages: string[]
  blockReason?: string
  decision?: PermissionDecision
  decisionReason?: string
  updatedInput?: unknown
  updatedPrompt?: string
  additionalContext?: string
  stop?: { reason?: string }
}

/** Events whose hooks can block what is happening (exit 2 or `decision: "block"`). */
const BLOCKING_EVENTS = new Set([
  'PreToolUse',
  'PermissionRequest',
  'PostToolUse',
  'UserPromptSubmit',
  'Stop',
  'SubagentStop',
  'BeforeModelRequest',
])

/** Events whose plain (non-JSON) stdout on exit 0 is added to the model's context. */
const STDOUT_IS_CONTEXT = new Set(['UserPromptSubmit', 'SessionStart'])

/** Claude Code caps what one hook adds to the context at 10 000 characters; so do we. */
export const MAX_CONTEXT_CHARS = 10_000

export function capText(text: string, max = MAX_CONTEXT_CHARS): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}\n[hook output truncated: ${text.length - max} more characters]`
}

const HookJsonOutput = z.looseObject({
  continue: z.boolean().optional(),
  stopReason: z.string().optional(),
  suppressOutput: z.boolean().optional(),
  systemMessage: z.string().optional(),
  decision: z.enum(['block', 'approve', 'allow', 'deny', 'ask']).optional(),
  reason: z.string().optional(),
  /** Our extension, also accepted inside `hookSpecificOutput`. */
  updatedPrompt: z.string().optional(),
  hookSpecificOutput: z
    .looseObject({
      hookEventName: z.string().optional(),
      permissionDecision: z.enum(['allow', 'deny', 'ask']).optional(),
      permissionDecisionReason: z.string().optional(),
      updatedInput: z.unknown().optional(),
      additionalContext: z.string().optional(),
      updatedPrompt: z.string().optional(),
      /** PermissionRequest: `{behavior: "allow"|"deny", updatedInput?, message?, interrupt?}`. */
      decision: z
        .looseObject({
          behavior: z.enum(['allow', 'deny']),
          updatedInput: z.unknown().optional(),
          message: z.string().optional(),
          interrupt: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
})
type HookJsonOutput = z.infer<typeof HookJsonOutput>

/** Interprets one finished hook command for `event`; `label` names the hook in messages. */
export function interpretHookResult(event: string, label: string, result: HookProcessResult): HandlerVerdict {
  if (result.timedOut) {
    return {
      outcome: 'timeout',
      exitCode: null,
      userMessages: [`hook ${label} timed out and was stopped; it had no effect`],
    }
  }
  if (result.aborted) {
    return { outcome: 'error', exitCode: null, userMessages: [`hook ${label} was cancelled`] }
  }
  if (result.error !== undefined) {
    return {
      outcome: 'error',
      exitCode: null,
      userMessages: [`hook ${label} could not run: ${result.error}`],
    }
  }
  const stderr = capText(result.stderr.trim())
  if (result.exitCode === 2) {
    if (BLOCKING_EVENTS.has(event)) {
      const reason = stderr || `blocked by hook ${label} (exit code 2, no message on stderr)`
      return {
        outcome: 'blocked',
        exitCode: 2,
        userMessages: [],
        blockReason: reason,
        ...(event === 'PreToolUse' || event === 'PermissionRequest'
          ? { decision: 'deny' as const, decisionReason: reason }
          : {}),
      }
    }
    return {
      outcome: 'error',
      exitCode: 2,
      userMessages: [stderr ? `hook ${label}: ${stderr}` : `hook ${label} exited with code 2`],
    }
  }
  if (result.exitCode !== 0) {
    const detail = stderr ? `: ${stderr}` : ''
    return {
      outcome: 'error',
      exitCode: result.exitCode,
      userMessages: [`hook ${label} failed with exit code ${result.exitCode}${detail}`],
    }
  }
  const stdout = result.stdout.trim()
  if (stdout.startsWith('{')) {
    let json: unknown
    try {
      // JSON with its middle cut out may still parse, and mean something else: never act on it.
      if (stdoutTruncated(result)) throw new Error('its output was too large and was truncated')
      json = JSON.parse(stdout)
    } catch (error) {
      const why = (error as Error).message
      return {
        outcome: 'error',
        exitCode: 0,
        userMessages: [`hook ${label} printed invalid JSON (${why}); its output was ignored`],
      }
    }
    const parsed = HookJsonOutput.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? issue.path.join('.') : '(top level)'
      return {
        outcome: 'error',
        exitCode: 0,
        userMessages: [
          `hook ${label} printed JSON that does not fit the hook protocol: ${where}: ${issue?.message}`,
        ],
      }
    }
    return fromJson(event, label, parsed.data)
  }
  const verdict: HandlerVerdict = { outcome: 'success', exitCode: 0, userMessages: [] }
  if (stdout !== '' && STDOUT_IS_CONTEXT.has(event)) verdict.additionalContext = capText(stdout)
  return verdict
}

function stdoutTruncated(result: HookProcessResult): boolean {
  if (!result.truncated) return false
  return result.stdoutBytes === undefined || result.stdoutBytes > Buffer.byteLength(result.stdout)
}

function fromJson(event: string, label: string, out: HookJsonOutput): HandlerVerdict {
  const verdict: HandlerVerdict = { outcome: 'success', exitCode: 0, userMessages: [] }
  const specific = out.hookSpecificOutput
  if (out.systemMessage) verdict.userMessages.push(capText(out.systemMessage))
  if (out.continue === false) {
    verdict.stop = out.stopReason !== undefined ? { reason: capText(out.stopReason) } : {}
  }

  if (event === 'PreToolUse') {
    // `decision: approve|block` is the older spelling of permissionDecision allow|deny.
    const legacy =
      out.decision === 'approve' || out.decision === 'allow'
        ? 'allow'
        : out.decision === 'block' || out.decision === 'deny'
          ? 'deny'
          : out.decision === 'ask'
            ? 'ask'
            : undefined
    const decision = specific?.permissionDecision ?? legacy
    if (decision) {
      verdict.decision = decision
      const reason = specific?.permissionDecisionReason ?? out.reason
      if (reason !== undefined) verdict.decisionReason = capText(reason)
      if (decision === 'deny') {
        verdict.outcome = 'blocked'
        verdict.blockReason = verdict.decisionReason ?? `denied by hook ${label}`
      }
    }
    if (specific && 'updatedInput' in specific && specific.updatedInput !== undefined) {
      verdict.updatedInput = specific.updatedInput
    }
  } else if (event === 'PermissionRequest') {
    const d = specific?.decision
    if (d?.behavior === 'allow') {
      verdict.decision = 'allow'
      if (d.updatedInput !== undefined) verdict.updatedInput = d.updatedInput
    } else if (d?.behavior === 'deny') {
      verdict.decision = 'deny'
      verdict.outcome = 'blocked'
      verdict.blockReason = capText(d.message ?? `denied by hook ${label}`)
      verdict.decisionReason = verdict.blockReason
      if (d.interrupt) verdict.stop = { reason: verdict.blockReason }
    }
  } else if (out.decision === 'block' && BLOCKING_EVENTS.has(event)) {
    verdict.outcome = 'blocked'
    verdict.blockReason = capText(out.reason ?? `blocked by hook ${label}`)
  }

  if (specific?.additionalContext) verdict.additionalContext = capText(specific.additionalContext)
  const updatedPrompt = specific?.updatedPrompt ?? out.updatedPrompt
  if (event === 'UserPromptSubmit' && updatedPrompt !== undefined) verdict.updatedPrompt = updatedPrompt
  return verdict
}
