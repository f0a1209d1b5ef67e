// Every cell of the decision table, driven end to end: a scripted model asks for a real command,
// the fake policy gives the verdict, the test answers approvals, and we observe what ran.
import type { ApprovalPolicy, Event, SandboxPolicy } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Agent } from '../src/index.js'
import type { PolicyVerdict } from '../src/ports/policy.js'
import { collectUntil, FakePolicy, FakeSandbox, reply } from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent } from './helpers.js'

const sandboxes: Record<string, SandboxPolicy> = {
  'read-only': { type: 'read-only' },
  'workspace-write': { type: 'workspace-write', writable_roots: [], network_access: false },
  'danger-full-access': { type: 'danger-full-access' },
}

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

async function runCell(options: {
  approval: ApprovalPolicy
  sandbox: SandboxPolicy
  verdict: PolicyVerdict
  escalate: boolean
  answer?: 'approved' | 'denied' | 'approved_for_session' | 'abort'
  sandboxImpl?: FakeSandbox
  command?: string[]
  calls?: number
}) {
  const sandbox = options.sandboxImpl ?? new FakeSandbox()
  const command = options.command ?? ['echo', 'cell']
  const script = []
  for (let i = 0; i < (options.calls ?? 1); i++) {
    script.push([reply.toolCall('shell', { command, ...(options.escalate ? { escalate: true } : {}) })])
  }
  script.push([reply.text('done')])
  const made = await makeAgent(script, {
    approvalPolicy: options.approval,
    sandboxPolicy: options.sandbox,
    policy: new FakePolicy(options.verdict),
    sandbox,
  })
  agent = made.agent
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
  const events = await collectUntil(agent, isTurnEnd, {
    onEvent: async (e: Event) => {
      if (e.msg.type === 'exec_approval_request') {
        await agent?.submit({
          type: 'exec_approval',
          id: e.msg.call_id,
          decision: options.answer ?? 'approved',
        })
      }
    },
  })
  return { events, sandbox, model: made.model, runner: made.runner }
}

describe('every approval-policy × sandbox × verdict cell, end to end', () => {
  for (const approval of ['untrusted', 'on-failure', 'on-request', 'never'] as ApprovalPolicy[]) {
    for (const [mode, sandbox] of Object.entries(sandboxes)) {
      for (const verdict of ['allow', 'prompt', 'forbidden'] as PolicyVerdict[]) {
        for (const escalate of [false, true]) {
          const escalating = escalate && mode !== 'danger-full-access'
          const want =
            verdict === 'forbidden'
              ? 'reject'
              : escalating
                ? approval === 'on-request'
                  ? 'ask'
                  : 'reject'
                : verdict === 'prompt'
                  ? approval === 'never'
                    ? 'reject'
                    : 'ask'
                  : 'run'
          it(`${approval} × ${mode} × ${verdict}${escalate ? ' × escalate' : ''}: ${want}`, async () => {
            const {
              events,
              sandbox: fake,
              runner,
              model,
            } = await runCell({ approval, sandbox, verdict, escalate })
            const asked = find(events, 'exec_approval_request')
            expect(asked.length).toBe(want === 'ask' ? 1 : 0)
            const ran = runner.requests.length === 1
            expect(ran).toBe(want !== 'reject')
            if (ran) {
              // Confined exactly when a sandbox exists and the model did not (successfully) escalate.
              expect(fake.wrapped.length).toBe(mode !== 'danger-full-access' && !escalate ? 1 : 0)
              expect(find(events, 'exec_command_end')[0]?.stdout).toBe('cell\n')
            } else {
              expect(find(events, 'exec_command_begin')).toHaveLength(0)
              const output = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
              expect(output).toMatchObject({ is_error: true })
            }
            expect(find(events, 'turn_complete')).toHaveLength(1)
          })
        }
      }
    }
  }
})

