// What the model is told (project docs, environment), compaction, turn diffs and undo, patch
// approvals and interactive process starts through the orchestrator.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type Agent,
  defineTool,
  readProjectDocs,
  type ToolDefinition,
  ToolRejectedError,
} from '../src/index.js'
import {
  collectUntil,
  FakePolicy,
  MemoryWorkspaceTracker,
  PipeProcessSessions,
  reply,
  ScriptedModel,
} from '../src/testing/index.js'
import { find, isTurnEnd, makeAgent, shellTool, tempDir } from './helpers.js'

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

const input = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] })

describe('project instructions and environment', () => {
  it('reads AGENTS.md from the repo root down to cwd, and CLAUDE.md where present', async () => {
    const root = tempDir()
    mkdirSync(join(root, '.git'))
    mkdirSync(join(root, 'pkg', 'sub'), { recursive: true })
    writeFileSync(join(root, 'AGENTS.md'), 'root rules')
    writeFileSync(join(root, 'pkg', 'CLAUDE.md'), 'claude rules')
    writeFileSync(join(root, 'pkg', 'sub', 'AGENTS.md'), 'sub rules')
    const cwd = join(root, 'pkg', 'sub')
    const docs = await readProjectDocs(cwd)
    expect(docs.map((d) => d.text)).toEqual(['root rules', 'claude rules', 'sub rules'])
    expect(await readProjectDocs(cwd, { enabled: false })).toEqual([])
    expect((await readProjectDocs(cwd, { maxBytes: 12 })).map((d) => d.text)).toEqual(['root rules', 'cl'])

    const made = await makeAgent([[reply.text('ok')]], {
      cwd,
      projectDoc: {},
      userInstructions: 'be brief',
      approvalPolicy: 'on-request',
      sandboxPolicy: { type: 'workspace-write', writable_roots: ['/data'], network_access: true },
    })
    agent = made.agent
    await agent.submit(input('hi'))
    await collectUntil(agent, isTurnEnd)
    const preamble = made.model.requests[0]?.input[0]
    const text =
      preamble?.type === 'message' && preamble.content[0]?.type === 'input_text'
        ? preamble.content[0].text
        : ''
    expect(text.indexOf('be brief')).toBeLessThan(text.indexOf('root rules'))
    expect(text.indexOf('root rules')).toBeLessThan(text.indexOf('sub rules'))
    expect(text).toContain(`<cwd>${cwd}</cwd>`)
    expect(text).toContain('<approval_policy>on-request</approval_policy>')
    expect(text).toContain('<sandbox_mode>workspace-write</sandbox_mode>')
    expect(text).toContain('<network_access>enabled</network_access>')
    expect(text).toContain('<root>/data</root>')
    expect(made.model.requests[0]?.instructions).toContain('coding agent')
  })
})

