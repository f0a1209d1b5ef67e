// Hooks around every tool call and around turns and sessions, with their decisions honoured.
import { afterEach, describe, expect, it } from 'vitest'
import type { Agent, HookInput, HookOutcome } from '../src/index.js'
import {
  collectUntil,
  MemoryWorkspaceTracker,
  RecordingHookRunner,
  reply,
  ScriptedModel,
  StaticToolProvider,
} from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent } from './helpers.js'

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

const input = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] })

async function withHooks(
  answer: (input: HookInput) => HookOutcome,
  script: Parameters<typeof makeAgent>[0],
  overrides: Parameters<typeof makeAgent>[1] = {},
) {
  const hooks = new RecordingHookRunner(answer)
  const made = await makeAgent(script, { hooks, ...overrides })
  agent = made.agent
  return { ...made, hooks }
}

const outputs = (model: { requests: { input: unknown[] }[] }, n = 1) =>
  (model.requests[n]?.input ?? []).filter((i) => (i as { type: string }).type === 'function_call_output') as {
    call_id: string
    output: string
    is_error?: boolean
  }[]

describe('tool hooks', () => {
  it('runs PreToolUse and PostToolUse around every call, built-in and MCP, with Claude Code fields', async () => {
    const provider = new StaticToolProvider('srv', [
      {
        tool: 'ping',
        description: 'ping',
        inputSchema: { type: 'object' },
        handler: () => ({ content: [{ type: 'input_text', text: 'pong' }], isError: false }),
      },
    ])
    const { hooks } = await withHooks(
      () => ({}),
      [
        [reply.toolCall('echo', { text: 'hi' }, 'e1'), reply.toolCall('mcp__srv__ping', {}, 'p1')],
        [reply.text('ok')],
      ],
      { toolProviders: [provider] },
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(hooks.events).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'BeforeModelRequest',
      'AfterModelResponse',
      'PreToolUse:echo',
      'PostToolUse:echo',
      'PreToolUse:mcp__srv__ping',
      'PostToolUse:mcp__srv__ping',
      'BeforeModelRequest',
      'AfterModelResponse',
      'Stop',
    ])
    const after = hooks.inputs.find((i) => i.hook_event_name === 'AfterModelResponse')
    expect(after).toMatchObject({
      model: 'test-model',
      tool_calls: ['echo', 'mcp__srv__ping'],
      last_assistant_message: null,
    })
    const pre = hooks.inputs.find((i) => i.hook_event_name === 'PreToolUse')
    expect(pre).toMatchObject({
      tool_name: 'echo',
      tool_input: { text: 'hi' },
      tool_use_id: 'e1',
      session_id: agent?.sessionId,
    })
    const post = hooks.inputs.find((i) => i.hook_event_name === 'PostToolUse')
    expect(post?.tool_response).toEqual({ output: 'hi' })
  })

  it('a blocking PreToolUse hook stops the call and tells the model why', async () => {
    const { model, runner } = await withHooks(
      (i) => (i.hook_event_name === 'PreToolUse' ? { blocked: { reason: 'no shell today' } } : {}),
      [[reply.toolCall('shell', { command: ['touch', 'x'] }, 'c')], [reply.text('ok')]],
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(runner.requests).toHaveLength(0)
    expect(outputs(model)[0]).toMatchObject({
      is_error: true,
      output: 'blocked by a PreToolUse hook: no shell today',
    })
  })

  it('permissionDecision deny refuses, allow skips the approval prompt, ask prompts even when the policy would not', async () => {
    const decisions: Record<string, HookOutcome['permissionDecision']> = { a: 'deny', b: 'allow', c: 'ask' }
    const { model, runner } = await withHooks(
      (i) => {
        if (i.hook_event_name !== 'PreToolUse') return {}
        const cmd = (i.tool_input as { command: string[] }).command[1] as string
        return { permissionDecision: decisions[cmd], permissionDecisionReason: `rule for ${cmd}` }
      },
      [
        [reply.toolCall('shell', { command: ['echo', 'a'] }, 'a')],
        [reply.toolCall('shell', { command: ['echo', 'b'] }, 'b')],
        [reply.toolCall('shell', { command: ['echo', 'c'] }, 'c')],
        [reply.text('ok')],
      ],
      {
        approvalPolicy: 'on-request',
        policy: { evaluate: (cmd) => ({ decision: cmd[1] === 'b' ? 'prompt' : 'allow', reason: 'r' }) },
      },
    )
    const asked: string[][] = []
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request') {
          asked.push(e.msg.command)
          await agent?.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved' })
        }
      },
    })
    expect(outputs(model, 1)[0]).toMatchObject({
      is_error: true,
      output: 'denied by a PreToolUse hook: rule for a',
    })
    // b: the policy said prompt, the hook allowed it: no prompt. c: the hook asked: one prompt, shown as the command.
    expect(asked).toEqual([['echo', 'c']])
    expect(runner.requests.map((r) => r.argv)).toEqual([
      ['echo', 'b'],
      ['echo', 'c'],
    ])
  })

  it('a hook allow never overrides a forbidden policy verdict', async () => {
    const { runner } = await withHooks(
      (i) => (i.hook_event_name === 'PreToolUse' ? { permissionDecision: 'allow' } : {}),
      [[reply.toolCall('shell', { command: ['rm', '-rf', '/'] })], [reply.text('ok')]],
      { policy: { evaluate: () => ({ decision: 'forbidden', reason: 'never rm -rf /' }) } },
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(runner.requests).toHaveLength(0)
  })

  it('a hook ask under approval policy never is a refusal, not a prompt', async () => {
    const { model } = await withHooks(
      (i) =>
        i.hook_event_name === 'PreToolUse'
          ? { permissionDecision: 'ask', permissionDecisionReason: 'check' }
          : {},
      [[reply.toolCall('echo', { text: 'x' })], [reply.text('ok')]],
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'exec_approval_request')).toHaveLength(0)
    expect(outputs(model)[0]?.output).toContain('the approval policy is never')
  })

  it('updatedInput replaces the arguments (validated again), additionalContext reaches the model', async () => {
    const { model, runner } = await withHooks(
      (i) => {
        if (i.hook_event_name === 'PreToolUse')
          return { updatedInput: { command: ['echo', 'rewritten'] }, additionalContext: ['pre ctx'] }
        if (i.hook_event_name === 'PostToolUse')
          return { additionalContext: ['post ctx'], blocked: { reason: 'look again' } }
        return {}
      },
      [[reply.toolCall('shell', { command: ['echo', 'original'] })], [reply.text('ok')]],
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(runner.requests[0]?.argv).toEqual(['echo', 'rewritten'])
    const out = outputs(model)[0]?.output ?? ''
    expect(out).toContain('rewritten')
    expect(out).toContain('pre ctx')
    expect(out).toContain('post ctx')
    expect(out).toContain('PostToolUse hook: look again')
  })

  it('an updatedInput that fails the schema is an error result', async () => {
    const { model, runner } = await withHooks(
      (i) => (i.hook_event_name === 'PreToolUse' ? { updatedInput: { command: 'not an array' } } : {}),
      [[reply.toolCall('shell', { command: ['echo', 'x'] })], [reply.text('ok')]],
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(runner.requests).toHaveLength(0)
    expect(outputs(model)[0]?.output).toMatch(
      /^a PreToolUse hook rewrote the input badly: invalid arguments for shell: command:/,
    )
  })

  it('a hook runner that throws is a warning; the call goes on', async () => {
    const { runner } = await withHooks(
      (i) => {
        if (i.hook_event_name === 'PreToolUse') throw new Error('hook crashed')
        return {}
      },
      [[reply.toolCall('shell', { command: ['echo', 'x'] })], [reply.text('ok')]],
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'warning')[0]?.message).toBe('PreToolUse hooks failed: hook crashed')
    expect(runner.requests).toHaveLength(1)
  })
})

