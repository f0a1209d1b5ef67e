// The tool router: which tools exist (built-in definitions and MCP provider tools), their specs
// for the model, and the path of one call — argument validation, PreToolUse hooks, the handler
// or provider, PostToolUse hooks — always ending in a result for the model, never a throw.
import type { ContentPart, EventMsg, FunctionCallOutputItem, ToolSpec } from '@agent/protocol'
import { z } from 'zod'
import type { HookInput, HookOutcome, HookRunner } from '../ports/hooks.js'
import type { ApprovalGate } from '../ports/step-journal.js'
import type { ProvidedTool, ToolProvider } from '../ports/tool-provider.js'
import type { ToolContext, ToolDefinition, ToolOutput } from '../tools/contract.js'
import type { ApprovalAnswer } from './approvals.js'
import {
  ApprovalPending,
  askUser,
  type CallScope,
  messageOf,
  type Orchestrator,
  type TurnScope,
} from './orchestrator.js'

export interface ToolCallRequest {
  call_id: string
  name: string
  /** JSON text from the model. */
  arguments: string
}

/** Everything a call needs from its turn and session. */
export interface CallEnvironment extends TurnScope {
  sessionId: string
  turnId: string
  transcriptPath?: string
  sessionState: Map<string, unknown>
  /** A hook said `continue: false`: the turn ends after this step. */
  requestStop(reason: string | undefined): void
}

type Prepared =
  | { kind: 'error'; call: ToolCallRequest; message: string; readOnly: true }
  | {
      kind: 'builtin'
      call: ToolCallRequest
      def: ToolDefinition
      args: unknown
      rawArgs: unknown
      readOnly: boolean
    }
  | {
      kind: 'provided'
      call: ToolCallRequest
      provider: ToolProvider
      tool: ProvidedTool
      args: unknown
      readOnly: boolean
    }

export interface RouterDeps {
  tools: readonly ToolDefinition[]
  hooks?: HookRunner
  orchestrator: Orchestrator
  gate: ApprovalGate
}

export class ToolRouter {
  private readonly builtins = new Map<string, ToolDefinition>()
  private readonly provided = new Map<string, { provider: ToolProvider; tool: ProvidedTool }>()
  private specCache: ToolSpec[] | undefined

  constructor(private readonly deps: RouterDeps) {
    for (const def of deps.tools) {
      if (this.builtins.has(def.name))
        throw new Error(`two tools are named ${def.name}; tool names must be unique`)
      this.builtins.set(def.name, def)
    }
  }

  /** Adds a provider's tools; a name already taken by a built-in tool is skipped with a warning. */
  addProvidedTools(provider: ToolProvider, tools: readonly ProvidedTool[]): string[] {
    const warnings: string[] = []
    for (const tool of tools) {
      if (this.builtins.has(tool.name) || this.provided.has(tool.name)) {
        warnings.push(`tool ${tool.name} from MCP server ${tool.server} is hidden: the name is already taken`)
        continue
      }
      this.provided.set(tool.name, { provider, tool })
    }
    this.specCache = undefined
    return warnings
  }

  providedTools(): ProvidedTool[] {
    return [...this.provided.values()].map((p) => p.tool)
  }

  specs(): ToolSpec[] {
    if (this.specCache) return this.specCache
    const specs: ToolSpec[] = []
    for (const def of this.builtins.values()) {
      specs.push({
        name: def.name,
        description: def.description,
        parameters: def.jsonSchema ?? schemaOf(def),
        ...(def.freeform ? { freeform: def.freeform } : {}),
      })
    }
    for (const { tool } of this.provided.values()) {
      specs.push({ name: tool.name, description: tool.description, parameters: tool.inputSchema })
    }
    this.specCache = specs
    return specs
  }

