// Integration with the real leaves: @agent/exec runs the commands, @agent/sandbox confines them
// with bubblewrap, @agent/policy judges them. Sandbox cases skip where bwrap cannot run.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createCommandRunner, formatForModel, ProcessSessionManager } from '@agent/exec'
import { createCommandPolicy } from '@agent/policy'
import type { ApprovalPolicy, Event, SandboxPolicy } from '@agent/protocol'
import { createSandbox, detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Agent, createAgent, defineTool, type ToolDefinition } from '../src/index.js'
import { collectUntil, reply, ScriptedModel } from '../src/testing/index.js'
import { find, isTurnEnd, shellTool, tempDir } from './helpers.js'

const support = await detectSandbox()
const policy = await createCommandPolicy()

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

const workspaceWrite: SandboxPolicy = { type: 'workspace-write', writable_roots: [], network_access: false }

async function realAgent(
  script: ConstructorParameters<typeof ScriptedModel>[0],
  options: { approval: ApprovalPolicy; sandbox: SandboxPolicy; cwd?: string; tools?: ToolDefinition[] },
) {
  const model = new ScriptedModel(script)
  const cwd = options.cwd ?? tempDir()
  const processes = new ProcessSessionManager()
  agent = await createAgent({
    model,
    runner: createCommandRunner(),
    processes,
    sandbox: createSandbox(),
    policy,
    tools: options.tools ?? [shellTool],
    formatExecOutput: (r) => formatForModel(r),
    cwd,
    modelName: 'integration',
    approvalPolicy: options.approval,
    sandboxPolicy: options.sandbox,
    projectDoc: { enabled: false },
  })
  return { agent, model, cwd }
}

const approveAll = (a: Agent) => async (e: Event) => {
  if (e.msg.type === 'exec_approval_request')
    await a.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved' })
}

describe('real policy', () => {
  it('runs a known-safe command under untrusted without asking, asks for a write, refuses rm -rf under never', async () => {
    const { agent: a, cwd } = await realAgent(
      [
        [reply.toolCall('shell', { command: ['ls'] })],
        [reply.toolCall('shell', { command: ['touch', 'made.txt'] })],
        [reply.text('ok')],
      ],
      { approval: 'untrusted', sandbox: { type: 'danger-full-access' } },
    )
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(a, isTurnEnd, { onEvent: approveAll(a) })
    expect(find(events, 'exec_approval_request').map((r) => r.command)).toEqual([['touch', 'made.txt']])
    expect(existsSync(join(cwd, 'made.txt'))).toBe(true)
    await a.shutdown()

    const never = await realAgent(
      [[reply.toolCall('shell', { command: ['rm', '-rf', cwd] })], [reply.text('ok')]],
      {
        approval: 'never',
        sandbox: workspaceWrite,
        cwd,
      },
    )
    await never.agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const refused = await collectUntil(never.agent, isTurnEnd)
    expect(find(refused, 'exec_command_begin')).toHaveLength(0)
    expect(existsSync(cwd)).toBe(true)
    const out = never.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(out).toMatchObject({ is_error: true })
  })
})

