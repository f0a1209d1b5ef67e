// The interactive command (`agent` with no subcommand) end to end, through its plain line mode
// (stdin is a pipe): plugin slash commands that embed `` !`cmd` `` run it under the session's
// policy and sandbox before the prompt is sent.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { runAgent, workspace } from './helpers.js'

const support = await detectSandbox()
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('agent (interactive, plain mode)', () => {
  const sandbox = support.available ? 'workspace-write' : 'danger-full-access'

  it(`expands a plugin command's shell part in the ${sandbox} sandbox and sends the result`, async () => {
    const ws = workspace({
      '.claude/commands/inventory.md':
        '---\ndescription: Take stock\n---\nTake stock of $ARGUMENTS. Marker: !`cat marker.txt`\n',
      '.claude/commands/wipe.md': '---\ndescription: Dangerous\n---\nWiped: !`rm -rf /tmp/nothing-here`\n',
    })
    writeFileSync(join(ws.repo, 'marker.txt'), 'blue-kangaroo\n')
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'Counted.' }] })
    const run = await runAgent(['-s', sandbox, '-a', 'on-request'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      input: '/wipe\n/inventory the shelves\n',
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Counted.')
    // Only the expanded /inventory reached the model, with the command's output in it.
    expect(server.requests).toHaveLength(1)
    const sent = JSON.stringify(server.requests[0]?.body)
    expect(sent).toContain('Take stock of the shelves. Marker: blue-kangaroo')
    // The policy asks about `rm -rf`; nobody can answer during expansion, so it is refused.
    expect(run.stdout + run.stderr).toMatch(/rm -rf \/tmp\/nothing-here.*was not run/)
  })
  it('shows a tool without events of its own as a compact cell: ● Read(path) and a summary line', async () => {
    const ws = workspace({ 'notes.txt': 'hello from the notes\n' })
    onTestFinished(() => rmSync(ws.root, { recursive: true, force: true }))
    server = await startMockProviderServer({
      wire: 'anthropic',
      turns: [
        { toolCalls: [{ name: 'Read', arguments: { file_path: join(ws.repo, 'notes.txt') } }] },
        { text: 'Read it.' },
      ],
    })
    const run = await runAgent(['--provider', 'anthropic', '-m', 'test-model', '-s', sandbox], {
      cwd: ws.repo,
      env: ws.env({ ANTHROPIC_API_KEY: 'x', ANTHROPIC_BASE_URL: server.baseUrl }),
      input: 'read the notes\n',
    })
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stdout.split('\n')
    const cell = lines.findIndex((l) => l.startsWith('● Read(notes.txt)'))
    expect(cell, run.stdout).toBeGreaterThan(-1)
    expect(lines[cell + 1]).toMatch(/^ {2}⎿ .*hello from the notes/)
    expect(run.stdout).toContain('Read it.')
  })

  it('a line read while a command runs steers the turn: the same turn’s next request carries it', async () => {
    const ws = workspace()
    try {
      // The command runs until the test creates `go`: the steering line arrives while it runs.
      const script = 'while [ ! -e go ]; do sleep 0.05; done; echo released'
      server = await startMockProviderServer({
        wire: 'responses',
        turns: [
          {
            toolCalls: [{ name: 'shell', arguments: { command: ['bash', '-lc', script] }, id: 'call_wait' }],
          },
          { text: 'Checked the docs too.' },
        ],
      })
      let step = 0
      const run = runAgent(['-s', sandbox, '-a', 'never'], {
        cwd: ws.repo,
        env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
        input: 'open',
        onStdout: (all) => {
          // The turn has started once its prompt is printed; the steer is sent once it shows as queued.
          if (step === 0 && all.includes('› run the slow check')) {
            step = 1
            run.child.stdin?.write('also check the docs\n')
          } else if (step === 1 && all.includes('↳ also check the docs · queued')) {
            step = 2
            writeFileSync(join(ws.repo, 'go'), '')
          } else if (step === 2 && all.includes('Checked the docs too.')) {
            step = 3
            run.child.stdin?.end()
          }
        },
      })
      run.child.stdin?.write('run the slow check\n')
      const result = await run
      expect(result.code, result.stderr).toBe(0)
      expect(step).toBe(3)
      expect(result.stdout).toMatch(
        /› run the slow check[\s\S]*› also check the docs[\s\S]*Checked the docs too\./,
      )
      // One turn: two requests, the second with the command's output and then the steering text.
      expect(server.requests).toHaveLength(2)
      const input =
        (server.requests[1]?.body as { input: Array<Record<string, unknown>> } | undefined)?.input ?? []
      const output = input.findIndex((i) => i.type === 'function_call_output' && i.call_id === 'call_wait')
      const steered = input.findIndex((i) => JSON.stringify(i.content ?? '').includes('also check the docs'))
      expect(String(input[output]?.output)).toContain('released')
      expect(steered).toBeGreaterThan(output)
    } finally {
      rmSync(ws.root, { recursive: true, force: true })
    }
  })

  it('an @ mention of an image file reaches the model as an input_image', async () => {
    const ws = workspace()
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    )
    writeFileSync(join(ws.repo, 'shot.png'), png)
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'A single pixel.' }] })
    const run = await runAgent(['-s', sandbox, '-a', 'on-request'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      input: 'what is in @shot.png\n',
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('A single pixel.')
    expect(server.requests).toHaveLength(1)
    const body = server.requests[0]?.body as
      | { input?: Array<{ role?: string; content?: unknown }> }
      | undefined
    const input = body?.input ?? []
    const user = input.filter((item) => item.role === 'user').at(-1)
    expect(user?.content).toEqual([
      { type: 'input_text', text: 'what is in @shot.png' },
      { type: 'input_image', image_url: `data:image/png;base64,${png.toString('base64')}`, detail: 'auto' },
    ])
  })
  it('/init has the agent write AGENTS.md, and refuses when one exists', async () => {
    const ws = workspace({ 'package.json': '{"name":"demo"}\n' })
    const write = {
      name: 'shell',
      arguments: { command: ['bash', '-c', 'printf "# Agents\\n\\nRun npm test.\\n" > AGENTS.md'] },
    }
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ toolCalls: [write] }, { text: 'Wrote AGENTS.md.' }],
    })
    const env = ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl })
    const run = await runAgent(['-s', sandbox, '-a', 'on-request'], { cwd: ws.repo, env, input: '/init\n' })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Wrote AGENTS.md.')
    expect(JSON.stringify(server.requests[0]?.body)).toContain(
      'Create an AGENTS.md file in the current directory',
    )
    expect(readFileSync(join(ws.repo, 'AGENTS.md'), 'utf8')).toBe('# Agents\n\nRun npm test.\n')

    const again = await runAgent(['-s', sandbox, '-a', 'on-request'], { cwd: ws.repo, env, input: '/init\n' })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout + again.stderr).toContain(
      'AGENTS.md already exists: /init force has the agent rewrite it',
    )
    expect(server.requests).toHaveLength(2)
  })
  it.skipIf(!support.available)(
    '--full-auto means workspace-write and on-request, over the config',
    async () => {
      const ws = workspace()
      writeFileSync(
        join(ws.home, '.agent', 'config.toml'),
        'approval_policy = "never"\nsandbox_mode = "read-only"\n',
      )
      const run = await runAgent(['--full-auto'], {
        cwd: ws.repo,
        env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
        input: '/status\n',
      })
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toMatch(/Sandbox: +workspace-write/)
      expect(run.stdout).toMatch(/Approvals: +on-request/)
    },
  )
})