  /** Parses and validates a call; the result says whether it may share the read lock. */
  prepare(call: ToolCallRequest): Prepared {
    let rawArgs: unknown
    try {
      rawArgs = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments)
    } catch (error) {
      return errorCall(
        call,
        `the arguments of ${call.name} are not valid JSON (${messageOf(error)}); send a JSON object`,
      )
    }
    const def = this.builtins.get(call.name)
    if (def) {
      const parsed = def.parameters.safeParse(rawArgs)
      if (!parsed.success) return errorCall(call, invalidArgsMessage(call.name, parsed.error))
      const readOnly =
        def.parallelSafe === true ||
        (typeof def.readOnly === 'function' ? safeReadOnly(def, parsed.data) : def.readOnly)
      return { kind: 'builtin', call, def, args: parsed.data, rawArgs, readOnly }
    }
    const provided = this.provided.get(call.name)
    if (provided) {
      if (rawArgs === null || typeof rawArgs !== 'object' || Array.isArray(rawArgs)) {
        return errorCall(call, `the arguments of ${call.name} must be a JSON object`)
      }
      return { kind: 'provided', call, ...provided, args: rawArgs, readOnly: provided.tool.readOnly === true }
    }
    const names = [...this.builtins.keys(), ...this.provided.keys()]
    return errorCall(call, `unknown tool: ${call.name}. Available tools: ${names.join(', ') || '(none)'}`)
  }

  /** Runs a prepared call to its result item. */
  async execute(prepared: Prepared, env: CallEnvironment): Promise<FunctionCallOutputItem> {
    const { call } = prepared
    if (prepared.kind === 'error') return output(call.call_id, prepared.message, true)
    const scope: CallScope = {
      callId: call.call_id,
      toolName: call.name,
      toolInput: prepared.kind === 'builtin' ? prepared.rawArgs : prepared.args,
      preApproved: false,
      requests: 0,
    }
    let args = prepared.args
    const extra: string[] = []
    // The turn's workspace snapshot must be taken before anything may change files. Only calls
    // that cannot start before it is done: read-only built-in tools, and command tools, whose
    // commands wait for it themselves unless the policy knows them to be read-only (see
    // `Orchestrator.exec`). A hook that runs for the call waits for it too (`runHook`).
    const mayStartEarly =
      prepared.kind === 'builtin' && (prepared.readOnly || prepared.def.changesFilesOnlyByCommands === true)
    if (!mayStartEarly) await env.workspaceReady?.()

    const pre = await this.runHook(env, {
      hook_event_name: 'PreToolUse',
      tool_name: call.name,
      tool_input: prepared.kind === 'builtin' ? prepared.rawArgs : prepared.args,
      tool_use_id: call.call_id,
    })
    if (pre.blocked) return output(call.call_id, `blocked by a PreToolUse hook: ${pre.blocked.reason}`, true)
    if (pre.permissionDecision === 'deny') {
      return output(
        call.call_id,
        `denied by a PreToolUse hook: ${pre.permissionDecisionReason ?? 'no reason given'}`,
        true,
      )
    }
    if (pre.updatedInput !== undefined) {
      if (prepared.kind === 'builtin') {
        const reparsed = prepared.def.parameters.safeParse(pre.updatedInput)
        if (!reparsed.success) {
          return output(
            call.call_id,
            `a PreToolUse hook rewrote the input badly: ${invalidArgsMessage(call.name, reparsed.error)}`,
            true,
          )
        }
        args = reparsed.data
      } else {
        args = pre.updatedInput
      }
      scope.toolInput = pre.updatedInput
    }
    if (pre.permissionDecision === 'allow') scope.preApproved = true
    if (pre.permissionDecision === 'ask') {
      const refused = await this.askForCall(prepared, args, pre.permissionDecisionReason, env, scope).catch(
        (error: unknown) => {
          if (error instanceof ApprovalPending) return 'waiting for the user’s approval'
          throw error
        },
      )
      if (env.approvals?.pending) return output(call.call_id, 'waiting for the user’s approval', true)
      if (refused) return output(call.call_id, refused, true)
      scope.preApproved = true
    }
    for (const text of pre.additionalContext ?? []) extra.push(text)

    let result: ToolOutput
    let response: unknown
    if (prepared.kind === 'builtin') {
      result = await this.runBuiltin(prepared.def, args, call, env, scope)
      response = result
      // A split call stopped at an approval: this attempt's result is void (see SplitApprovals).
      if (env.approvals?.pending) return output(call.call_id, 'waiting for the user’s approval', true)
    } else {
      const provided = await this.runProvided(prepared.provider, prepared.tool, args, call, env)
      result = provided.output
      response = provided.response
    }

    const post = await this.runHook(env, {
      hook_event_name: 'PostToolUse',
      tool_name: call.name,
      tool_input: args,
      tool_use_id: call.call_id,
      tool_response: response,
    })
    if (post.blocked) extra.push(`PostToolUse hook: ${post.blocked.reason}`)
    for (const text of post.additionalContext ?? []) extra.push(text)
    return withExtra(call.call_id, result, extra)
  }

  private async runBuiltin(
    def: ToolDefinition,
    args: unknown,
    call: ToolCallRequest,
    env: CallEnvironment,
    scope: CallScope,
  ): Promise<ToolOutput> {
    const orchestrator = this.deps.orchestrator
    const context: ToolContext = {
      callId: call.call_id,
      toolName: call.name,
      sessionId: env.sessionId,
      turnId: env.turnId,
      cwd: env.cwd,
      sandboxPolicy: env.sandboxPolicy,
      approvalPolicy: env.approvalPolicy,
      signal: env.signal,
      exec: (request) => orchestrator.exec(env, scope, request),
      approvePatch: (request) => orchestrator.approvePatch(env, scope, request),
      askApproval: (request) => orchestrator.askApproval(env, scope, request),
      processes: orchestrator.processesFor(env, scope),
      emit: (msg) => env.emit(msg),
      sessionState: env.sessionState,
    }
    const split = env.approvals
    if (split) {
      context.attemptState = {
        value: split.state,
        save: (value) => {
          split.state = value
        },
      }
    }
    try {
      return await settleAfterAbort(def.handle(args, context), env.signal, () => ({
        output: `${call.name} was interrupted by the user (it did not stop within ${ABORT_GRACE_MS} ms)`,
        isError: true,
      }))
    } catch (error) {
      if (env.signal.aborted) return { output: `${call.name} was interrupted by the user`, isError: true }
      return { output: `${call.name} failed: ${messageOf(error)}`, isError: true }
    }
  }

  private async runProvided(
    provider: ToolProvider,
    tool: ProvidedTool,
    args: unknown,
    call: ToolCallRequest,
    env: CallEnvironment,
  ): Promise<{ output: ToolOutput; response: unknown }> {
    const invocation = { server: tool.server, tool: tool.tool, arguments: args }
    env.emit({ type: 'mcp_tool_call_begin', call_id: call.call_id, invocation })
    const started = Date.now()
    let end: EventMsg
    let result: ToolOutput
    let response: unknown
    try {
      const r = await settleAfterAbort(
        provider.callTool(tool.name, args, { signal: env.signal }),
        env.signal,
        () => {
          throw new Error('interrupted by the user')
        },
      )
      response = r.raw ?? { content: r.content, isError: r.isError, structuredContent: r.structuredContent }
      result = { output: contentForModel(r.content, r.structuredContent), isError: r.isError }
      end = {
        type: 'mcp_tool_call_end',
        call_id: call.call_id,
        invocation,
        duration_ms: Date.now() - started,
        result: { ok: true, value: response },
      }
    } catch (error) {
      const message = `MCP tool ${tool.tool} on server ${tool.server} failed: ${messageOf(error)}`
      response = { error: message }
      result = { output: message, isError: true }
      end = {
        type: 'mcp_tool_call_end',
        call_id: call.call_id,
        invocation,
        duration_ms: Date.now() - started,
        result: { ok: false, error: message },
      }
    }
    env.emit(end)
    return { output: result, response }
  }

  /** A hook answered `ask`: the user approves the call itself. Returns a refusal, or undefined. */
  private async askForCall(
    prepared: Exclude<Prepared, { kind: 'error' }>,
    args: unknown,
    reason: string | undefined,
    env: CallEnvironment,
    scope: CallScope,
  ): Promise<string | undefined> {
    if (env.approvalPolicy === 'never') {
      return `a PreToolUse hook asked for the user's approval${reason ? ` (${reason})` : ''}, but the approval policy is never`
    }
    const describe = prepared.kind === 'builtin' ? prepared.def.describeForApproval : undefined
    let command: string[]
    try {
      command = describe ? describe.call(prepared.kind === 'builtin' ? prepared.def : undefined, args) : []
    } catch {
      command = []
    }
    if (command.length === 0) command = [prepared.call.name, JSON.stringify(args)]
    const msg: Extract<EventMsg, { type: 'exec_approval_request' }> = {
      type: 'exec_approval_request',
      call_id: scope.callId,
      command,
      cwd: env.cwd,
    }
    if (reason) msg.reason = reason
    const answer: ApprovalAnswer = await askUser(env, scope, msg, this.deps.gate)
    if (answer.decision === 'approved' || answer.decision === 'approved_for_session') return undefined
    return `the user denied ${prepared.call.name}${answer.feedback ? `: ${answer.feedback}` : ''}`
  }

  private async runHook(
    env: CallEnvironment,
    input: Omit<HookInput, 'session_id' | 'cwd'>,
  ): Promise<HookOutcome> {
    return runHook(this.deps.hooks, env, input)
  }
}