describe('turn and session hooks', () => {
  it('UserPromptSubmit can block a prompt', async () => {
    const { model } = await withHooks(
      (i) => (i.hook_event_name === 'UserPromptSubmit' ? { blocked: { reason: 'contains a secret' } } : {}),
      [[reply.text('never')]],
    )
    await agent?.submit(input('my password is hunter2'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'error')[0]).toMatchObject({ kind: 'prompt_blocked' })
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('error')
    expect(model.requests).toHaveLength(0)
  })

  it('UserPromptSubmit can rewrite the prompt and add context; SessionStart context joins the preamble', async () => {
    const { model } = await withHooks(
      (i) => {
        if (i.hook_event_name === 'UserPromptSubmit')
          return { updatedPrompt: `${i.prompt} (rewritten)`, additionalContext: ['branch: main'] }
        if (i.hook_event_name === 'SessionStart') return { additionalContext: ['session started by test'] }
        return {}
      },
      [[reply.text('ok')]],
    )
    await agent?.submit(input('fix it'))
    await collectUntil(agent as Agent, isTurnEnd)
    const inputText = JSON.stringify(model.requests[0]?.input)
    expect(inputText).toContain('fix it (rewritten)')
    expect(inputText).toContain('branch: main')
    expect(inputText).toContain('session started by test')
  })

  it('a blocking Stop hook makes the agent continue once with the reason', async () => {
    let stops = 0
    const { model } = await withHooks(
      (i) => {
        if (i.hook_event_name !== 'Stop') return {}
        stops++
        return i.stop_hook_active ? {} : { blocked: { reason: 'run the tests first' } }
      },
      [[reply.text('done?')], [reply.text('tests pass')]],
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(stops).toBe(2)
    expect(JSON.stringify(model.requests[1]?.input)).toContain('run the tests first')
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('tests pass')
  })

  it('a Stop hook that always blocks is capped at 8 continuations', async () => {
    const { model, hooks } = await withHooks(
      (i) => (i.hook_event_name === 'Stop' ? { blocked: { reason: 'again' } } : {}),
      [],
      { model: new ScriptedModel([], { fallback: [reply.text('answer')] }) },
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'turn_complete')).toHaveLength(1)
    expect(model.requests).toHaveLength(9)
    const stops = hooks.inputs.filter((i) => i.hook_event_name === 'Stop')
    expect(stops.map((s) => s.stop_hook_active)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ])
  })

  it('continue: false from a hook ends the turn after the current step', async () => {
    const { model } = await withHooks(
      (i) => (i.hook_event_name === 'PostToolUse' ? { stop: { reason: 'budget exhausted' } } : {}),
      [[reply.toolCall('echo', { text: 'x' })], [reply.text('never sent')]],
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(model.requests).toHaveLength(1)
    expect(find(events, 'background_event')[0]?.message).toBe('stopped by a hook: budget exhausted')
    expect(find(events, 'turn_complete')).toHaveLength(1)
  })

  it('SessionEnd runs on shutdown; hook events are forwarded', async () => {
    const { hooks } = await withHooks(() => ({ systemMessages: ['hello from a hook'] }), [[reply.text('ok')]])
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'hook_started').length).toBeGreaterThan(0)
    expect(find(events, 'background_event')[0]?.message).toBe('hello from a hook')
    await agent?.shutdown()
    agent = undefined
    expect(hooks.events.at(-1)).toBe('SessionEnd')
  })

  it('a blocking BeforeModelRequest hook ends the turn before the model is called', async () => {
    const { model } = await withHooks(
      (i) => (i.hook_event_name === 'BeforeModelRequest' ? { blocked: { reason: 'quota' } } : {}),
      [[reply.text('never')]],
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(model.requests).toHaveLength(0)
    expect(find(events, 'error')[0]).toMatchObject({ kind: 'hook_blocked' })
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('error')
  })
})

