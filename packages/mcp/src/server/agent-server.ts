// The agent as an MCP server: tool `agent` starts a session with a prompt and answers with the
// turn's last message, `agent-reply` continues a session. Each event of the turn is streamed to
// the client as an `agent/event` notification (and as progress when the client asked for it);
// approval requests become elicitations whose answer goes back to the agent as an approval op.

import type { Event, EventMsg } from '@agent/protocol'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { z } from 'zod'
import { describeError } from '../errors.js'
import type { AgentSessionHandle, AgentSessionPort } from './agent-port.js'
import { approvalElicitation, approvalOp, type ElicitationAnswer, unanswerableOp } from './approvals.js'

/** Method of the notification that carries each event of a running turn. */
export const AGENT_EVENT_NOTIFICATION = 'agent/event'

export interface AgentMcpServerOptions {
  /** Server name and version sent in `initialize` (default `agent`, `0.1.0`). */
  name?: string
  version?: string
  /** How long an approval elicitation may wait for the user before it counts as denied (default 10 min). */
  approvalTimeoutMs?: number
}

interface Thread {
  handle: AgentSessionHandle
  iterator: AsyncIterator<Event>
  busy: boolean
}

/** What the SDK hands a tool handler, reduced to what a turn needs. */
interface CallContext {
  signal: AbortSignal
  requestId: string | number
  _meta?: { progressToken?: string | number }
  sendNotification(notification: { method: string; params?: Record<string, unknown> }): Promise<void>
  sendRequest(
    request: { method: string; params?: Record<string, unknown> },
    schema: unknown,
    options?: unknown,
  ): Promise<unknown>
}

interface ToolResult {
  [key: string]: unknown
  content: { type: 'text'; text: string }[]
  structuredContent?: { threadId: string; content: string }
  isError?: boolean
}

const SandboxModeSchema = z.enum(['read-only', 'workspace-write', 'danger-full-access'])
const ApprovalPolicySchema = z.enum(['untrusted', 'on-failure', 'on-request', 'never'])

const agentInput = {
  prompt: z.string().min(1).describe('The task for the agent.'),
  cwd: z.string().optional().describe('Working directory of the session (absolute). Default: the server’s.'),
  model: z.string().optional().describe('Model to use, e.g. "gpt-5". Default: from the agent’s config.'),
  sandbox: SandboxModeSchema.optional().describe('How commands are confined.'),
  approval_policy: ApprovalPolicySchema.optional().describe('When the agent asks before acting.'),
}
const replyInput = {
  threadId: z.string().min(1).describe('The threadId returned by the `agent` tool.'),
  prompt: z.string().min(1).describe('The next message for the agent.'),
}
const output = {
  threadId: z.string().describe('Pass to `agent-reply` to continue this session.'),
  content: z.string().describe('The agent’s last message of the turn.'),
}

export class AgentMcpServer {
  private readonly threads = new Map<string, Thread>()
  private readonly servers = new Set<McpServer>()

  constructor(
    private readonly port: AgentSessionPort,
    private readonly options: AgentMcpServerOptions = {},
  ) {}

  /** A protocol server with the two tools; one per connection (sessions are shared). */
  async createProtocolServer(): Promise<McpServer> {
    const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js')
    const server = new McpServer(
      { name: this.options.name ?? 'agent', version: this.options.version ?? '0.1.0' },
      {
        instructions:
          'Call `agent` with a task to start a coding-agent session; continue it with `agent-reply` and the returned threadId.',
      },
    )
    server.registerTool(
      'agent',
      {
        title: 'Run the agent',
        description:
          'Starts a coding-agent session on a task and returns its answer with a threadId to continue the conversation.',
        inputSchema: agentInput,
        outputSchema: output,
      },
      (args, extra) => this.startThread(args, server, extra as unknown as CallContext),
    )
    server.registerTool(
      'agent-reply',
      {
        title: 'Continue an agent session',
        description: 'Sends the next message to a session started with `agent` and returns the answer.',
        inputSchema: replyInput,
        outputSchema: output,
      },
      (args, extra) => this.reply(args, server, extra as unknown as CallContext),
    )
    this.servers.add(server)
    server.server.onclose = () => this.servers.delete(server)
    return server
  }

  /** Creates a protocol server and connects it to `transport`. */
  async connect(transport: Transport): Promise<McpServer> {
    const server = await this.createProtocolServer()
    await server.connect(transport)
    return server
  }

  private async startThread(
    args: z.infer<z.ZodObject<typeof agentInput>>,
    server: McpServer,
    context: CallContext,
  ): Promise<ToolResult> {
    let handle: AgentSessionHandle
    try {
      handle = await this.port.startSession(args)
    } catch (error) {
      return failure(`Starting the agent failed: ${describeError(error)}`)
    }
    const thread: Thread = { handle, iterator: handle.events()[Symbol.asyncIterator](), busy: true }
    this.threads.set(handle.threadId, thread)
    return this.runTurn(thread, server, context)
  }

