// Durable steps: an agent over a recording journal (the testing kit's MemoryJournal) replays a
// turn after a simulated crash without running finished steps again. Side effects are counted in
// real files written by real commands; model requests are counted at a real HTTP mock server.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import type { Event } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type Agent,
  type AgentOptions,
  defineTool,
  MemorySessionStore,
  type SteeringInbox,
  type SteeringMessage,
} from '../src/index.js'
import {
  collectUntil,
  FakePolicy,
  MemoryApprovalGate,
  MemoryJournal,
  MemoryWorkspaceTracker,
  RecordingHookRunner,
  reply,
  ScriptedModel,
} from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent, tempDir } from './helpers.js'
import { mockModelClient } from './mock-provider.js'

const agents: Agent[] = []
let server: MockProviderServer | undefined
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.shutdown().catch(() => undefined)
  await server?.close()
  server = undefined
})

/** Appends a line to `file` in the cwd: one line per execution. */
function appendTo(file: string, id: string): MockTurn {
  return {
    toolCalls: [{ name: 'shell', arguments: { command: ['sh', '-c', `echo ran >> ${file}`] }, id }],
  }
}

function lines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}

/** An agent over the mock server with `journal`; a new one per "worker". */
async function worker(cwd: string, options: Partial<AgentOptions>): Promise<Agent> {
  if (!server) throw new Error('start the mock server first')
  const { agent } = await makeAgent([], {
    cwd,
    model: mockModelClient(server),
    modelName: 'mock-model',
    sessionId: 'durable-session',
    ...options,
  })
  agents.push(agent)
  return agent
}

async function runTurn(agent: Agent, text = 'go'): Promise<Event[]> {
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text }] })
  return collectUntil(agent, isTurnEnd, { timeoutMs: 30_000 })
}

const TWO_COMMANDS: MockTurn[] = [appendTo('a.txt', 'call_a'), appendTo('b.txt', 'call_b'), { text: 'done' }]

