// The `Task` tool (Claude Code's name; `Agent` is its newer alias): the model delegates a task
// to a subagent defined in `agents/*.md`. The subagent runs through the injected `runSubagent`
// (the CLI implements it with core's child sessions: fresh context, the agent's tool allowlist
// and model, the parent's sandbox and approval policy), and its final message is the result.
// `SubagentStop` hooks run when it finishes and may send it back to work.
import { z } from 'zod'
import type { HookInput, HookOutcome } from './hook-runner.js'
import type { AgentDefinition } from './markdown-components.js'
import { resolveByName } from './names.js'
import type { PluginToolContext, PluginToolDefinition } from './tool-contract.js'

export interface SubagentRequest {
  /** The definition to run: system prompt, `tools` allowlist, `model`, `maxTurns`. */
  agent: AgentDefinition
  prompt: string
  /** The model's 3-5 word summary of the task, for display. */
  description: string
  /** The parent's session, working directory and tool call. */
  parent: { sessionId: string; callId: string; cwd: string }
  signal: AbortSignal
  emit: PluginToolContext['emit']
  /** Relays the subagent's approval requests to the parent's user, when the parent can ask. */
  askApproval?: PluginToolContext['askApproval']
  /**
   * Over a durable step journal (core's `ToolContext.attemptState`): where the subagent keeps its
   * recorded steps, so the attempt after an approval replays them instead of running them again.
   */
  attemptState?: PluginToolContext['attemptState']
}

export interface SubagentResult {
  /** The subagent's last message; null when it ended without one. */
  finalMessage: string | null
  /** The child session's id, passed to hooks as `agent_id`. */
  sessionId?: string
  transcriptPath?: string
  /** Sends the same child session another message (used when a SubagentStop hook blocks). */
  continue?: (prompt: string) => Promise<SubagentResult>
}

/** Anything with the hook runner's `run` (core's `HookRunner` port, or `createHookRunner`). */
export interface SubagentStopHooks {
  run(
    input: HookInput,
    options: { signal?: AbortSignal; onEvent?: PluginToolContext['emit'] },
  ): Promise<HookOutcome>
}

export interface TaskToolOptions {
  agents: readonly AgentDefinition[]
  runSubagent: (request: SubagentRequest) => Promise<SubagentResult>
  /** Runs `SubagentStop` when a subagent finishes. */
  hooks?: SubagentStopHooks
  /** `Task` (default) or `Agent`. */
  name?: 'Task' | 'Agent'
  /** Offer Claude Code's `general-purpose` agent (all tools, no special prompt) unless one is defined. Default true. */
  generalPurpose?: boolean
  /** How many times SubagentStop hooks may send a subagent back to work (default 8, as Claude Code). */
  maxStopHookContinuations?: number
}

/** Claude Code's built-in subagent type, used when `subagent_type` is omitted. */
export const GENERAL_PURPOSE_AGENT: AgentDefinition = {
  name: 'general-purpose',
  description:
    'General-purpose agent for researching complex questions, searching for code and doing multi-step tasks.',
  systemPrompt: '',
  origin: { scope: 'user', file: '(built in)' },
}

const TaskArgs = z.object({
  description: z.string().min(1).describe('A short (3-5 word) description of the task'),
  prompt: z.string().min(1).describe('The task for the agent to perform, with all the context it needs'),
  subagent_type: z
    .string()
    .optional()
    .describe('The type of specialized agent to use; "general-purpose" when omitted'),
})
export type TaskArgs = z.infer<typeof TaskArgs>

export type TaskToolDefinition = PluginToolDefinition<TaskArgs> & {
  /**
   * Not read-only (a subagent may edit files), yet several Task calls of one model response
   * are independent and may run at once: core should run calls with `parallelSafe` concurrently
   * with each other, while each subagent's own mutating calls take the write lock as usual.
   */
  parallelSafe: true
}

export function createTaskTool(options: TaskToolOptions): TaskToolDefinition {
  const agents = [...options.agents]
  if (options.generalPurpose !== false && !agents.some((a) => a.name === GENERAL_PURPOSE_AGENT.name)) {
    agents.push(GENERAL_PURPOSE_AGENT)
  }
  const maxContinuations = options.maxStopHookContinuations ?? 8
  const list = agents
    .map((a) => `- ${a.name}: ${a.description} (Tools: ${a.tools?.join(', ') ?? 'all'})`)
    .join('\n')
  return {
    name: options.name ?? 'Task',
    description:
      'Launch a subagent to handle a complex, multi-step task on its own. It starts with a fresh ' +
      'context, so give it everything it needs in the prompt; its final message is returned to ' +
      'you (the user does not see it). Launch several at once, in one response, when tasks are ' +
      `independent.\n\nAvailable agent types:\n${list}`,
    parameters: TaskArgs,
    readOnly: false,
    parallelSafe: true,
    async handle(args, context) {
      const found = resolveByName(agents, args.subagent_type ?? GENERAL_PURPOSE_AGENT.name)
      if (!found.ok) {
        return {
          output: `${found.error} Agent types: ${agents.map((a) => a.name).join(', ')}.`,
          isError: true,
        }
      }
      const agent = found.value
      let result: SubagentResult
      try {
        result = await options.runSubagent({
          agent,
          prompt: args.prompt,
          description: args.description,
          parent: { sessionId: context.sessionId, callId: context.callId, cwd: context.cwd },
          signal: context.signal,
          emit: context.emit,
          ...(context.askApproval ? { askApproval: context.askApproval.bind(context) } : {}),
          ...(context.attemptState ? { attemptState: context.attemptState } : {}),
        })
        for (let round = 0; options.hooks && !context.signal.aborted; round++) {
          const outcome = await options.hooks.run(
            {
              session_id: context.sessionId,
              ...(result.transcriptPath ? { transcript_path: result.transcriptPath } : {}),
              cwd: context.cwd,
              hook_event_name: 'SubagentStop',
              stop_hook_active: round > 0,
              agent_type: agent.name,
              ...(result.sessionId ? { agent_id: result.sessionId } : {}),
              last_assistant_message: result.finalMessage ?? '',
            },
            { signal: context.signal, onEvent: context.emit },
          )
          for (const message of outcome.systemMessages ?? [])
            context.emit({ type: 'background_event', message })
          if (!outcome.blocked || outcome.stop || !result.continue || round >= maxContinuations) break
          result = await result.continue(outcome.blocked.reason)
        }
      } catch (error) {
        return { output: `Subagent "${agent.name}" failed: ${(error as Error).message}`, isError: true }
      }
      return { output: result.finalMessage ?? `(subagent "${agent.name}" finished without a final message)` }
    },
  }
}