describe('permission hooks', () => {
  const script = () => [[reply.toolCall('shell', { command: ['echo', 'x'] }, 'p1')], [reply.text('ok')]]
  const asks = {
    approvalPolicy: 'on-request' as const,
    policy: { evaluate: () => ({ decision: 'prompt' as const, reason: 'r' }) },
  }

  it('PermissionRequest allow approves without asking the user', async () => {
    const { runner, hooks } = await withHooks(
      (i) => (i.hook_event_name === 'PermissionRequest' ? { permissionDecision: 'allow' } : {}),
      script(),
      asks,
    )
    await agent?.submit(input('go'))
    const events = await collectUntil(agent as Agent, isTurnEnd)
    expect(find(events, 'exec_approval_request')).toHaveLength(0)
    expect(runner.requests).toHaveLength(1)
    expect(hooks.inputs.find((i) => i.hook_event_name === 'PermissionRequest')).toMatchObject({
      tool_name: 'shell',
      tool_input: { command: ['echo', 'x'] },
      tool_use_id: 'p1',
    })
  })

  it('PermissionRequest deny refuses with its reason', async () => {
    const { runner, model } = await withHooks(
      (i) =>
        i.hook_event_name === 'PermissionRequest'
          ? { permissionDecision: 'deny', blocked: { reason: 'not on fridays' } }
          : {},
      script(),
      asks,
    )
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd)
    expect(runner.requests).toHaveLength(0)
    expect(outputs(model)[0]?.output).toBe('the user denied the command: not on fridays')
  })

  it('without a decision the user is asked, and Notification hooks hear about it', async () => {
    const { hooks, runner } = await withHooks(() => ({}), script(), asks)
    await agent?.submit(input('go'))
    await collectUntil(agent as Agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request') {
          await agent?.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved' })
        }
      },
    })
    expect(runner.requests).toHaveLength(1)
    expect(hooks.inputs.find((i) => i.hook_event_name === 'Notification')).toMatchObject({
      notification_type: 'permission_prompt',
      message: 'the agent needs your approval to use shell',
    })
  })
})