describe('approval answers', () => {
  it('a denial is returned to the model with the user feedback, and nothing runs', async () => {
    const made = await makeAgent(
      [[reply.toolCall('shell', { command: ['touch', 'x'] })], [reply.text('ok')]],
      {
        approvalPolicy: 'untrusted',
        policy: new FakePolicy('prompt'),
      },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request') {
          await agent?.submit({
            type: 'exec_approval',
            id: e.msg.call_id,
            decision: 'denied',
            feedback: 'use ls instead',
          })
        }
      },
    })
    expect(made.runner.requests).toHaveLength(0)
    const output = made.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(output).toMatchObject({ is_error: true, output: 'the user denied the command: use ls instead' })
  })

  it('abort stops the whole turn', async () => {
    const { events, runner } = await runCell({
      approval: 'on-request',
      sandbox: sandboxes['workspace-write'] as SandboxPolicy,
      verdict: 'prompt',
      escalate: false,
      answer: 'abort',
    })
    expect(runner.requests).toHaveLength(0)
    expect(find(events, 'turn_aborted')[0]?.reason).toBe('interrupted')
  })

  it('approved_for_session remembers the exact command, not others', async () => {
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['echo', 'a'] })],
        [reply.toolCall('shell', { command: ['echo', 'a'] })],
        [reply.toolCall('shell', { command: ['echo', 'b'] })],
        [reply.text('done')],
      ],
      { approvalPolicy: 'on-request', policy: new FakePolicy('prompt') },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request') {
          await agent?.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved_for_session' })
        }
      },
    })
    expect(find(events, 'exec_approval_request').map((r) => r.command)).toEqual([
      ['echo', 'a'],
      ['echo', 'b'],
    ])
    expect(made.runner.requests).toHaveLength(3)
  })

  it('approved_for_session with a prefix covers every command starting with it', async () => {
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['echo', 'one'] })],
        [reply.toolCall('shell', { command: ['echo', 'two'] })],
        [reply.toolCall('shell', { command: ['printf', 'x'] })],
        [reply.text('done')],
      ],
      { approvalPolicy: 'untrusted', policy: new FakePolicy('prompt') },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request') {
          await agent?.submit({
            type: 'exec_approval',
            id: e.msg.call_id,
            decision: 'approved_for_session',
            prefix: ['echo'],
          })
        }
      },
    })
    expect(find(events, 'exec_approval_request').map((r) => r.command[0])).toEqual(['echo', 'printf'])
  })

  it('sessionGrants() hands the approved_for_session answers to the next agent of the session, which does not ask again', async () => {
    const script = () => [
      [reply.toolCall('shell', { command: ['echo', 'a'] })],
      [reply.toolCall('shell', { command: ['git', 'status'] })],
      [reply.toolCall('shell', { command: ['echo', 'b'] })],
      [reply.text('done')],
    ]
    const first = await makeAgent(script(), { approvalPolicy: 'untrusted', policy: new FakePolicy('prompt') })
    agent = first.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type !== 'exec_approval_request') return
        const prefix = e.msg.command[0] === 'git' ? { prefix: ['git'] } : {}
        await agent?.submit({
          type: 'exec_approval',
          id: e.msg.call_id,
          decision: e.msg.command[1] === 'b' ? 'approved' : 'approved_for_session',
          ...prefix,
        })
      },
    })
    const grants = first.agent.sessionGrants()
    expect(grants).toEqual([
      { type: 'command', command: ['echo', 'a'] },
      { type: 'prefix', prefix: ['git'] },
    ])
    await first.agent.shutdown()

    const next = await makeAgent(script(), {
      approvalPolicy: 'untrusted',
      policy: new FakePolicy('prompt'),
      sessionGrants: JSON.parse(JSON.stringify(grants)),
    })
    agent = next.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'exec_approval_request')
          await agent?.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved' })
      },
    })
    // Only the command approved once (not for the session) is asked about again.
    expect(find(events, 'exec_approval_request').map((r) => r.command)).toEqual([['echo', 'b']])
    expect(next.runner.requests).toHaveLength(3)
    expect(next.agent.sessionGrants()).toEqual(grants)
  })

  it('an answer for an unknown request is an error naming op.id, and the agent keeps working', async () => {
    const made = await makeAgent([[reply.text('hi')]])
    agent = made.agent
    const id = await agent.submit({ type: 'exec_approval', id: 'nope', decision: 'approved' })
    const err = await agent
      .nextEvent()
      .then(async (e) => (e.msg.type === 'session_configured' ? agent?.nextEvent() : e))
    expect(err?.id).toBe(id)
    expect(err?.msg).toMatchObject({ type: 'error', kind: 'invalid_op' })
    expect(err?.msg.type === 'error' && err.msg.message).toContain('op.id')
  })
})