describe('compaction', () => {
  it('compacts automatically past the threshold: summary plus recent user messages, context_compacted', async () => {
    const made = await makeAgent(
      [
        [reply.text('first answer'), reply.usage(950, 10)],
        [reply.text('SUMMARY: user asked twice')],
        [reply.text('second answer'), reply.usage(200, 10)],
      ],
      { contextWindow: 1000 },
    )
    agent = made.agent
    await agent.submit(input('question one'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit(input('question two'))
    const events = await collectUntil(agent, isTurnEnd)
    const compacted = find(events, 'context_compacted')[0]
    expect(compacted?.tokens_before).toBe(960)
    expect(compacted?.tokens_after).toBeLessThan(960)
    // The summary request had no tools; the next request carries the summary, not the old answer.
    expect(made.model.requests[1]?.tools).toEqual([])
    const after = made.model.requests[2]?.input ?? []
    expect(
      after.some((i) => i.type === 'compaction_summary' && i.summary === 'SUMMARY: user asked twice'),
    ).toBe(true)
    expect(JSON.stringify(after)).toContain('question one')
    expect(JSON.stringify(after)).toContain('question two')
    expect(JSON.stringify(after)).not.toContain('first answer')
  })

  it('compacts on request, and a failed summary leaves the history alone', async () => {
    const made = await makeAgent([
      [reply.text('a')],
      [reply.error('overloaded')],
      [reply.text('short summary')],
      [reply.text('b')],
    ])
    agent = made.agent
    await agent.submit(input('one'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit({ type: 'compact' })
    const failed = await collectUntil(agent, (e) => e.msg.type === 'warning')
    expect(find(failed, 'warning')[0]?.message).toBe(
      'compaction failed, the history is unchanged: overloaded',
    )
    await agent.submit({ type: 'compact' })
    await collectUntil(agent, (e) => e.msg.type === 'context_compacted')
    await agent.submit(input('two'))
    await collectUntil(agent, isTurnEnd)
    const sent = made.model.requests[3]?.input ?? []
    expect(sent.filter((i) => i.type === 'compaction_summary')).toHaveLength(1)
  })
})

describe('turn diff and undo', () => {
  it('emits the turn diff of files changed by commands, and undo restores them', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'keep.txt'), 'original\n')
    writeFileSync(join(cwd, 'gone.txt'), 'doomed\n')
    const made = await makeAgent(
      [
        [
          reply.toolCall('shell', {
            command: ['sh', '-c', 'echo changed > keep.txt && rm gone.txt && echo new > new.txt'],
          }),
        ],
        [reply.text('done')],
      ],
      { cwd, workspace: new MemoryWorkspaceTracker() },
    )
    agent = made.agent
    await agent.submit({ type: 'undo' })
    const early = await collectUntil(agent, (e) => e.msg.type === 'undo_completed')
    expect(find(early, 'undo_completed')[0]).toMatchObject({ success: false })
    await agent.submit(input('change things'))
    const events = await collectUntil(agent, isTurnEnd)
    const diff = find(events, 'turn_diff')[0]?.unified_diff ?? ''
    expect(diff).toContain('-original')
    expect(diff).toContain('+changed')
    expect(diff).toContain('deleted file mode')
    expect(diff).toContain('+++ b/new.txt')
    await agent.submit({ type: 'undo' })
    const undo = await collectUntil(agent, (e) => e.msg.type === 'undo_completed')
    expect(find(undo, 'undo_completed')[0]).toMatchObject({ success: true })
    expect(readFileSync(join(cwd, 'keep.txt'), 'utf8')).toBe('original\n')
    expect(readFileSync(join(cwd, 'gone.txt'), 'utf8')).toBe('doomed\n')
    expect(() => readFileSync(join(cwd, 'new.txt'))).toThrow()
  })

  /**
   * One turn whose only call writes a.txt, logging the requests, the model's answers (their
   * first event after `created`), the snapshot's start and end, and the command's start. With
   * `slowModel`, the first answer comes only once the snapshot is taken (or after 5 s, so that a
   * wrong order fails on the log instead of hanging): a model still thinking.
   */
  async function changeTurn({ slowModel }: { slowModel: boolean }) {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'a.txt'), 'before\n')
    const log: string[] = []
    let taken: () => void = () => undefined
    const snapshotTaken = new Promise<void>((resolve) => {
      taken = resolve
      setTimeout(resolve, 5000).unref()
    })
    const workspace = new (class extends MemoryWorkspaceTracker {
      override async snapshot(dir: string) {
        log.push('snapshot started')
        const snapshot = await super.snapshot(dir)
        log.push('snapshot taken')
        taken()
        return snapshot
      }
    })()
    const model = new ScriptedModel([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo after > a.txt'] })],
      [reply.text('done')],
    ])
    const stream = model.stream.bind(model)
    let requests = 0
    model.stream = (request, options) => {
      log.push('request')
      const held = slowModel && ++requests === 1
      return (async function* () {
        let first = true
        for await (const event of stream(request, options)) {
          if (first && event.type !== 'created') {
            if (held) await snapshotTaken
            log.push('answered')
            first = false
          }
          yield event
        }
      })()
    }
    const made = await makeAgent([], { cwd, model, workspace })
    agent = made.agent
    await agent.submit(input('change a'))
    const events = await collectUntil(agent, (e) => {
      if (e.msg.type === 'exec_command_begin') log.push('command')
      return isTurnEnd(e)
    })
    expect(find(events, 'turn_diff')[0]?.unified_diff).toContain('+after')
    expect(find(events, 'turn_diff')[0]?.unified_diff).toContain('-before')
    return log
  }

  it('takes the turn snapshot while a slow model answers, and finishes it before any tool runs', async () => {
    expect(await changeTurn({ slowModel: true })).toEqual([
      'request',
      'snapshot started',
      'snapshot taken',
      'answered',
      'command',
      'request',
      'answered',
    ])
  })

  it('with a model that answers at once, takes the snapshot at the first call that may change files', async () => {
    expect(await changeTurn({ slowModel: false })).toEqual([
      'request',
      'answered',
      'snapshot started',
      'snapshot taken',
      'command',
      'request',
      'answered',
    ])
  })

  it('a turn that runs nothing able to change files takes no snapshot, has no diff and leaves nothing to undo', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'a.txt'), 'before\n')
    const log: string[] = []
    const released: string[] = []
    class Tracker extends MemoryWorkspaceTracker {
      override async snapshot(dir: string) {
        log.push('snapshot')
        return super.snapshot(dir)
      }
      override async release(snapshot: Parameters<MemoryWorkspaceTracker['release']>[0]) {
        released.push(snapshot.id)
        return super.release(snapshot)
      }
    }
    const commandTool: ToolDefinition = { ...shellTool, changesFilesOnlyByCommands: true }
    const policy = {
      evaluate: (command: string[]) => ({
        decision: 'allow' as const,
        reason: 'test',
        knownSafe: command[0] === 'cat',
      }),
    }
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['sh', '-c', 'echo after > a.txt'] })],
        [reply.text('changed')],
        [reply.toolCall('shell', { command: ['cat', 'a.txt'] })],
        [reply.text('read')],
      ],
      { cwd, policy, tools: [commandTool], workspace: new Tracker() },
    )
    agent = made.agent
    await agent.submit(input('change a'))
    const first = await collectUntil(agent, isTurnEnd)
    expect(find(first, 'turn_diff')).toHaveLength(1)
    expect(log).toEqual(['snapshot'])
    await agent.submit(input('read a'))
    const second = await collectUntil(agent, isTurnEnd)
    expect(find(second, 'exec_command_end')[0]).toMatchObject({ exit_code: 0 })
    expect(find(second, 'turn_diff')).toEqual([])
    // No snapshot of its own, and the first turn's is let go: undo reverts the last turn only.
    expect(log).toEqual(['snapshot'])
    expect(released).toHaveLength(1)
    await agent.submit({ type: 'undo' })
    const undo = await collectUntil(agent, (e) => e.msg.type === 'undo_completed')
    expect(find(undo, 'undo_completed')[0]).toEqual({
      type: 'undo_completed',
      success: false,
      message: 'nothing to undo: the last turn ran nothing that could change the workspace',
    })
    expect(readFileSync(join(cwd, 'a.txt'), 'utf8')).toBe('after\n')
  })

  it('a command the policy knows to be read-only runs while the snapshot is taken; one that may write waits for it', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'a.txt'), 'before\n')
    const log: string[] = []
    // The snapshot finishes only once the test lets it (or after 5 s, so a wrong order fails on
    // the log instead of hanging): the read-only command must not be waiting for it.
    let release: () => void = () => undefined
    class HeldTracker extends MemoryWorkspaceTracker {
      override async snapshot(dir: string) {
        const snapshot = await super.snapshot(dir)
        await new Promise<void>((resolve) => {
          release = resolve
          setTimeout(resolve, 5000).unref()
        })
        log.push('snapshot taken')
        return snapshot
      }
    }
    const commandTool: ToolDefinition = { ...shellTool, changesFilesOnlyByCommands: true }
    const policy = {
      evaluate: (command: string[]) => ({
        decision: 'allow' as const,
        reason: 'test',
        knownSafe: command[0] === 'cat',
      }),
    }
    const model = new ScriptedModel([
      [reply.toolCall('shell', { command: ['cat', 'a.txt'] })],
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo after > a.txt'] })],
      [reply.text('done')],
    ])
    // The snapshot is let go a little after the second request (the one answered with the
    // writing command) goes out: that command must wait for it.
    const stream = model.stream.bind(model)
    let requests = 0
    model.stream = (request, options) => {
      if (++requests === 2) setTimeout(() => release(), 100)
      return stream(request, options)
    }
    const made = await makeAgent([], {
      cwd,
      model,
      policy,
      tools: [commandTool],
      workspace: new HeldTracker(),
    })
    agent = made.agent
    await agent.submit(input('read a, then change it'))
    const events = await collectUntil(agent, (e) => {
      if (e.msg.type === 'exec_command_begin') log.push(`begin ${e.msg.command.join(' ')}`)
      if (e.msg.type === 'exec_command_end') log.push(`end ${e.msg.exit_code}`)
      return isTurnEnd(e)
    })
    expect(log).toEqual([
      'begin cat a.txt',
      'end 0',
      'snapshot taken',
      'begin sh -c echo after > a.txt',
      'end 0',
    ])
    const diff = find(events, 'turn_diff')[0]?.unified_diff ?? ''
    expect(diff).toContain('-before')
    expect(diff).toContain('+after')
  })

  it('releases the last snapshot when the session shuts down (nothing of it outlives the session)', async () => {
    const released: string[] = []
    class CountingTracker extends MemoryWorkspaceTracker {
      override async release(snapshot: Parameters<MemoryWorkspaceTracker['release']>[0]) {
        released.push(snapshot.id)
        return super.release(snapshot)
      }
    }
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['true'] })],
        [reply.text('one')],
        [reply.toolCall('shell', { command: ['true'] })],
        [reply.text('two')],
      ],
      { workspace: new CountingTracker() },
    )
    agent = made.agent
    await agent.submit(input('first'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit(input('second'))
    await collectUntil(agent, isTurnEnd)
    // The second turn released the first's snapshot; its own is kept for undo until shutdown.
    expect(released).toHaveLength(1)
    await agent.shutdown()
    agent = undefined
    expect(released).toHaveLength(2)
    expect(new Set(released).size).toBe(2)
  })

  it('input sent right after an undo starts its turn once the workspace is restored', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'a.txt'), 'before\n')
    const made = await makeAgent(
      [
        [reply.toolCall('shell', { command: ['sh', '-c', 'echo after > a.txt'] })],
        [reply.text('changed')],
        [reply.text('ok')],
      ],
      { cwd, workspace: new MemoryWorkspaceTracker() },
    )
    agent = made.agent
    await agent.submit(input('change a'))
    await collectUntil(agent, isTurnEnd)
    await agent.submit({ type: 'undo' })
    await agent.submit(input('thanks'))
    const events = await collectUntil(agent, isTurnEnd)
    const order = events.map((e) => e.msg.type).filter((t) => t === 'undo_completed' || t === 'turn_started')
    expect(order).toEqual(['undo_completed', 'turn_started'])
    expect(find(events, 'undo_completed')[0]).toMatchObject({ success: true })
    expect(readFileSync(join(cwd, 'a.txt'), 'utf8')).toBe('before\n')
  })

  it('undo without a tracker says so', async () => {
    const made = await makeAgent([])
    agent = made.agent
    await agent.submit({ type: 'undo' })
    const events = await collectUntil(agent, (e) => e.msg.type === 'undo_completed')
    expect(find(events, 'undo_completed')[0]?.message).toBe(
      'undo needs a workspace tracker, and this session has none',
    )
  })
})

