// Shared pieces of core's tests: small tools written against the tool contract, and an agent
// factory wired with the testing kit.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Event, ResponseItem } from '@agent/protocol'
import { afterAll } from 'vitest'
import { z } from 'zod'
import { type Agent, type AgentOptions, createAgent, defineTool, type ToolDefinition } from '../src/index.js'
import { isPreamble } from '../src/store/rollout-history.js'
import {
  FakePolicy,
  FakeSandbox,
  ProcessRunner,
  ScriptedModel,
  type ScriptedResponse,
} from '../src/testing/index.js'

// The temporary directories of a test file go when its tests are done.
const made: string[] = []
// (Outside a test run, e.g. in a child process a test starts, nothing is registered.)
try {
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 2 })
  })
} catch {
  // not inside a vitest suite
}

export function tempDir(prefix = 'core-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  made.push(dir)
  return dir
}

/** Codex-like `shell`: runs argv through ctx.exec, returns the formatted output. */
export const shellTool = defineTool<{
  command: string[]
  workdir?: string
  escalate?: boolean
  timeout_ms?: number
}>({
  name: 'shell',
  description: 'Runs a command',
  parameters: z.object({
    command: z.array(z.string()).min(1),
    workdir: z.string().optional(),
    escalate: z.boolean().optional(),
    timeout_ms: z.number().int().positive().optional(),
  }),
  readOnly: false,
  emitsOwnEvents: true,
  describeForApproval: (args) => args.command,
  async handle(args, ctx) {
    const outcome = await ctx.exec({
      command: args.command,
      ...(args.workdir ? { cwd: args.workdir } : {}),
      ...(args.escalate ? { escalate: true } : {}),
      ...(args.timeout_ms ? { timeoutMs: args.timeout_ms } : {}),
    })
    if (outcome.status === 'rejected') return { output: outcome.reason, isError: true }
    return { output: outcome.formatted, isError: outcome.result.exitCode !== 0 }
  },
})

/** A read-only tool that sleeps, to observe overlap. */
export function sleepTool(
  name: string,
  readOnly: boolean,
  log: { name: string; start: number; end: number }[],
): ToolDefinition {
  return defineTool<{ ms: number; tag: string }>({
    name,
    description: 'Sleeps',
    parameters: z.object({ ms: z.number(), tag: z.string() }),
    readOnly,
    async handle(args, ctx) {
      const start = performance.now()
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, args.ms)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t)
          resolve()
        })
      })
      log.push({ name: args.tag, start, end: performance.now() })
      return { output: `slept ${args.tag}` }
    },
  })
}

export const echoTool = defineTool<{ text: string }>({
  name: 'echo',
  description: 'Returns its input',
  parameters: z.object({ text: z.string() }),
  readOnly: true,
  async handle(args) {
    return { output: args.text }
  },
})

export async function makeAgent(
  responses: ScriptedResponse[],
  overrides: Partial<AgentOptions> = {},
): Promise<{ agent: Agent; model: ScriptedModel; runner: ProcessRunner; cwd: string }> {
  const cwd = overrides.cwd ?? tempDir()
  const model = (overrides.model as ScriptedModel | undefined) ?? new ScriptedModel(responses)
  const runner = (overrides.runner as ProcessRunner | undefined) ?? new ProcessRunner()
  const agent = await createAgent({
    model,
    runner,
    sandbox: new FakeSandbox(),
    policy: new FakePolicy('allow'),
    tools: [shellTool, echoTool],
    cwd,
    modelName: 'test-model',
    approvalPolicy: 'never',
    sandboxPolicy: { type: 'workspace-write', writable_roots: [], network_access: false },
    projectDoc: { enabled: false },
    ...overrides,
  })
  return { agent, model, runner, cwd }
}

export const isTurnEnd = (e: Event) => e.msg.type === 'turn_complete' || e.msg.type === 'turn_aborted'
export const types = (events: Event[]) => events.map((e) => e.msg.type)
export function find<T extends Event['msg']['type']>(
  events: Event[],
  type: T,
): Extract<Event['msg'], { type: T }>[] {
  return events.map((e) => e.msg).filter((m): m is Extract<Event['msg'], { type: T }> => m.type === type)
}

/**
 * The conversation a request carried, as `role: text` lines: messages only, without the
 * preamble (instructions and the environment context, which name random temp directories).
 * Assert on this list exactly rather than on substrings of the serialised request.
 */
export function conversation(items: readonly ResponseItem[] | undefined): string[] {
  const out: string[] = []
  for (const item of items ?? []) {
    if (item.type !== 'message' || isPreamble(item)) continue
    const text = item.content.map((part) => ('text' in part ? part.text : `[${part.type}]`)).join('')
    out.push(`${item.role}: ${text}`)
  }
  return out
}
