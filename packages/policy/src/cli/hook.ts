// `agent-policy hook`: answers a Claude Code PreToolUse hook payload with the hook JSON
// (`hookSpecificOutput.permissionDecision` allow | ask | deny), so the checker drops into Claude Code.
import { PolicyError } from '../errors.js'
import type { CommandPolicy, EvaluateContext } from '../policy.js'

export interface HookAnswer {
  hookSpecificOutput: {
    hookEventName: 'PreToolUse'
    permissionDecision: 'allow' | 'ask' | 'deny'
    permissionDecisionReason: string
  }
}

/**
 * The hook's answer, or undefined to defer to Claude Code's own permission flow: for a command
 * that is merely not known to be safe, and for a tool call no permission rule names.
 */
export function answerHook(
  payloadText: string,
  policy: CommandPolicy,
  ctx: EvaluateContext,
): HookAnswer | undefined {
  let payload: unknown
  try {
    payload = JSON.parse(payloadText)
  } catch {
    throw new PolicyError(
      'usage',
      'the hook payload on stdin is not JSON; Claude Code sends {"tool_name": ..., "tool_input": {...}}',
    )
  }
  if (typeof payload !== 'object' || payload === null)
    throw new PolicyError('usage', 'the hook payload must be a JSON object')
  const { tool_name: toolName, tool_input: toolInput, cwd } = payload as Record<string, unknown>
  if (typeof toolName !== 'string' || typeof toolInput !== 'object' || toolInput === null)
    throw new PolicyError(
      'usage',
      'the hook payload needs "tool_name" (string) and "tool_input" (object), as a PreToolUse hook receives',
    )
  if (toolName === 'Bash' && typeof (toolInput as { command?: unknown }).command !== 'string')
    throw new PolicyError('usage', 'a Bash hook payload needs tool_input.command (string)')
  const result = policy.evaluateTool(toolName, toolInput as Record<string, unknown>, {
    ...ctx,
    ...(typeof cwd === 'string' ? { cwd } : {}),
  })
  if (result.decision === 'unmatched') return undefined
  if (
    result.decision === 'prompt' &&
    result.command?.commands.every((c) => c.decision !== 'prompt' || c.basis === 'default')
  )
    return undefined
  const permissionDecision =
    result.decision === 'allow' ? 'allow' : result.decision === 'prompt' ? 'ask' : 'deny'
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision,
      permissionDecisionReason: result.reason,
    },
  }
}
