import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeConnection, sessionConfigured } from '../test/fake-connection.js'
import { INIT_PROMPT } from './commands.js'
import { SessionController } from './controller.js'
import { createTheme } from './render/theme.js'
import { TranscriptStore } from './transcript/store.js'

let store: TranscriptStore
afterEach(() => store?.dispose())

function setup(options: Partial<ConstructorParameters<typeof SessionController>[0]> = {}, cwd = '/tmp') {
  const connection = new FakeConnection()
  store = new TranscriptStore({
    theme: createTheme(false),
    status: { model: 'm', cwd, sandbox: 'read-only', approval: 'on-request' },
    frameMs: 0,
  })
  const onExit = vi.fn()
  const controller = new SessionController({ connection, store, onExit, ...options })
  return { connection, controller, onExit }
}
const notices = () => {
  store.flush()
  return store
    .getSnapshot()
    .committed.filter((c) => c.kind === 'notice')
    .map((c) => (c.kind === 'notice' ? c.text : ''))
}

describe('SessionController', () => {
  it('/review sends the host’s review prompt with its output schema, then shows the findings', async () => {
    const schema = { type: 'object', properties: { findings: { type: 'array' } } }
    const asked: string[] = []
    const { connection, controller } = setup({
      actions: {
        prepareReview: async (args) => {
          asked.push(args)
          if (args === '--base') throw new Error('--base needs a value')
          return { prompt: 'Review this diff', outputSchema: schema, present: (answer) => `shown: ${answer}` }
        },
      },
    })
    controller.start()
    expect(await controller.send('/review --base')).toBe(false)
    expect(notices()).toContain('Cannot review: --base needs a value')
    expect(await controller.send('/review --commit abc security')).toBe(true)
    expect(asked).toEqual(['--base', '--commit abc security'])
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'Review this diff' }], output_schema: schema },
    ])
    connection.emit({ type: 'turn_started', turn_id: '1' })
    connection.emit({ type: 'turn_complete', turn_id: '1', last_agent_message: '{"findings":[]}' })
    await vi.waitFor(() => expect(notices()).toContain('shown: {"findings":[]}'))
  })

  it('/review shows only the formatted findings, not the model’s JSON answer', async () => {
    const { connection, controller } = setup({
      actions: {
        prepareReview: async () => ({
          prompt: 'Review this diff',
          outputSchema: {},
          present: (answer) =>
            `Findings: ${(JSON.parse(answer) as { findings: string[] }).findings.join('; ')}`,
        }),
      },
    })
    controller.start()
    expect(await controller.send('/review')).toBe(true)
    const answer = '{"findings":["a.ts:3 high off by one"]}'
    const assistantText = () =>
      store
        .getSnapshot()
        .committed.flatMap((c) => (c.kind === 'assistant' ? c.lines : []))
        .join('\n')
    connection.emit({ type: 'turn_started', turn_id: '1' })
    // A preamble before a tool call is still shown; the JSON answer (streamed, then whole) is not.
    connection.emit({ type: 'agent_message', message: 'Reading the diff first.' })
    connection.emit({ type: 'agent_message_delta', delta: '{"findings":' })
    connection.emit({ type: 'agent_message_delta', delta: '["a.ts:3 high off by one"]}' })
    connection.emit({ type: 'agent_message', message: answer })
    connection.emit({ type: 'turn_complete', turn_id: '1', last_agent_message: answer })
    await vi.waitFor(() => expect(notices()).toContain('Findings: a.ts:3 high off by one'))
    expect(assistantText()).toContain('Reading the diff first.')
    expect(assistantText()).not.toContain('findings')
    // The next (ordinary) turn's answers show again, JSON or not.
    expect(await controller.send('print {"a":1}')).toBe(true)
    connection.emit({ type: 'turn_started', turn_id: '2' })
    connection.emit({ type: 'agent_message', message: '{"a":1}' })
    connection.emit({ type: 'turn_complete', turn_id: '2', last_agent_message: '{"a":1}' })
    await vi.waitFor(() => {
      store.flush()
      expect(assistantText()).toContain('{"a":1}')
    })
  })

  it('a late command typed before it is known waits for the host’s list; each new session loads its own', async () => {
    let loads = 0
    let release!: () => void
    const ready = new Promise<void>((resolve) => {
      release = resolve
    })
    const second = new FakeConnection()
    const { connection, controller } = setup({
      actions: {
        newSession: async () => second,
        loadCommands: async () => {
          const generation = ++loads
          if (generation === 1) await ready
          return [
            {
              name: `mcp__s${generation}__greet`,
              description: 'Greets someone',
              expand: (args: string) => {
                if (!args) throw new Error(`/mcp__s${generation}__greet: missing required argument name`)
                return `Greet ${args} (server ${generation})`
              },
            },
          ]
        },
      },
    })
    const changes = vi.fn()
    controller.subscribeCommands(changes)
    controller.start()
    // Typed while the servers start: it waits for their prompts instead of going out as text.
    const sent = controller.send('/mcp__s1__greet Ada')
    release()
    expect(await sent).toBe(true)
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'Greet Ada (server 1)' }] },
    ])
    expect(controller.getCommands().find((c) => c.name === 'mcp__s1__greet')?.description).toBe(
      'Greets someone',
    )
    expect(changes).toHaveBeenCalled()
    expect(await controller.send('/mcp__s1__greet')).toBe(false)
    expect(notices()).toContain('/mcp__s1__greet: missing required argument name')
    // A new session (new MCP servers) replaces the list.
    await controller.send('/new')
    await vi.waitFor(() => expect(controller.getCommands().map((c) => c.name)).toContain('mcp__s2__greet'))
    expect(controller.getCommands().map((c) => c.name)).not.toContain('mcp__s1__greet')
    expect(await controller.send('/mcp__s2__greet Bo')).toBe(true)
    expect(second.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'Greet Bo (server 2)' }] },
    ])
  })

  it('a failing command list is a warning, and plain text starting with / still goes out', async () => {
    const { connection, controller } = setup({
      actions: { loadCommands: async () => Promise.reject(new Error('server srv crashed')) },
    })
    controller.start()
    expect(await controller.send('/etc/hosts is odd')).toBe(true)
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: '/etc/hosts is odd' }] },
    ])
    expect(notices()).toContain("Could not list the MCP servers' prompts: server srv crashed")
  })

  it('/init asks the agent to write AGENTS.md, and refuses when one exists unless forced', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tui-init-')))
    try {
      const { connection, controller } = setup({}, dir)
      controller.start()
      expect(controller.commands.map((c) => c.name)).toContain('init')
      expect(await controller.send('/init')).toBe(true)
      expect(connection.ops).toEqual([{ type: 'user_input', items: [{ type: 'text', text: INIT_PROMPT }] }])
      expect(INIT_PROMPT).toContain('AGENTS.md')
      writeFileSync(join(dir, 'AGENTS.md'), '# mine\n')
      expect(await controller.send('/init')).toBe(false)
      expect(notices()).toContain(
        `${join(dir, 'AGENTS.md')} already exists: /init force has the agent rewrite it (read it first: it is replaced).`,
      )
      expect(await controller.send('/init please')).toBe(false)
      expect(notices()).toContain('Usage: /init [force]')
      expect(await controller.send('/init force')).toBe(true)
      expect(connection.ops).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('sends prompts as user_input and reads events into the store', async () => {
    const { connection, controller } = setup()
    controller.start()
    connection.emit(sessionConfigured())
    await controller.send('fix it')
    expect(connection.ops).toEqual([{ type: 'user_input', items: [{ type: 'text', text: 'fix it' }] }])
    await vi.waitFor(() => expect(store.getSnapshot().status.sessionId).toBe('sess-1'))
  })

  it('steers a running turn and tracks the input until the agent’s user_message for it', async () => {
    const { connection, controller } = setup()
    controller.start()
    connection.emit({ type: 'turn_started', turn_id: '1' })
    await vi.waitFor(() => expect(store.getSnapshot().turnRunning).toBe(true))
    await controller.send('also check the docs')
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'also check the docs' }], steer: true },
    ])
    store.flush()
    expect(store.getSnapshot().pendingSteers).toEqual([{ id: 'sub-1', text: 'also check the docs' }])
    connection.emit({ type: 'user_message', message: 'unrelated' }, 'sub-0')
    connection.emit({ type: 'user_message', message: 'also check the docs' }, 'sub-1')
    await vi.waitFor(() => expect(store.getSnapshot().pendingSteers).toEqual([]))
    // Once the turn has ended, input starts a turn of its own again.
    connection.emit({ type: 'turn_complete', turn_id: '1', last_agent_message: null })
    await vi.waitFor(() => expect(store.getSnapshot().turnRunning).toBe(false))
    await controller.send('next')
    expect(connection.ops.at(-1)).toEqual({ type: 'user_input', items: [{ type: 'text', text: 'next' }] })
  })

  it('exits when the agent’s event stream ends', async () => {
    const { connection, controller, onExit } = setup()
    controller.start()
    connection.close()
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith('agent_ended'))
  })

  it('answers approvals with the protocol ops', () => {
    const { connection, controller } = setup()
    controller.answer(
      { kind: 'exec', callId: 'c1', command: ['npm', 'test'], cwd: '/' },
      { decision: 'approved_for_session', prefix: ['npm'] },
    )
    controller.answer(
      { kind: 'exec', callId: 'c2', command: ['rm', 'x'], cwd: '/' },
      { decision: 'denied', feedback: 'use git rm' },
    )
    controller.answer({ kind: 'patch', callId: 'p1', changes: {} }, { decision: 'approved' })
    expect(connection.ops).toEqual([
      { type: 'exec_approval', id: 'c1', decision: 'approved_for_session', prefix: ['npm'] },
      { type: 'exec_approval', id: 'c2', decision: 'denied', feedback: 'use git rm' },
      { type: 'patch_approval', id: 'p1', decision: 'approved' },
    ])
    expect(notices()).toEqual([
      '✓ Approved `npm test`; commands starting with `npm` run without asking this session',
      '✗ Denied `rm x` — told the agent: use git rm',
      '✓ Approved the patch',
    ])
  })

  it('runs the built-in commands through ops', async () => {
    const { connection, controller, onExit } = setup()
    await controller.send('/model gpt-9')
    await controller.send('/approvals never')
    await controller.send('/approvals sometimes')
    await controller.send('/undo')
    await controller.send('/compact')
    await controller.send('/mcp')
    await controller.send('/nope')
    await controller.send('/quit')
    expect(connection.ops).toEqual([
      { type: 'override_turn_context', model: 'gpt-9' },
      { type: 'override_turn_context', approval_policy: 'never' },
      { type: 'undo' },
      { type: 'compact' },
      { type: 'list_mcp_tools' },
    ])
    store.flush()
    expect(store.getSnapshot().status).toMatchObject({ model: 'gpt-9', approval: 'never' })
    expect(notices().join('\n')).toMatch(/Unknown approval mode "sometimes"[\s\S]*Unknown command \/nope/)
    expect(onExit).toHaveBeenCalledWith('user')
  })

  it('lists MCP servers as the agent reported them, and asks for the tools', async () => {
    const { connection, controller } = setup()
    controller.start()
    connection.emit({ type: 'mcp_startup_update', server: 'docs', status: { state: 'ready', tools: 3 } })
    connection.emit({
      type: 'mcp_startup_update',
      server: 'db',
      status: { state: 'failed', error: 'spawn ENOENT' },
    })
    await vi.waitFor(() => expect(Object.keys(store.getSnapshot().mcpServers)).toHaveLength(2))
    await controller.send('/mcp')
    expect(notices().join('\n')).toContain('MCP servers:\n  docs: ready, 3 tools\n  db: failed: spawn ENOENT')
    expect(connection.ops).toEqual([{ type: 'list_mcp_tools' }])
  })

  it('shows help, status and the last turn’s diff', async () => {
    const { connection, controller } = setup()
    controller.start()
    await controller.send('/diff')
    connection.emit({ type: 'turn_diff', unified_diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n' })
    await vi.waitFor(() => expect(store.getSnapshot().lastDiff).toBeDefined())
    await controller.send('/diff')
    await controller.send('/help')
    await controller.send('/status')
    store.flush()
    const committed = store.getSnapshot().committed
    expect(committed.some((c) => c.kind === 'diff')).toBe(true)
    const text = notices().join('\n')
    expect(text).toContain('No file changes in this session yet.')
    expect(text).toContain('/approvals')
    expect(text).toContain('Sandbox:   read-only')
    expect(text).not.toContain('/new')
  })

  it('offers host commands only when the host provides them', async () => {
    const next = new FakeConnection()
    const newSession = vi.fn(async () => next)
    const { controller } = setup({ actions: { newSession, describePlugins: () => ['demo 1.0: 1 commands'] } })
    expect(controller.commands.map((c) => c.name)).toContain('new')
    expect(controller.commands.map((c) => c.name)).not.toContain('resume')
    await controller.send('/new')
    expect(newSession).toHaveBeenCalled()
    await controller.send('/hello')
    await controller.send('/plugins')
    expect(notices().join('\n')).toContain('demo 1.0: 1 commands')
    next.emit(sessionConfigured({ session_id: 'second' }))
    await vi.waitFor(() => expect(store.getSnapshot().status.sessionId).toBe('second'))
  })

  it('expands plugin commands into prompts', async () => {
    const { connection, controller } = setup({
      promptCommands: [
        { name: 'review', description: 'review code', expand: (args) => `Review ${args} carefully` },
      ],
    })
    await controller.send('/review src/a.ts')
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'Review src/a.ts carefully' }] },
    ])
  })

  it('runs !cmd in the session directory and gives its output to the next prompt', async () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'tui-shell-')))
    const { connection, controller } = setup({ shell: 'bash' }, cwd)
    await controller.send('!pwd; exit 3')
    store.flush()
    expect(store.getSnapshot().committed.at(-1)).toMatchObject({
      kind: 'exec',
      exitCode: 3,
      output: `${cwd}\n`,
    })
    await controller.send('what now?')
    const op = connection.ops[0]
    expect(op?.type === 'user_input' && op.items[0]?.type === 'text' ? op.items[0].text : '').toBe(
      `<user_shell_command>\n$ pwd; exit 3\nexit 3\n${cwd}\n</user_shell_command>\n\nwhat now?`,
    )
  })
})
