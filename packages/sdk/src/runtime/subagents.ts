// Subagents (the Task tool): each request runs as a child agent on the same leaves as its
// parent — a fresh context, the definition's tool allowlist, never a wider sandbox or approval
// policy, no rollout — for one turn, and returns the child's last message.
import type { Agent, AgentOptions, ToolDefinition } from '@agent/core'
import type { SubagentRequest, SubagentResult } from '@agent/plugins'
import type { EventMsg } from '@agent/protocol'
import { SubagentJournal } from './subagent-journal.js'

export interface SubagentRunnerOptions {
  createAgent: (options: AgentOptions) => Promise<Agent>
  /** The parent's options; the child overrides tools, cwd, model, instructions and limits. */
  baseOptions: AgentOptions
  /** The tools a child may be given, read at call time (the Task tool is added after this runner). */
  tools: () => ToolDefinition[]
}

export function subagentRunner(
  options: SubagentRunnerOptions,
): (request: SubagentRequest) => Promise<SubagentResult> {
  return async (request) => {
    const allowed = request.agent.tools
    const model = subagentModel(request.agent.model)
    // Over a durable parent the child journals its steps into the parent's call (see
    // subagent-journal.ts); otherwise it runs its steps directly, as every in-process agent does.
    const state = request.attemptState
    const journal = state ? new SubagentJournal(state.value, (steps) => state.save(steps)) : undefined
    const child = await options.createAgent({
      ...options.baseOptions,
      ...(journal ? { journal } : {}),
      tools: options.tools().filter((t) => !allowed || allowed.includes(t.name)),
      toolProviders: [],
      store: undefined,
      cwd: request.parent.cwd,
      ...(model ? { modelName: model } : {}),
      ...(request.agent.systemPrompt ? { instructions: request.agent.systemPrompt } : {}),
      ...(request.agent.maxTurns ? { maxModelRequestsPerTurn: request.agent.maxTurns } : {}),
    })
    try {
      const finalMessage = await runChildTurn(child, request)
      return { finalMessage, sessionId: child.sessionId }
    } finally {
      journal?.freeze()
      await child.shutdown()
    }
  }
}

/** What a subagent reads when it asks for approval: it cannot, and its parent can. */
const SUBAGENT_APPROVAL_FEEDBACK =
  'a subagent cannot ask the user for approval, so this was not run. Do not retry it; finish and ' +
  'say in your final message exactly what needs approval and why, so the parent agent can do it.'

/**
 * Runs one turn of a subagent and returns its last message. A subagent stopped by its
 * `maxTurns` returns what it has, prefixed with a note that it hit the limit, so the parent
 * model knows the task may be unfinished. Its approval requests go to the parent's user,
 * labelled with the subagent's name (`subagent` on the request event), and the answer comes
 * back to the child; where the parent cannot ask (no `askApproval`), they are denied at once
 * with a reason, never left waiting, and the parent may then do the step itself.
 */
async function runChildTurn(child: Agent, request: SubagentRequest): Promise<string | null> {
  const { prompt, signal, emit } = request
  const onAbort = () => void child.submit({ type: 'interrupt' })
  signal.addEventListener('abort', onAbort, { once: true })
  let limit: string | undefined
  try {
    await child.submit({ type: 'user_input', items: [{ type: 'text', text: prompt }] })
    for (;;) {
      const { msg } = await child.nextEvent()
      if (
        (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') &&
        request.askApproval
      ) {
        await relayApproval(child, msg, request.agent.name, request.askApproval)
      } else if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') {
        const what =
          msg.type === 'exec_approval_request' ? `\`${msg.command.join(' ')}\`` : 'a change to files'
        emit({
          type: 'warning',
          message: `a subagent asked for approval of ${what}; denied (only the main agent can ask)`,
        })
        await child.submit({
          type: msg.type === 'exec_approval_request' ? 'exec_approval' : 'patch_approval',
          id: msg.call_id,
          decision: 'denied',
          feedback: SUBAGENT_APPROVAL_FEEDBACK,
        })
      }
      if (msg.type === 'error' && msg.kind === 'max_turns') limit = msg.message
      if (msg.type === 'turn_complete') {
        const last = msg.last_agent_message ?? null
        if (!limit) return last
        return `[The subagent reached its maxTurns limit: ${limit}. Its last message follows.]\n\n${last ?? '(no message)'}`
      }
      if (msg.type === 'turn_aborted') return null
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** Asks the parent's user the child's question, labelled with the subagent, and answers the child. */
async function relayApproval(
  child: Agent,
  msg: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>,
  subagent: string,
  ask: NonNullable<SubagentRequest['askApproval']>,
): Promise<void> {
  const { call_id, ...question } = msg
  const answer = await ask({ ...question, subagent })
  const reply = {
    id: call_id,
    decision: answer.decision,
    ...(answer.feedback ? { feedback: answer.feedback } : {}),
  }
  if (msg.type === 'exec_approval_request') {
    await child.submit({
      type: 'exec_approval',
      ...reply,
      ...(answer.prefix ? { prefix: answer.prefix } : {}),
    })
  } else {
    await child.submit({ type: 'patch_approval', ...reply })
  }
}

/** A subagent's own model id; `inherit` and Claude's aliases (`sonnet`...) keep the parent's. */
function subagentModel(model: string | undefined): string | undefined {
  return model && !['inherit', 'sonnet', 'opus', 'haiku'].includes(model) ? model : undefined
}