  private async reply(
    args: z.infer<z.ZodObject<typeof replyInput>>,
    server: McpServer,
    context: CallContext,
  ): Promise<ToolResult> {
    const thread = this.threads.get(args.threadId)
    if (!thread) {
      return failure(`No agent session with threadId '${args.threadId}'. Start one with the \`agent\` tool.`)
    }
    if (thread.busy) {
      return failure(
        `The session '${args.threadId}' is still working on a turn; wait for its answer before replying.`,
      )
    }
    thread.busy = true
    try {
      await thread.handle.submit({ type: 'user_input', items: [{ type: 'text', text: args.prompt }] })
    } catch (error) {
      thread.busy = false
      return failure(`Sending the message failed: ${describeError(error)}`)
    }
    return this.runTurn(thread, server, context)
  }

  /** Streams events until the turn ends, answering approvals along the way. */
  private async runTurn(thread: Thread, server: McpServer, context: CallContext): Promise<ToolResult> {
    const threadId = thread.handle.threadId
    const interrupt = () => void Promise.resolve(thread.handle.submit({ type: 'interrupt' })).catch(() => {})
    context.signal.addEventListener('abort', interrupt, { once: true })
    let lastMessage: string | null = null
    const errors: string[] = []
    let progress = 0
    try {
      for (;;) {
        const next = await thread.iterator.next()
        if (next.done) {
          this.threads.delete(threadId)
          return failure(`The agent session ended before the turn finished.${suffix(errors)}`, threadId)
        }
        const { msg } = next.value
        await this.forward(threadId, next.value, context, ++progress)
        switch (msg.type) {
          case 'exec_approval_request':
          case 'apply_patch_approval_request':
            void this.askApproval(thread, msg, server, context)
            break
          case 'agent_message':
            lastMessage = msg.message
            break
          case 'error':
            errors.push(msg.message)
            break
          case 'turn_complete':
            return success(threadId, msg.last_agent_message ?? lastMessage ?? '')
          case 'turn_aborted':
            return failure(`The agent's turn was aborted (${msg.reason}).${suffix(errors)}`, threadId)
          case 'shutdown_complete':
            this.threads.delete(threadId)
            return failure(`The agent session shut down.${suffix(errors)}`, threadId)
        }
      }
    } catch (error) {
      return failure(`Reading the agent's events failed: ${describeError(error)}`, threadId)
    } finally {
      context.signal.removeEventListener('abort', interrupt)
      thread.busy = false
    }
  }

  private async forward(threadId: string, event: Event, context: CallContext, count: number): Promise<void> {
    try {
      await context.sendNotification({ method: AGENT_EVENT_NOTIFICATION, params: { threadId, event } })
      const token = context._meta?.progressToken
      if (token !== undefined) {
        await context.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: count, message: describeEvent(event.msg) },
        })
      }
    } catch {
      // The client went away mid-turn: the turn goes on (and is interrupted by the abort signal).
    }
  }

  private async askApproval(
    thread: Thread,
    request: Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>,
    server: McpServer,
    context: CallContext,
  ): Promise<void> {
    let op = unanswerableOp(
      request,
      'The MCP client cannot answer approval requests (it does not support elicitation). Ask the user to start the session with approval_policy "never" or a sandbox that allows this.',
    )
    if (server.server.getClientCapabilities()?.elicitation) {
      try {
        const { ElicitResultSchema } = await import('@modelcontextprotocol/sdk/types.js')
        const answer = (await context.sendRequest(
          {
            method: 'elicitation/create',
            params: { ...approvalElicitation(thread.handle.threadId, request) },
          },
          ElicitResultSchema,
          { signal: context.signal, timeout: this.options.approvalTimeoutMs ?? 600_000 },
        )) as ElicitationAnswer
        op = approvalOp(request, answer)
      } catch (error) {
        op = unanswerableOp(request, `The approval request to the user failed: ${describeError(error)}`)
      }
    }
    try {
      await thread.handle.submit(op)
    } catch {
      // The session is gone; its event stream reports that.
    }
  }

  /** Ends every session and disconnects every client. */
  async close(): Promise<void> {
    const threads = [...this.threads.values()]
    this.threads.clear()
    await Promise.all(threads.map((t) => t.handle.shutdown?.().catch(() => {})))
    await Promise.all([...this.servers].map((s) => s.close().catch(() => {})))
  }
}

const suffix = (errors: string[]) => (errors.length > 0 ? ` Errors: ${errors.join('; ')}` : '')

function success(threadId: string, content: string): ToolResult {
  return {
    content: [{ type: 'text', text: content || '(the agent finished without a message)' }],
    structuredContent: { threadId, content },
  }
}

function failure(message: string, threadId?: string): ToolResult {
  return {
    content: [{ type: 'text', text: threadId ? `${message} (threadId: ${threadId})` : message }],
    isError: true,
  }
}

/** A short progress message for an event. */
function describeEvent(msg: EventMsg): string {
  switch (msg.type) {
    case 'exec_command_begin':
      return `running ${msg.command.join(' ')}`
    case 'agent_message':
      return msg.message.slice(0, 200)
    case 'exec_approval_request':
    case 'apply_patch_approval_request':
      return 'waiting for approval'
    default:
      return msg.type
  }
}

/** Creates the agent's MCP server over a session port (see `AgentMcpServer`). */
export function createAgentMcpServer(
  port: AgentSessionPort,
  options?: AgentMcpServerOptions,
): AgentMcpServer {
  return new AgentMcpServer(port, options)
}