describe.skipIf(!support.available)('real sandbox (bubblewrap)', () => {
  it('confines a write outside the workspace; on-failure asks to rerun unconfined, which then succeeds', async () => {
    // /tmp is writable inside the sandbox, so the target lives under $HOME (removed afterwards).
    const home = process.env.HOME ?? '/root'
    const target = join(home, `.core-sandbox-test-${process.pid}`)
    rmSync(target, { force: true })
    try {
      const { agent: a, cwd } = await realAgent(
        [
          [reply.toolCall('shell', { command: ['sh', '-c', 'echo inside > in.txt'] })],
          [reply.toolCall('shell', { command: ['sh', '-c', `echo escaped > ${target}`] })],
          [reply.text('ok')],
        ],
        { approval: 'on-failure', sandbox: workspaceWrite },
      )
      await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
      const events = await collectUntil(a, isTurnEnd, { onEvent: approveAll(a) })
      expect(readFileSync(join(cwd, 'in.txt'), 'utf8')).toBe('inside\n')
      const begins = find(events, 'exec_command_begin')
      expect(begins.map((b) => b.sandbox)).toEqual(['workspace-write', 'workspace-write'])
      const asks = find(events, 'exec_approval_request')
      expect(asks).toHaveLength(1)
      expect(asks[0]?.retry_without_sandbox).toBe(true)
      expect(readFileSync(target, 'utf8')).toBe('escaped\n')
    } finally {
      rmSync(target, { force: true })
    }
  })

  it('under never, the denial reaches the model and nothing escapes', async () => {
    const target = join(process.env.HOME ?? '/root', `.core-sandbox-never-${process.pid}`)
    const { agent: a, model } = await realAgent(
      [[reply.toolCall('shell', { command: ['sh', '-c', `echo escaped > ${target}`] })], [reply.text('ok')]],
      { approval: 'never', sandbox: workspaceWrite },
    )
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(a, isTurnEnd)
    expect(find(events, 'exec_approval_request')).toHaveLength(0)
    expect(existsSync(target)).toBe(false)
    const out = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(JSON.stringify(out)).toContain('cannot be rerun outside the sandbox')
  })

  it('disarms a git hook a command planted in a repository it created, and tells the model', async () => {
    const {
      agent: a,
      model,
      cwd,
    } = await realAgent(
      [
        [
          reply.toolCall('shell', {
            command: [
              'sh',
              '-c',
              "git init -q sub && printf '#!/bin/sh\\n' > sub/.git/hooks/pre-commit && chmod +x sub/.git/hooks/pre-commit",
            ],
          }),
        ],
        [reply.text('ok')],
      ],
      { approval: 'never', sandbox: workspaceWrite },
    )
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(a, isTurnEnd)
    const hook = join(cwd, 'sub', '.git', 'hooks', 'pre-commit')
    expect(statSync(hook).mode & 0o111).toBe(0)
    const note = `the sandbox disarmed git files this command wrote, which would have run code outside the sandbox later: ${hook} (made not executable)`
    expect(find(events, 'exec_command_end')[0]?.stderr).toBe(`${note}\n`)
    const out = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(JSON.stringify(out)).toContain(JSON.stringify(note).slice(1, -1))
  })

  it('interrupt kills a sandboxed long-running process tree', async () => {
    const { agent: a } = await realAgent(
      [[reply.toolCall('shell', { command: ['sh', '-c', 'echo started; sleep 60'] })], [reply.text('ok')]],
      { approval: 'never', sandbox: workspaceWrite },
    )
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(a, (e) => e.msg.type === 'exec_command_output_delta')
    const started = performance.now()
    await a.submit({ type: 'interrupt' })
    const events = await collectUntil(a, isTurnEnd)
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('interrupted')
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('interactive processes start confined', async () => {
    const probe = defineTool<{ path: string }>({
      name: 'probe',
      description: 'Tries to write a file from an interactive process',
      parameters: z.object({ path: z.string() }),
      readOnly: false,
      async handle(args, ctx) {
        const { sessionId } = await ctx.processes.start({
          argv: ['sh', '-c', `echo x > ${args.path}; echo rc=$?`],
          cwd: ctx.cwd,
        })
        let output = ''
        for (let i = 0; i < 20; i++) {
          const read = await ctx.processes.read(sessionId, { yieldTimeMs: 500 })
          output += read.output
          if (read.exited) break
        }
        return { output }
      },
    })
    const target = join(process.env.HOME ?? '/root', `.core-sandbox-pty-${process.pid}`)
    const { model } = await realAgent([[reply.toolCall('probe', { path: target })], [reply.text('ok')]], {
      approval: 'never',
      sandbox: workspaceWrite,
      tools: [probe],
    })
    await agent?.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent as Agent, isTurnEnd)
    const out = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(JSON.stringify(out)).toMatch(/rc=[1-9]/)
    expect(existsSync(target)).toBe(false)
  })
})

describe('real exec formatting', () => {
  it('the model sees @agent/exec’s format when injected', async () => {
    const { agent: a, model } = await realAgent(
      [[reply.toolCall('shell', { command: ['echo', 'hi'] })], [reply.text('ok')]],
      {
        approval: 'never',
        sandbox: { type: 'danger-full-access' },
      },
    )
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(a, isTurnEnd)
    const out = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    const text = out?.type === 'function_call_output' ? String(out.output) : ''
    expect(text).toMatch(/^Exit code: 0\nWall time: [\d.]+ seconds\n/)
    expect(text).toContain('hi')
  })
})
