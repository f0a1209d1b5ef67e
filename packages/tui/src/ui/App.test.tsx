import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from 'ink-testing-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeConnection, sessionConfigured } from '../../test/fake-connection.js'
import { SessionController } from '../controller.js'
import { PromptHistory } from '../input/history.js'
import { createTheme } from '../render/theme.js'
import { TranscriptStore } from '../transcript/store.js'
import { App } from './App.js'

const theme = createTheme(false)
const ENTER = '\r'
const UP = '\u001b[A'
const DOWN = '\u001b[B'
const ESC = '\u001b'
const CTRL_C = '\u0003'
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
const strip = (s: string | undefined) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '')

let cleanup: (() => void) | undefined
afterEach(() => {
  cleanup?.()
  cleanup = undefined
})

function mount(
  options: {
    history?: PromptHistory
    files?: string[]
    actions?: ConstructorParameters<typeof SessionController>[0]['actions']
    cwd?: string
  } = {},
) {
  const connection = new FakeConnection()
  const store = new TranscriptStore({
    theme,
    status: {
      model: 'test-model',
      cwd: options.cwd ?? '/w',
      sandbox: 'workspace-write',
      approval: 'on-request',
    },
    frameMs: 0,
  })
  const onExit = vi.fn()
  let openPicker:
    | ((
        sessions: Parameters<
          NonNullable<ConstructorParameters<typeof SessionController>[0]['onPickSession']>
        >[0],
      ) => void)
    | undefined
  const controller = new SessionController({
    connection,
    store,
    onExit,
    actions: options.actions,
    onPickSession: (s) => openPicker?.(s),
  })
  const history = options.history ?? new PromptHistory()
  const app = render(
    <App
      store={store}
      controller={controller}
      theme={theme}
      history={history}
      files={() => options.files ?? []}
      registerPicker={(open) => {
        openPicker = open
      }}
      onExit={() => onExit('user')}
      exitWindowMs={5000}
    />,
  )
  controller.start()
  cleanup = () => {
    controller.stop()
    store.dispose()
    app.unmount()
  }
  const frame = () => strip(app.lastFrame())
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      app.stdin.write(key)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const see = (text: string | RegExp) =>
    vi.waitFor(() => expect(frame()).toMatch(text), { timeout: 5000, interval: 20 })
  return { connection, store, app, frame, type, see, onExit, history }
}