/** A tool that asks for approval of a write and reports the answer. */
const writeTool = defineTool<{ path: string; grant?: string }>({
  name: 'write',
  description: 'Writes a file',
  parameters: z.object({ path: z.string(), grant: z.string().optional() }),
  readOnly: false,
  async handle(args, ctx) {
    const approval = await ctx.approvePatch({
      changes: { [args.path]: { type: 'add', content: 'x' } },
      ...(args.grant ? { grantRoot: args.grant } : {}),
    })
    return { output: JSON.stringify(approval), isError: !approval.approved }
  },
})

describe('patch approvals', () => {
  const cases = [
    { approval: 'on-request', path: 'inside.txt', want: 'auto' },
    { approval: 'on-request', path: '/etc/outside.txt', want: 'ask' },
    { approval: 'untrusted', path: 'inside.txt', want: 'ask' },
    { approval: 'on-failure', path: '/etc/outside.txt', want: 'ask' },
    { approval: 'never', path: 'inside.txt', want: 'auto' },
    { approval: 'never', path: '/etc/outside.txt', want: 'reject' },
    { approval: 'on-request', path: '.git/config', want: 'ask' },
  ] as const
  for (const c of cases) {
    it(`${c.approval}, ${c.path}: ${c.want}`, async () => {
      const made = await makeAgent([[reply.toolCall('write', { path: c.path })], [reply.text('ok')]], {
        tools: [writeTool],
        approvalPolicy: c.approval,
      })
      agent = made.agent
      await agent.submit(input('write'))
      const events = await collectUntil(agent, isTurnEnd, {
        onEvent: async (e) => {
          if (e.msg.type === 'apply_patch_approval_request') {
            await agent?.submit({ type: 'patch_approval', id: e.msg.call_id, decision: 'approved' })
          }
        },
      })
      const asked = find(events, 'apply_patch_approval_request')
      expect(asked.length).toBe(c.want === 'ask' ? 1 : 0)
      const out = made.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
      const result = JSON.parse(out?.type === 'function_call_output' ? String(out.output) : '{}')
      expect(result.approved).toBe(c.want !== 'reject')
      if (c.want === 'auto') expect(result.autoApproved).toBe(true)
      if (c.want === 'ask') expect(result.autoApproved).toBe(false)
    })
  }

  it('approved_for_session covers the grant root afterwards', async () => {
    const made = await makeAgent(
      [
        [reply.toolCall('write', { path: '/srv/a.txt', grant: '/srv' })],
        [reply.toolCall('write', { path: '/srv/b/c.txt' })],
        [reply.text('ok')],
      ],
      { tools: [writeTool], approvalPolicy: 'on-request' },
    )
    agent = made.agent
    await agent.submit(input('write'))
    const events = await collectUntil(agent, isTurnEnd, {
      onEvent: async (e) => {
        if (e.msg.type === 'apply_patch_approval_request') {
          expect(e.msg.grant_root).toBe('/srv')
          await agent?.submit({ type: 'patch_approval', id: e.msg.call_id, decision: 'approved_for_session' })
        }
      },
    })
    expect(find(events, 'apply_patch_approval_request')).toHaveLength(1)
  })
})

