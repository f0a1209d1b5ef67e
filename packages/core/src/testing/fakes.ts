// In-memory implementations of the small ports: sandboxes, policies, hooks, clocks and a tool
// provider, each recording what it was asked so tests can assert on it.
import type { EventMsg, SandboxPolicy } from '@agent/protocol'
import type { Clock } from '../ports/clock.js'
import type { HookInput, HookOutcome, HookRunner } from '../ports/hooks.js'
import type { CommandPolicy, PolicyDecision, PolicyVerdict } from '../ports/policy.js'
import type { RunResult } from '../ports/runner.js'
import type { Sandbox, WrappedCommand } from '../ports/sandbox.js'
import type { ProvidedTool, ProvidedToolResult, ToolProvider } from '../ports/tool-provider.js'

const DENIAL = /operation not permitted|permission denied|read-only file system/i

/**
 * A sandbox that confines nothing but behaves like one at the seams: it records each wrap, and
 * `deny(argv)` makes a command fail the way a sandbox denial does (a real `sh` printing
 * "Operation not permitted", exit 1), so core's escalation path can be driven for real.
 */
export class FakeSandbox implements Sandbox {
  readonly wrapped: { policy: SandboxPolicy; argv: string[] }[] = []
  constructor(private readonly options: { deny?: (argv: string[]) => boolean; unavailable?: string } = {}) {}

  async wrapCommand(
    policy: SandboxPolicy,
    command: { argv: string[]; cwd: string; env: Record<string, string> },
  ): Promise<WrappedCommand> {
    if (this.options.unavailable && policy.type !== 'danger-full-access')
      throw new Error(this.options.unavailable)
    this.wrapped.push({ policy, argv: command.argv })
    if (policy.type !== 'danger-full-access' && this.options.deny?.(command.argv)) {
      return {
        argv: ['sh', '-c', `echo "${command.argv[0]}: Operation not permitted" >&2; exit 1`],
        env: command.env,
        fds: [],
      }
    }
    return { argv: command.argv, env: command.env, fds: [] }
  }

  isLikelySandboxDenial(result: Pick<RunResult, 'exitCode' | 'stdout' | 'stderr' | 'signal'>): boolean {
    if (result.exitCode === 0) return false
    return result.signal === 'SIGSYS' || DENIAL.test(result.stderr) || DENIAL.test(result.stdout)
  }
}

/** A policy answering the same verdict for every command (or per command from a function). */
export class FakePolicy implements CommandPolicy {
  readonly asked: { command: string[]; approvalPolicy: string; sandboxPolicy: SandboxPolicy }[] = []
  constructor(private readonly verdict: PolicyVerdict | ((command: string[]) => PolicyVerdict) = 'allow') {}

  evaluate(
    command: string[],
    context: { approvalPolicy: string; sandboxPolicy: SandboxPolicy; cwd: string },
  ): PolicyDecision {
    this.asked.push({ command, approvalPolicy: context.approvalPolicy, sandboxPolicy: context.sandboxPolicy })
    const decision = typeof this.verdict === 'function' ? this.verdict(command) : this.verdict
    return { decision, reason: `fake policy says ${decision} for ${command.join(' ')}` }
  }
}

/** Records every hook input and answers with scripted outcomes (by event, optionally by tool). */
export class RecordingHookRunner implements HookRunner {
  readonly inputs: HookInput[] = []
  constructor(
    private readonly answer: (input: HookInput) => HookOutcome | Promise<HookOutcome> = () => ({}),
  ) {}

  async run(input: HookInput, options: { onEvent?: (msg: EventMsg) => void }): Promise<HookOutcome> {
    this.inputs.push(structuredClone(input))
    const runId = `hook_${this.inputs.length}`
    options.onEvent?.({
      type: 'hook_started',
      run_id: runId,
      hook_event_name: input.hook_event_name,
      command: 'recorded',
    })
    const outcome = await this.answer(input)
    options.onEvent?.({
      type: 'hook_completed',
      run_id: runId,
      hook_event_name: input.hook_event_name,
      outcome: outcome.blocked ? 'blocked' : 'success',
      exit_code: outcome.blocked ? 2 : 0,
      duration_ms: 0,
    })
    return outcome
  }

  /** Names of the hook events seen, in order. */
  get events(): string[] {
    return this.inputs.map((i) => (i.tool_name ? `${i.hook_event_name}:${i.tool_name}` : i.hook_event_name))
  }
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private time = new Date('2026-01-02T03:04:05.000Z')) {}
  now(): Date {
    return new Date(this.time)
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms)
  }
}

/** An MCP-like provider of in-process tools. */
export class StaticToolProvider implements ToolProvider {
  readonly calls: { name: string; args: unknown }[] = []
  constructor(
    private readonly server: string,
    private readonly tools: (Omit<ProvidedTool, 'server' | 'name'> & {
      handler: (args: unknown, signal?: AbortSignal) => Promise<ProvidedToolResult> | ProvidedToolResult
    })[],
  ) {}

  async start(onEvent: (msg: EventMsg) => void): Promise<void> {
    onEvent({
      type: 'mcp_startup_update',
      server: this.server,
      status: { state: 'ready', tools: this.tools.length },
    })
    onEvent({ type: 'mcp_startup_complete', ready: [this.server], failed: [], cancelled: [] })
  }

  async listTools(): Promise<ProvidedTool[]> {
    return this.tools.map(({ handler: _handler, ...tool }) => ({
      ...tool,
      server: this.server,
      name: `mcp__${this.server}__${tool.tool}`,
    }))
  }

  async callTool(
    name: string,
    args: unknown,
    options: { signal?: AbortSignal },
  ): Promise<ProvidedToolResult> {
    this.calls.push({ name, args })
    const tool = this.tools.find((t) => `mcp__${this.server}__${t.tool}` === name)
    if (!tool) return { content: [{ type: 'input_text', text: `no tool ${name}` }], isError: true }
    return tool.handler(args, options.signal)
  }
}