describe('App', () => {
  it('shows the session, the status line and sends what is typed', async () => {
    const ui = mount()
    ui.connection.emit(sessionConfigured())
    await ui.see('agent session sess-1')
    await ui.see(/test-model · sandbox workspace-write · approvals on-request/)
    await ui.type('fix', ' the test')
    await ui.see('› fix the test')
    await ui.type(ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'user_input', items: [{ type: 'text', text: 'fix the test' }] },
      ]),
    )
    expect(ui.history.at(1)).toBe('fix the test')
  })

  it('Enter while the agent works steers it; the queued marker stays until the model has seen it', async () => {
    const ui = mount()
    ui.connection.emit(sessionConfigured())
    ui.connection.emit({ type: 'turn_started' })
    await ui.see('esc to interrupt')
    await ui.see('Steer the agent')
    await ui.type('use the', ' other file', ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'user_input', items: [{ type: 'text', text: 'use the other file' }], steer: true },
      ]),
    )
    await ui.see('↳ use the other file  · queued: the agent reads it at its next step')
    // The agent records it before its next request, tagged with the steering submission's id.
    ui.connection.emit({ type: 'user_message', message: 'use the other file' }, 'sub-1')
    await vi.waitFor(() => expect(ui.frame()).not.toContain('queued: the agent reads it'))
    expect(ui.frame()).toContain('use the other file')
  })

  it('streams the answer, then commits it to the transcript', async () => {
    const ui = mount()
    ui.connection.emit({ type: 'turn_started' })
    ui.connection.emit({ type: 'agent_message_delta', delta: 'First line\nsecond **half' })
    await ui.see('• First line')
    await ui.see('second **half')
    await ui.see('esc to interrupt')
    ui.connection.emit({ type: 'agent_message_delta', delta: '**' })
    ui.connection.emit({ type: 'agent_message', message: 'First line\nsecond **half**' })
    ui.connection.emit({ type: 'turn_complete', last_agent_message: null })
    await ui.see(/ {2}second half/)
    await vi.waitFor(() => expect(ui.frame()).not.toContain('esc to interrupt'))
  })

  it('asks for approval inline and sends the decision', async () => {
    const ui = mount()
    ui.connection.emit({ type: 'turn_started' })
    ui.connection.emit({
      type: 'exec_approval_request',
      call_id: 'c1',
      command: ['npm', 'test'],
      cwd: '/w',
      reason: 'not known to be safe',
      proposed_prefix: ['npm', 'test'],
    })
    await ui.see('Run this command?')
    await ui.see('Why: not known to be safe')
    await ui.see('commands starting with `npm test`')
    await ui.type('p')
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'exec_approval', id: 'c1', decision: 'approved_for_session', prefix: ['npm', 'test'] },
      ]),
    )
    await ui.see('✓ Approved `npm test`; commands starting with `npm test` run without asking')
  })

  it('says which subagent asks, and answers the request by its id', async () => {
    const ui = mount()
    ui.connection.emit({ type: 'turn_started' })
    ui.connection.emit({
      type: 'exec_approval_request',
      call_id: 'task_1',
      command: ['rm', '-rf', 'build'],
      cwd: '/w',
      subagent: 'cleaner',
    })
    await ui.see('Subagent cleaner asks:')
    await ui.see('Run this command?')
    await ui.type('y')
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([{ type: 'exec_approval', id: 'task_1', decision: 'approved' }]),
    )
  })

  it('lets the user deny and say what to do instead', async () => {
    const ui = mount()
    ui.connection.emit({
      type: 'apply_patch_approval_request',
      call_id: 'p1',
      changes: { 'a.txt': { type: 'update', unified_diff: '@@ -1 +1 @@\n-old\n+new\n' } },
    })
    await ui.see('Apply these changes to 1 file?')
    await ui.see(/1 {3}-old/)
    await ui.type('n')
    await ui.see('Tell the agent what to do instead')
    await ui.type('edit b.txt instead', ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'patch_approval', id: 'p1', decision: 'denied', feedback: 'edit b.txt instead' },
      ]),
    )
  })

  it('cuts a long command to fit the screen and writes all of it on Ctrl+O', async () => {
    const ui = mount()
    const script = Array.from({ length: 60 }, (_, i) => `echo step ${i}`).join('\n')
    ui.connection.emit({
      type: 'exec_approval_request',
      call_id: 'c1',
      command: ['bash', '-lc', script],
      cwd: '/w',
    })
    await ui.see('Run this command?')
    await ui.see(/more lines \(ctrl\+o shows all\)/)
    expect(ui.frame()).not.toContain('echo step 59')
    await ui.type('\u000f')
    await ui.see('echo step 59')
    await ui.type('y')
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([{ type: 'exec_approval', id: 'c1', decision: 'approved' }]),
    )
  })

  it('selects a choice with the arrows and Enter, and Esc stops the turn', async () => {
    const ui = mount()
    ui.connection.emit({ type: 'exec_approval_request', call_id: 'c1', command: ['ls'], cwd: '/w' })
    await ui.see('Run this command?')
    await ui.type(DOWN, ENTER)
    ui.connection.emit({ type: 'exec_approval_request', call_id: 'c2', command: ['rm', 'x'], cwd: '/w' })
    await ui.see('$ rm x')
    await ui.type(ESC)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'exec_approval', id: 'c1', decision: 'approved_for_session' },
        { type: 'exec_approval', id: 'c2', decision: 'abort' },
      ]),
    )
  })

  it('interrupts on Esc and on Ctrl+C, and exits on a second Ctrl+C', async () => {
    const ui = mount()
    ui.connection.emit({ type: 'turn_started' })
    await ui.see('esc to interrupt')
    await ui.type(ESC)
    await vi.waitFor(() => expect(ui.connection.ops).toEqual([{ type: 'interrupt' }]))
    await ui.type(CTRL_C)
    await vi.waitFor(() => expect(ui.connection.ops).toHaveLength(2))
    await ui.see('Ctrl+C again to exit')
    expect(ui.onExit).not.toHaveBeenCalled()
    await ui.type(CTRL_C)
    await vi.waitFor(() => expect(ui.onExit).toHaveBeenCalledWith('user'))
  })

  it('edits several lines and walks the history with the arrows', async () => {
    const history = new PromptHistory()
    history.add('older prompt')
    history.add('newest prompt')
    const ui = mount({ history })
    await ui.type('line one\\', ENTER, 'line two')
    await ui.see(/› line one\n {2}line two/)
    await ui.type('\n', 'three')
    await ui.see(/ {2}three/)
    await ui.type(UP, UP, UP)
    await ui.see('› newest prompt')
    await ui.type(UP)
    await ui.see('› older prompt')
    await ui.type(DOWN, DOWN)
    await ui.see(/› line one\n {2}line two\n {2}three/)
  })

  it('shows a very long input line as a window around the cursor', async () => {
    const ui = mount()
    await ui.type(`${'a'.repeat(600)}END`)
    await ui.see(/› …[a\n ]+END/)
    expect(ui.frame()).not.toContain('a'.repeat(400))
  })

  it('completes slash commands and files', async () => {
    const ui = mount({ files: ['src/main.ts', 'README.md'] })
    await ui.type('/mo')
    await ui.see('/model  show or change the model')
    await ui.type('\t')
    await ui.see('› /model')
    await ui.type(...'gpt-x'.split(''))
    await ui.see('› /model gpt-x')
    await ui.type(ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([{ type: 'override_turn_context', model: 'gpt-x' }]),
    )
    await ui.type('look at @mai')
    await ui.see('src/main.ts')
    await ui.type('\t')
    await ui.see('› look at @src/main.ts')
  })

  it('offers the MCP servers’ prompts in the / menu once they are known, and expands one on Enter', async () => {
    let listed!: (commands: { name: string; description: string; expand(args: string): string }[]) => void
    const ui = mount({
      actions: {
        loadCommands: () =>
          new Promise((resolve) => {
            listed = resolve
          }),
      },
    })
    await vi.waitFor(() => expect(listed).toBeDefined())
    await ui.type(...'/mcp'.split(''))
    await ui.see('/mcp  list MCP servers and tools')
    // The servers came up while the menu was open: their prompts join it.
    listed([
      {
        name: 'mcp__srv__greet',
        description: 'Greets someone (MCP server srv; args: <name> [style])',
        expand: (args) => `Please greet ${args}.`,
      },
    ])
    await ui.see('/mcp__srv__greet  Greets someone (MCP server srv; args: <name> [style])')
    await ui.type(DOWN, '\t')
    await ui.see('› /mcp__srv__greet')
    await ui.type(...'Bob'.split(''), ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([
        { type: 'user_input', items: [{ type: 'text', text: 'Please greet Bob.' }] },
      ]),
    )
  })

  it('keeps a large paste as a placeholder and sends all of it', async () => {
    const ui = mount()
    const big = Array.from({ length: 30 }, (_, i) => `row ${i}`).join('\n')
    await ui.type('\u001b[200~', big, '\u001b[201~')
    await ui.see('[Pasted text #1 +30 lines]')
    await ui.type(ENTER)
    await vi.waitFor(() =>
      expect(ui.connection.ops).toEqual([{ type: 'user_input', items: [{ type: 'text', text: big }] }]),
    )
  })

  describe('images', () => {
    let dir: string
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tui-images-'))
      mkdirSync(join(dir, 'shots'))
      writeFileSync(join(dir, 'shots', 'my pic.png'), PNG)
      writeFileSync(join(dir, 'shot.png'), PNG)
    })
    afterEach(() => rmSync(dir, { recursive: true, force: true }))

    it('a pasted image path becomes a chip and goes to the model as a local_image', async () => {
      const ui = mount({ cwd: dir })
      const image = join(dir, 'shots', 'my pic.png')
      await ui.type('what is in ')
      // As terminals paste a dragged file: backslash-escaped spaces.
      await ui.type('\u001b[200~', image.replace(/ /g, '\\ '), '\u001b[201~')
      await ui.see('› what is in [image: my pic.png]')
      await ui.type(ENTER)
      await vi.waitFor(() =>
        expect(ui.connection.ops).toEqual([
          {
            type: 'user_input',
            items: [
              { type: 'text', text: `what is in @"${image}"` },
              { type: 'local_image', path: image },
            ],
          },
        ]),
      )
    })

    it('Backspace deletes a chip as a whole; a quoted or file:// paste attaches too', async () => {
      const ui = mount({ cwd: dir })
      const image = join(dir, 'shot.png')
      await ui.type('\u001b[200~', `'${image}'`, '\u001b[201~')
      await ui.see('› [image: shot.png]')
      await ui.type('\u007f')
      await vi.waitFor(() => expect(ui.frame()).not.toContain('[image:'))
      await ui.type('\u001b[200~', `file://${image}`, '\u001b[201~')
      await ui.type('\u001b[200~', `file://${image}`, '\u001b[201~')
      await ui.see('[image: shot.png][image: shot.png #2]')
      await ui.type(ENTER)
      await vi.waitFor(() =>
        expect(ui.connection.ops).toEqual([
          {
            type: 'user_input',
            items: [
              { type: 'text', text: `@${image}@${image}` },
              { type: 'local_image', path: image },
            ],
          },
        ]),
      )
    })

    it('an @ mention of an image file, completed from the file list, is attached', async () => {
      const ui = mount({ cwd: dir, files: ['shot.png', 'src/main.ts'] })
      await ui.type('describe @sho')
      await ui.see('shot.png')
      await ui.type('\t')
      await ui.see('› describe @shot.png')
      await ui.type(ENTER)
      await vi.waitFor(() =>
        expect(ui.connection.ops).toEqual([
          {
            type: 'user_input',
            items: [
              { type: 'text', text: 'describe @shot.png ' },
              { type: 'local_image', path: join(dir, 'shot.png') },
            ],
          },
        ]),
      )
    })

    it('a pasted path that is not an image stays text; a mention of a missing image warns', async () => {
      const ui = mount({ cwd: dir })
      writeFileSync(join(dir, 'notes.txt'), 'x')
      await ui.type('\u001b[200~', join(dir, 'notes.txt'), '\u001b[201~')
      await ui.see(`› ${join(dir, 'notes.txt')}`)
      await ui.type(' and @gone.png', ENTER)
      await ui.see('Image not attached: gone.png is not a file')
      expect(ui.connection.ops).toEqual([
        { type: 'user_input', items: [{ type: 'text', text: `${join(dir, 'notes.txt')} and @gone.png` }] },
      ])
    })
  })

  it('expands the last command’s output on Ctrl+O', async () => {
    const ui = mount()
    const output = Array.from({ length: 12 }, (_, i) => `out ${i}`).join('\n')
    ui.connection.emit({ type: 'exec_command_begin', call_id: 'c', command: ['seq'], cwd: '/w' })
    ui.connection.emit({
      type: 'exec_command_output_delta',
      call_id: 'c',
      stream: 'stdout',
      chunk: 'out 0\n',
    })
    await ui.see(/◌ \$ seq\n {2}│ out 0/)
    ui.connection.emit({
      type: 'exec_command_end',
      call_id: 'c',
      exit_code: 0,
      stdout: '',
      stderr: '',
      aggregated_output: output,
      duration_ms: 12,
    })
    await ui.see('✓ $ seq · exit 0 · 12ms')
    expect(ui.frame()).not.toContain('out 5')
    await ui.type('\u000f')
    await ui.see('out 5')
  })

  it('opens a session picker for /resume and resumes the chosen one', async () => {
    const next = new FakeConnection()
    const resumeSession = vi.fn(async () => next)
    const listSessions = async () => [
      { id: 'new-one', updatedAt: '2026-01-02T10:00:00Z', title: 'latest work' },
      { id: 'old-one', updatedAt: '2026-01-01T10:00:00Z', title: 'older work' },
    ]
    const ui = mount({ actions: { listSessions, resumeSession } })
    await ui.type('/resume', ENTER)
    await ui.see('Resume which session?')
    await pressUntilSelected(ui, DOWN, 'older work')
    await ui.type(ENTER)
    await vi.waitFor(() => expect(resumeSession).toHaveBeenCalledWith('old-one'))
  })

  it('picks the session the keys point at even when ↓ and Enter arrive in one burst', async () => {
    const resumeSession = vi.fn(async () => new FakeConnection())
    const listSessions = async () => [
      { id: 'new-one', updatedAt: '2026-01-02T10:00:00Z', title: 'latest work' },
      { id: 'old-one', updatedAt: '2026-01-01T10:00:00Z', title: 'older work' },
    ]
    const ui = mount({ actions: { listSessions, resumeSession } })
    await ui.type('/resume', ENTER)
    await ui.see('Resume which session?')
    // Make sure the picker listens (it subscribes to input just after it is drawn) and is back on
    // the first row, then send both keys with no pause: both are handled before React renders again.
    await pressUntilSelected(ui, DOWN, 'older work')
    await pressUntilSelected(ui, UP, 'latest work')
    ui.app.stdin.write(DOWN)
    ui.app.stdin.write(ENTER)
    await vi.waitFor(() => expect(resumeSession).toHaveBeenCalledWith('old-one'))
  })
})

/** Presses `key` until the picker's selected row (`›`) shows `title`: the picker starts listening
 * for keys a moment after it is first drawn, so a single early press can be lost on a busy machine. */
async function pressUntilSelected(ui: ReturnType<typeof mount>, key: string, title: string) {
  const selected = () =>
    ui
      .frame()
      .split('\n')
      .find((line) => line.includes('›')) ?? ''
  await vi.waitFor(
    async () => {
      if (!selected().includes(title)) await ui.type(key)
      expect(selected()).toContain(title)
    },
    { timeout: 5000, interval: 50 },
  )
}