describe('a turn over a step journal', () => {
  it('names its steps as a list and replays them in the same order, emitting the same events', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: TWO_COMMANDS })
    const cwd = tempDir()
    const journal = new MemoryJournal()
    const firstStore = new MemorySessionStore()
    const first = await worker(cwd, { journal, store: firstStore })
    const original = await runTurn(first)
    expect(find(original, 'turn_complete')[0]?.last_agent_message).toBe('done')
    expect(journal.calls).toEqual([
      'session/start',
      'turn/1/input',
      'turn/1/steer/1',
      'turn/1/sample/1',
      'turn/1/tool/call_a',
      'turn/1/steer/2',
      'turn/1/sample/2',
      'turn/1/tool/call_b',
      'turn/1/steer/3',
      'turn/1/sample/3',
    ])
    // Deltas inside a step are not emitted with a journal; whole items are.
    expect(find(original, 'agent_message_delta')).toEqual([])

    const replay = journal.fork()
    const store = new MemorySessionStore()
    const second = await worker(cwd, { journal: replay, store })
    const replayed = await runTurn(second)
    expect(replay.calls).toEqual(journal.calls)
    expect(replay.executed).toEqual([])
    expect(replayed).toEqual(original)
    expect(server.requests).toHaveLength(3)
    expect([lines(join(cwd, 'a.txt')), lines(join(cwd, 'b.txt'))]).toEqual([1, 1])
    // The rollout's timestamps come from the journal: the replayed rollout is the same.
    await second.flush()
    await first.flush()
    expect(second.sessionId).toBe(first.sessionId)
    expect((await store.load(second.sessionId)).lines).toEqual((await firstStore.load(first.sessionId)).lines)
  })

  it.each([2, 3, 4, 5, 7, 8, 9])(
    'a worker crashing after %i recorded steps: the next one finishes the turn, finished calls and requests are not repeated',
    async (k) => {
      server = await startMockProviderServer({ wire: 'responses', turns: TWO_COMMANDS })
      const cwd = tempDir()
      const journal = new MemoryJournal([], { crashAfter: k })
      const crashed = await runTurn(await worker(cwd, { journal }))
      expect(find(crashed, 'turn_aborted')).toHaveLength(1)
      expect(journal.entries.filter(Boolean)).toHaveLength(k)

      const next = journal.fork()
      const events = await runTurn(await worker(cwd, { journal: next }))
      expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('done')
      expect(next.calls.slice(0, k)).toEqual(journal.calls.slice(0, k))
      expect(next.executed).toEqual(next.calls.slice(k))
      // Each command ran exactly once across both workers; each model request was sent once.
      expect([lines(join(cwd, 'a.txt')), lines(join(cwd, 'b.txt'))]).toEqual([1, 1])
      expect(server.requests).toHaveLength(3)
      // The replayed requests carried the same history: the last one has both results.
      const last = JSON.stringify(server.requests[2]?.body)
      expect(last).toContain('call_a')
      expect(last).toContain('call_b')
    },
  )

  it('the step running at a crash runs again with the same AGENT_STEP_ID, so a command can act once', async () => {
    // Acts only if no marker for its step id exists; logs what it did on each run.
    const script = [
      'marker="done-$(printf %s "$AGENT_STEP_ID" | tr / _)"',
      'if [ -e "$marker" ]; then echo skipped >> log.txt; else touch "$marker"; echo acted >> log.txt; fi',
    ].join('; ')
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [{ name: 'shell', arguments: { command: ['sh', '-c', script] }, id: 'call_i' }] },
        { text: 'done' },
      ],
    })
    const cwd = tempDir()
    const journal = new MemoryJournal([], { crashWhile: 'turn/1/tool/call_i' })
    await runTurn(await worker(cwd, { journal }))
    const next = journal.fork()
    const events = await runTurn(await worker(cwd, { journal: next }))
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('done')
    expect(next.executed).toContain('turn/1/tool/call_i')
    expect(readFileSync(join(cwd, 'log.txt'), 'utf8')).toBe('acted\nskipped\n')
    expect(readFileSync(join(cwd, 'done-turn_1_tool_call_i'), 'utf8')).toBe('')
  })

  it('gives the command its step id in AGENT_STEP_ID (and nothing without a journal)', async () => {
    const cwd = tempDir()
    const script = () => [
      [
        reply.toolCall(
          'shell',
          { command: ['sh', '-c', 'printf %s "$AGENT_STEP_ID" > step-id.txt'] },
          'call_x',
        ),
      ],
      [reply.text('ok')],
    ]
    const journaled = await makeAgent(script(), { cwd, journal: new MemoryJournal() })
    agents.push(journaled.agent)
    await runTurn(journaled.agent)
    expect(readFileSync(join(cwd, 'step-id.txt'), 'utf8')).toBe('turn/1/tool/call_x')

    const plain = await makeAgent(script(), { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } })
    agents.push(plain.agent)
    await runTurn(plain.agent)
    expect(readFileSync(join(cwd, 'step-id.txt'), 'utf8')).toBe('')
  })

  it('with a journal, deltas go live to onStreamingEvent (not events), and a replay does not repeat them', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'streamed answer here' }] })
    const cwd = tempDir()
    const journal = new MemoryJournal()
    const streamed: Event[] = []
    const events = await runTurn(await worker(cwd, { journal, onStreamingEvent: (e) => streamed.push(e) }))
    expect(find(events, 'agent_message_delta')).toEqual([])
    const text = streamed.flatMap((e) => (e.msg.type === 'agent_message_delta' ? [e.msg.delta] : [])).join('')
    expect(text).toBe('streamed answer here')
    // Tagged with the turn's submission, like its events.
    const turnSub = events.find((e) => e.msg.type === 'turn_complete')?.id
    expect(streamed.length).toBeGreaterThan(1)
    expect(streamed.every((e) => e.id === turnSub)).toBe(true)

    const replayed: Event[] = []
    await runTurn(await worker(cwd, { journal: journal.fork(), onStreamingEvent: (e) => replayed.push(e) }))
    expect(replayed).toEqual([])
  })

  it('steering from a SteeringInbox joins the turn at the next request; a replay takes it from the journal', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: TWO_COMMANDS })
    const cwd = tempDir()
    // The inbox holds a message once the first command has run; `take` is a journal step, as a
    // durable engine makes it.
    const inboxOver = (journal: MemoryJournal, pending: SteeringMessage[]): SteeringInbox => ({
      take: ({ turnId, request }) =>
        journal.run(`inbox/${turnId}/${request}`, async () =>
          lines(join(cwd, 'a.txt')) > 0 ? pending.splice(0) : [],
        ),
    })
    const journal = new MemoryJournal([], { crashAfter: 9 })
    const crashed = await runTurn(
      await worker(cwd, { journal, steeringInbox: inboxOver(journal, [{ text: 'use b.txt next' }]) }),
    )
    expect(find(crashed, 'user_message').map((m) => m.message)).toEqual(['go', 'use b.txt next'])
    expect(journal.calls.slice(0, 8)).toEqual([
      'session/start',
      'turn/1/input',
      'inbox/1/1',
      'turn/1/steer/1',
      'turn/1/sample/1',
      'turn/1/tool/call_a',
      'inbox/1/2',
      'turn/1/steer/2',
    ])
    // The second request carried the steering text after the first command's result.
    const second = JSON.stringify(server.requests[1]?.body)
    expect(second.indexOf('use b.txt next')).toBeGreaterThan(second.indexOf('call_a'))

    // A new worker with an empty inbox replays the recorded take: the message is not lost, not doubled.
    const next = journal.fork()
    const events = await runTurn(await worker(cwd, { journal: next, steeringInbox: inboxOver(next, []) }))
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('done')
    expect(find(events, 'user_message').map((m) => m.message)).toEqual(['go', 'use b.txt next'])
    expect(server.requests).toHaveLength(3)
    const last = JSON.stringify(server.requests[2]?.body)
    expect(last.split('use b.txt next')).toHaveLength(2)
  })

  it('starts parallel read-only calls in the model order, before any finishes; results keep that order', async () => {
    const finished: string[] = []
    const done = new Map<string, () => void>()
    const waits = new Map<string, Promise<void>>()
    for (const tag of ['one', 'two', 'three']) {
      waits.set(tag, new Promise<void>((resolve) => done.set(tag, resolve)))
    }
    // `one` finishes after `two`, which finishes after `three`: they can only finish if all run together.
    const ordered = defineTool<{ tag: string; after?: string }>({
      name: 'ordered',
      description: 'Finishes after another call',
      parameters: z.object({ tag: z.string(), after: z.string().optional() }),
      readOnly: true,
      async handle(args) {
        if (args.after) await waits.get(args.after)
        finished.push(args.tag)
        done.get(args.tag)?.()
        return { output: `finished ${args.tag}` }
      },
    })
    const script = () => [
      [
        reply.toolCall('ordered', { tag: 'one', after: 'two' }, 'c1'),
        reply.toolCall('ordered', { tag: 'two', after: 'three' }, 'c2'),
        reply.toolCall('ordered', { tag: 'three' }, 'c3'),
      ],
      [reply.text('all done')],
    ]
    const journal = new MemoryJournal()
    const model = new ScriptedModel(script())
    const { agent } = await makeAgent([], { model, tools: [ordered], journal })
    agents.push(agent)
    await runTurn(agent)
    expect(finished).toEqual(['three', 'two', 'one'])
    const tools = journal.calls.filter((n) => n.includes('/tool/'))
    expect(tools).toEqual(['turn/1/tool/c1', 'turn/1/tool/c2', 'turn/1/tool/c3'])
    const outputs = model.requests[1]?.input.filter((i) => i.type === 'function_call_output')
    expect(outputs?.map((o) => (o.type === 'function_call_output' ? o.call_id : ''))).toEqual([
      'c1',
      'c2',
      'c3',
    ])

    // Replayed: the same order, and no tool runs again.
    finished.length = 0
    const replay = journal.fork()
    const again = await makeAgent([], { model: new ScriptedModel([]), tools: [ordered], journal: replay })
    agents.push(again.agent)
    const events = await runTurn(again.agent)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('all done')
    expect(replay.calls).toEqual(journal.calls)
    expect(finished).toEqual([])
  })
})