/** Runs a hook event if a runner is configured; a failing runner is a warning, never a crash. */
export async function runHook(
  hooks: HookRunner | undefined,
  env: {
    sessionId: string
    cwd: string
    transcriptPath?: string
    signal: AbortSignal
    emit(msg: EventMsg): void
    requestStop?(reason: string | undefined): void
    /**
     * The turn's workspace snapshot: awaited before any hook runs, since a hook is a command
     * that may change files. Not awaited when the runner says that no hook would run
     * (`HookRunner.willRun`).
     */
    workspaceReady?(): Promise<unknown>
  },
  input: Omit<HookInput, 'session_id' | 'cwd'>,
): Promise<HookOutcome> {
  if (!hooks) return {}
  const full = { ...input, session_id: env.sessionId, cwd: env.cwd } as HookInput
  if (env.transcriptPath) full.transcript_path = env.transcriptPath
  let outcome: HookOutcome
  try {
    if (env.workspaceReady && (await hookWillRun(hooks, full))) await env.workspaceReady()
    outcome = await hooks.run(full, { signal: env.signal, onEvent: (msg) => env.emit(msg) })
  } catch (error) {
    env.emit({ type: 'warning', message: `${input.hook_event_name} hooks failed: ${messageOf(error)}` })
    return {}
  }
  for (const message of outcome.systemMessages ?? []) env.emit({ type: 'background_event', message })
  if (outcome.stop) env.requestStop?.(outcome.stop.reason)
  return outcome
}