describe('interactive processes', () => {
  const startTool = defineTool<{ argv: string[] }>({
    name: 'start',
    description: 'Starts a process and reads its output',
    parameters: z.object({ argv: z.array(z.string()) }),
    readOnly: false,
    async handle(args, ctx) {
      try {
        const { sessionId } = await ctx.processes.start({ argv: args.argv, cwd: '.' })
        await ctx.processes.write(sessionId, 'ping\n')
        const read = await ctx.processes.read(sessionId, { yieldTimeMs: 3000 })
        await ctx.processes.kill(sessionId)
        return { output: read.output }
      } catch (error) {
        if (error instanceof ToolRejectedError) return { output: `refused: ${error.message}`, isError: true }
        throw error
      }
    },
  })

  it('starts through policy and sandbox; a refused start is a ToolRejectedError', async () => {
    const processes = new PipeProcessSessions()
    const made = await makeAgent(
      [
        [reply.toolCall('start', { argv: ['head', '-n1'] })],
        [reply.toolCall('start', { argv: ['rm', '-rf', 'x'] })],
        [reply.text('ok')],
      ],
      {
        tools: [startTool],
        processes,
        policy: new FakePolicy((cmd) => (cmd[0] === 'rm' ? 'forbidden' : 'allow')),
      },
    )
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, isTurnEnd)
    const outs = made.model.requests[2]?.input.filter((i) => i.type === 'function_call_output') ?? []
    expect(outs[0]).toMatchObject({ output: 'ping\n' })
    expect(String(outs[1]?.type === 'function_call_output' && outs[1].output)).toMatch(
      /^refused: command forbidden by policy/,
    )
    expect(processes.started.map((s) => s.argv)).toEqual([['head', '-n1']])
    expect(processes.started[0]?.cwd).toBe(made.cwd)
    await processes.closeAll()
  })

  it('without a ProcessSessions port, tools get a clear refusal', async () => {
    const made = await makeAgent([[reply.toolCall('start', { argv: ['cat'] })], [reply.text('ok')]], {
      tools: [startTool],
    })
    agent = made.agent
    await agent.submit(input('go'))
    await collectUntil(agent, isTurnEnd)
    const out = made.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(out?.type === 'function_call_output' && out.output).toBe(
      'refused: interactive processes are not available in this session (no ProcessSessions port)',
    )
  })
})