describe('hooks and the workspace snapshot', () => {
  /** A hook runner that says which events it has hooks for, logging its runs and the snapshot. */
  function setup(hooked: (input: HookInput) => boolean) {
    const log: string[] = []
    const hooks = new RecordingHookRunner((i) => {
      log.push(`hook ${i.hook_event_name}`)
      return {}
    })
    const runner = Object.assign(hooks, { willRun: hooked })
    const workspace = new (class extends MemoryWorkspaceTracker {
      override async snapshot(dir: string) {
        log.push('snapshot')
        return super.snapshot(dir)
      }
    })()
    return { log, runner, workspace }
  }

  it('a read-only call with no hook of its own starts at once, and the turn takes no snapshot', async () => {
    const { log, runner, workspace } = setup(() => false)
    const made = await makeAgent([[reply.toolCall('echo', { text: 'hi' })], [reply.text('ok')]], {
      hooks: runner,
      workspace,
    })
    agent = made.agent
    await agent.submit(input('go'))
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_complete')).toHaveLength(1)
    // This fake runs its answer for every event; the runner said none would run.
    expect(log).not.toContain('snapshot')
    expect(find(events, 'turn_diff')).toEqual([])
  })

  it('a hook that runs for a read-only call waits for the snapshot first', async () => {
    const { log, runner, workspace } = setup((i) => i.hook_event_name === 'PostToolUse')
    const made = await makeAgent([[reply.toolCall('echo', { text: 'hi' })], [reply.text('ok')]], {
      hooks: runner,
      workspace,
    })
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, isTurnEnd)
    // (The runner said no for the other events; this fake runs its answer for them all anyway.)
    expect(log.filter((l) => l === 'snapshot' || l === 'hook PostToolUse')).toEqual([
      'snapshot',
      'hook PostToolUse',
    ])
  })
})