/** Whether `hooks` would run anything for `input`; a runner that cannot tell may. */
async function hookWillRun(hooks: HookRunner, input: HookInput): Promise<boolean> {
  if (!hooks.willRun) return true
  try {
    return await hooks.willRun(input)
  } catch {
    return true
  }
}

/** How long an interrupted tool may take to wind down before the turn stops waiting for it. */
export const ABORT_GRACE_MS = 2000

/**
 * Resolves with `work`, unless `signal` aborts and `work` has not settled `ABORT_GRACE_MS`
 * later: then with `fallback()`. A tool that ignores the signal cannot hold up an interrupt.
 */
export function settleAfterAbort<T>(work: Promise<T>, signal: AbortSignal, fallback: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const onAbort = () => {
      timer = setTimeout(() => {
        try {
          resolve(fallback())
        } catch (error) {
          reject(error)
        }
      }, ABORT_GRACE_MS)
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function schemaOf(def: ToolDefinition): Record<string, unknown> {
  try {
    const schema = z.toJSONSchema(def.parameters, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >
    delete schema.$schema
    return schema
  } catch (error) {
    throw new Error(
      `tool ${def.name}: cannot derive a JSON Schema from its parameters (${messageOf(error)}); set jsonSchema`,
    )
  }
}

function safeReadOnly(def: ToolDefinition, args: unknown): boolean {
  try {
    return (def.readOnly as (a: unknown) => boolean)(args)
  } catch {
    return false
  }
}

function invalidArgsMessage(name: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
  return `invalid arguments for ${name}: ${issues.join('; ')}`
}

function errorCall(call: ToolCallRequest, message: string): Prepared {
  return { kind: 'error', call, message, readOnly: true }
}

function output(callId: string, text: string, isError: boolean): FunctionCallOutputItem {
  const item: FunctionCallOutputItem = { type: 'function_call_output', call_id: callId, output: text }
  if (isError) item.is_error = true
  return item
}

function withExtra(callId: string, result: ToolOutput, extra: string[]): FunctionCallOutputItem {
  let out = result.output
  if (extra.length > 0) {
    const note = extra.join('\n')
    out = typeof out === 'string' ? `${out}\n\n${note}` : [...out, { type: 'input_text', text: note }]
  }
  const item: FunctionCallOutputItem = { type: 'function_call_output', call_id: callId, output: out }
  if (result.isError) item.is_error = true
  return item
}

/** MCP results with only text become one string (every provider accepts it); images stay parts. */
function contentForModel(content: ContentPart[], structured: unknown): string | ContentPart[] {
  if (content.length === 0 && structured !== undefined) return JSON.stringify(structured)
  if (content.every((c) => c.type !== 'input_image')) {
    return content.map((c) => ('text' in c ? c.text : '')).join('\n')
  }
  return content
}