describe('hooks and sessions over a journal', () => {
  it('runs turn-level hooks as steps, tool hooks inside the tool step; a replay runs no hook', async () => {
    const script = () => [[reply.toolCall('echo', { text: 'hi' }, 'call_e')], [reply.text('done')]]
    const hooks = new RecordingHookRunner()
    const journal = new MemoryJournal()
    const { agent, cwd } = await makeAgent(script(), { hooks, journal })
    agents.push(agent)
    const original = await runTurn(agent)
    expect(journal.calls).toEqual([
      'session/start',
      'session/hook/SessionStart/1',
      'turn/1/hook/UserPromptSubmit/1',
      'turn/1/input',
      'turn/1/steer/1',
      'turn/1/hook/BeforeModelRequest/1',
      'turn/1/sample/1',
      'turn/1/hook/AfterModelResponse/1',
      'turn/1/tool/call_e',
      'turn/1/steer/2',
      'turn/1/hook/BeforeModelRequest/2',
      'turn/1/sample/2',
      'turn/1/hook/AfterModelResponse/2',
      'turn/1/hook/Stop/1',
    ])
    expect(hooks.events).toContain('PreToolUse:echo')
    const seen = hooks.inputs.length

    const replay = journal.fork()
    const again = await makeAgent([], { cwd, model: new ScriptedModel([]), hooks, journal: replay })
    agents.push(again.agent)
    expect(await runTurn(again.agent)).toEqual(original)
    expect(hooks.inputs.length).toBe(seen)
  })

  it('takes the workspace snapshot and the turn diff as steps; a replay emits the recorded diff', async () => {
    const script = () => [
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo new > made.txt'] }, 'call_w')],
      [reply.text('written')],
    ]
    const journal = new MemoryJournal()
    const { agent, cwd } = await makeAgent(script(), { journal, workspace: new MemoryWorkspaceTracker() })
    agents.push(agent)
    const original = await runTurn(agent)
    expect(find(original, 'turn_diff')[0]?.unified_diff).toContain('+new')
    expect(journal.calls).toEqual(expect.arrayContaining(['turn/1/snapshot', 'turn/1/diff']))
    expect(journal.calls.indexOf('turn/1/snapshot')).toBeLessThan(journal.calls.indexOf('turn/1/tool/call_w'))

    const replay = journal.fork()
    const again = await makeAgent([], {
      cwd,
      model: new ScriptedModel([]),
      journal: replay,
      workspace: new MemoryWorkspaceTracker(),
    })
    agents.push(again.agent)
    expect(await runTurn(again.agent)).toEqual(original)
    expect(replay.executed).toEqual([])
  })

  it('a new worker rebuilds the session from the rollout lines the adapter kept', async () => {
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ text: 'first answer' }, { text: 'second answer' }],
    })
    const cwd = tempDir()
    const store = new MemorySessionStore()
    const first = await worker(cwd, { journal: new MemoryJournal(), store })
    await runTurn(first, 'remember the word heliotrope')
    await first.flush()
    const saved = (await store.load(first.sessionId)).lines

    // Another worker, another process: only the saved lines come along.
    const restored = new MemorySessionStore()
    const sessionId = restored.import(saved)
    const second = await worker(cwd, {
      journal: new MemoryJournal(),
      store: restored,
      session: { type: 'resume', sessionId },
    })
    expect(second.sessionId).toBe(first.sessionId)
    const events = await runTurn(second, 'which word?')
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('second answer')
    const request = JSON.stringify(server.requests[1]?.body)
    expect(request).toContain('heliotrope')
    expect(request).toContain('first answer')
    expect(() => new MemorySessionStore().import(saved.slice(1))).toThrow(
      /first rollout line must be session_meta/,
    )
  })
})