describe('sandbox denial → escalation', () => {
  const denyTouch = () => new FakeSandbox({ deny: (argv) => argv[0] === 'sh' })
  const script = ['sh', '-c', 'echo made > f.txt && cat f.txt']

  for (const approval of ['untrusted', 'on-failure', 'on-request'] as ApprovalPolicy[]) {
    it(`${approval}: asks "retry without the sandbox?" and reruns unconfined when approved`, async () => {
      const { events, runner } = await runCell({
        approval,
        sandbox: sandboxes['workspace-write'] as SandboxPolicy,
        verdict: 'allow',
        escalate: false,
        sandboxImpl: denyTouch(),
        command: script,
      })
      const asks = find(events, 'exec_approval_request')
      expect(asks).toHaveLength(1)
      expect(asks[0]?.retry_without_sandbox).toBe(true)
      expect(runner.requests).toHaveLength(2)
      const end = find(events, 'exec_command_end')
      expect(end).toHaveLength(1)
      expect(end[0]).toMatchObject({ exit_code: 0, stdout: 'made\n' })
    })
  }

  it('never: reports the denial to the model without asking', async () => {
    const { events, runner, model } = await runCell({
      approval: 'never',
      sandbox: sandboxes['workspace-write'] as SandboxPolicy,
      verdict: 'allow',
      escalate: false,
      sandboxImpl: denyTouch(),
      command: script,
    })
    expect(find(events, 'exec_approval_request')).toHaveLength(0)
    expect(runner.requests).toHaveLength(1)
    const output = model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(JSON.stringify(output)).toContain(
      'the approval policy is never, so it cannot be rerun outside the sandbox',
    )
  })

  it('a declined retry leaves the failure and says so', async () => {
    const { events, runner, model } = await runCell({
      approval: 'on-failure',
      sandbox: sandboxes['read-only'] as SandboxPolicy,
      verdict: 'allow',
      escalate: false,
      sandboxImpl: denyTouch(),
      command: script,
      answer: 'denied',
    })
    expect(find(events, 'exec_approval_request')).toHaveLength(1)
    expect(runner.requests).toHaveLength(1)
    expect(JSON.stringify(model.requests[1]?.input)).toContain(
      'the user declined to rerun it without the sandbox',
    )
  })

  it('does not ask twice when the user already approved this command (Codex behaviour)', async () => {
    const { events, runner } = await runCell({
      approval: 'untrusted',
      sandbox: sandboxes['workspace-write'] as SandboxPolicy,
      verdict: 'prompt',
      escalate: false,
      sandboxImpl: denyTouch(),
      command: script,
    })
    expect(find(events, 'exec_approval_request')).toHaveLength(1)
    expect(find(events, 'exec_approval_request')[0]?.retry_without_sandbox).toBeUndefined()
    expect(runner.requests).toHaveLength(2)
  })

  it('a sandbox that cannot start fails closed: nothing runs unconfined', async () => {
    const { events, runner } = await runCell({
      approval: 'never',
      sandbox: sandboxes['workspace-write'] as SandboxPolicy,
      verdict: 'allow',
      escalate: false,
      sandboxImpl: new FakeSandbox({
        unavailable: 'bubblewrap is not installed: apt-get install bubblewrap',
      }),
    })
    expect(runner.requests).toHaveLength(0)
    expect(find(events, 'exec_command_end')[0]?.stderr).toContain(
      'sandbox unavailable, the command was not run: bubblewrap is not installed',
    )
  })
})