describe('approvals through the gate', () => {
  it('waits between steps; answered while no worker runs, the next worker runs the command once', async () => {
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [appendTo('approved.txt', 'call_a'), { text: 'done' }],
    })
    const cwd = tempDir()
    const gate = new MemoryApprovalGate()
    const journal = new MemoryJournal()
    const options = {
      journal,
      approvals: gate,
      approvalPolicy: 'on-request' as const,
      policy: new FakePolicy('prompt'),
    }
    const first = await worker(cwd, options)
    const waiting = gate.nextWait()
    await first.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const wait = await waiting
    expect(wait).toMatchObject({ callId: 'call_a', toolCallId: 'call_a', turnId: '1', kind: 'exec' })
    expect(journal.running).toBe(0)
    expect(journal.calls.at(-1)).toBe('turn/1/tool/call_a')
    expect(lines(join(cwd, 'approved.txt'))).toBe(0)
    const seen = await collectUntil(first, (e) => e.msg.type === 'exec_approval_request')
    expect(find(seen, 'exec_approval_request')[0]?.call_id).toBe('call_a')

    // The worker dies; the user answers while none runs; a new worker picks the turn up.
    const next = journal.fork()
    await first.shutdown()
    gate.answer('call_a', 'approved')
    // The engine runs the same invocation again on the new worker: the same prompt goes in.
    const second = await worker(cwd, { ...options, journal: next })
    const events = await runTurn(second)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('done')
    expect(find(events, 'exec_approval_request').map((e) => e.call_id)).toEqual(['call_a'])
    expect(next.executed).toEqual(['turn/1/tool/call_a/2', 'turn/1/steer/2', 'turn/1/sample/2'])
    expect(lines(join(cwd, 'approved.txt'))).toBe(1)
    expect(server.requests).toHaveLength(2)
  })

  it('with a journal and no gate, the exec_approval op answers between steps', async () => {
    const cwd = tempDir()
    const journal = new MemoryJournal()
    const model = new ScriptedModel([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo ran >> op.txt'] }, 'call_o')],
      [reply.text('ok')],
    ])
    const { agent } = await makeAgent([], {
      cwd,
      model,
      journal,
      approvalPolicy: 'on-request',
      policy: new FakePolicy('prompt'),
    })
    agents.push(agent)
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type !== 'exec_approval_request') return
        expect(journal.running).toBe(0)
        await agent.submit({ type: 'exec_approval', id: e.msg.call_id, decision: 'approved' })
      },
    })
    expect(journal.calls.filter((n) => n.includes('/tool/'))).toEqual([
      'turn/1/tool/call_o',
      'turn/1/tool/call_o/2',
    ])
    expect(lines(join(cwd, 'op.txt'))).toBe(1)
  })

  it('a tool’s attemptState saved before its approval comes back in the attempt after the answer', async () => {
    const cwd = tempDir()
    const gate = new MemoryApprovalGate()
    gate.answer('call_s', 'approved')
    const seen: unknown[] = []
    const staged = defineTool<Record<string, never>>({
      name: 'staged',
      description: 'does work, then asks',
      parameters: z.object({}),
      readOnly: false,
      async handle(_args, context) {
        seen.push(context.attemptState?.value)
        context.attemptState?.save({ done: ['first half'] })
        const answer = await context.askApproval({ type: 'exec_approval_request', command: ['finish'], cwd })
        return { output: `answer: ${answer.decision}` }
      },
    })
    const model = new ScriptedModel([[reply.toolCall('staged', {}, 'call_s')], [reply.text('ok')]])
    const journal = new MemoryJournal()
    const { agent } = await makeAgent([], { cwd, model, journal, approvals: gate, tools: [staged] })
    agents.push(agent)
    await runTurn(agent)
    expect(seen).toEqual([undefined, { done: ['first half'] }])
    expect(journal.calls.filter((n) => n.includes('/tool/'))).toEqual([
      'turn/1/tool/call_s',
      'turn/1/tool/call_s/2',
    ])
    expect(JSON.stringify(model.requests[1]?.input)).toContain('answer: approved')
    // Without a journal there are no attempts, and no state.
    seen.length = 0
    const direct = await makeAgent([], {
      cwd,
      tools: [staged],
      model: new ScriptedModel([[reply.toolCall('staged', {}, 'call_s')], [reply.text('ok')]]),
      approvals: gate,
    })
    agents.push(direct.agent)
    await runTurn(direct.agent)
    expect(seen).toEqual([undefined])
  })

  it('a denial through the gate reaches the model, and nothing runs', async () => {
    const cwd = tempDir()
    const gate = new MemoryApprovalGate()
    gate.answer('call_d', { decision: 'denied', feedback: 'not today' })
    const model = new ScriptedModel([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo ran >> denied.txt'] }, 'call_d')],
      [reply.text('ok')],
    ])
    const { agent } = await makeAgent([], {
      cwd,
      model,
      journal: new MemoryJournal(),
      approvals: gate,
      approvalPolicy: 'on-request',
      policy: new FakePolicy('prompt'),
    })
    agents.push(agent)
    await runTurn(agent)
    expect(lines(join(cwd, 'denied.txt'))).toBe(0)
    expect(JSON.stringify(model.requests[1]?.input)).toContain('not today')
  })

  it('without a journal the gate answers in place of the approval ops', async () => {
    const cwd = tempDir()
    const gate = new MemoryApprovalGate()
    const model = new ScriptedModel([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo ran >> gated.txt'] }, 'call_g')],
      [reply.text('ok')],
    ])
    const { agent } = await makeAgent([], {
      cwd,
      model,
      approvals: gate,
      approvalPolicy: 'on-request',
      policy: new FakePolicy('prompt'),
    })
    agents.push(agent)
    const waiting = gate.nextWait()
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    expect((await waiting).callId).toBe('call_g')
    gate.answer('call_g', 'approved')
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_complete')).toHaveLength(1)
    expect(lines(join(cwd, 'gated.txt'))).toBe(1)
  })
})

describe('generic tool-call events over a journal', () => {
  const asking = defineTool<{ url: string }>({
    name: 'fetchy',
    description: 'asks before it fetches',
    parameters: z.object({ url: z.string() }),
    readOnly: false,
    async handle(args, ctx) {
      const answer = await ctx.askApproval({
        type: 'exec_approval_request',
        command: ['fetch', args.url],
        cwd: ctx.cwd,
      })
      return answer.decision === 'approved'
        ? { output: `fetched ${args.url}` }
        : { output: 'refused', isError: true }
    },
  })

  it('a call split by an approval begins once and ends once, and a replay emits the same events', async () => {
    const cwd = tempDir()
    const gate = new MemoryApprovalGate()
    gate.answer('call_f', 'approved')
    const journal = new MemoryJournal()
    const script = () =>
      new ScriptedModel([
        [reply.toolCall('fetchy', { url: 'https://example.test' }, 'call_f')],
        [reply.text('ok')],
      ])
    const options = { cwd, journal, approvals: gate, approvalPolicy: 'on-request' as const, tools: [asking] }
    const { agent } = await makeAgent([], { ...options, model: script(), sessionId: 's-fetchy' })
    agents.push(agent)
    const events = await runTurn(agent)
    expect(journal.calls.filter((n) => n.includes('/tool/'))).toEqual([
      'turn/1/tool/call_f',
      'turn/1/tool/call_f/2',
    ])
    expect(find(events, 'tool_call_begin')).toEqual([
      {
        type: 'tool_call_begin',
        call_id: 'call_f',
        tool: 'fetchy',
        arguments: { url: 'https://example.test' },
      },
    ])
    expect(find(events, 'tool_call_end')).toMatchObject([
      { call_id: 'call_f', tool: 'fetchy', success: true, output: 'fetched https://example.test' },
    ])

    const replay = journal.fork()
    const again = await makeAgent([], { ...options, journal: replay, model: script(), sessionId: 's-fetchy' })
    agents.push(again.agent)
    const replayed = await runTurn(again.agent)
    expect(replay.executed).toEqual([])
    expect(replayed.filter((e) => e.msg.type.startsWith('tool_call'))).toEqual(
      events.filter((e) => e.msg.type.startsWith('tool_call')),
    )
  })
})
