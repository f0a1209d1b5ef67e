// The real `agent` binary (apps/cli/dist/agent.cjs) in a pseudo-terminal (tmux), against a local
// server speaking the OpenAI Responses wire: type a prompt, approve a command, see the diff,
// interrupt a running command, leave, and resume the session.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it } from 'vitest'
import { TmuxSession } from './tmux.js'

const bin = new URL('../../../apps/cli/dist/agent.cjs', import.meta.url).pathname
/** A real stdio MCP server (the official SDK) offering the prompt `greet`. */
const promptServer = new URL('../../mcp/test/fixtures/prompts-roots-server.mjs', import.meta.url).pathname
const hasTmux = spawnSync('tmux', ['-V']).status === 0
const sandbox = (await detectSandbox()).available ? 'workspace-write' : 'danger-full-access'

let server: MockProviderServer | undefined
let session: TmuxSession | undefined
const roots: string[] = []
afterEach(async () => {
  session?.kill()
  session = undefined
  await server?.close()
  server = undefined
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function project() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-tui-e2e-')))
  roots.push(root)
  const repo = join(root, 'repo')
  const home = join(root, 'home')
  mkdirSync(join(repo, 'src'), { recursive: true })
  mkdirSync(join(home, '.agent'), { recursive: true })
  writeFileSync(join(repo, 'src', 'prices.js'), 'export function percent(x) {\n  return x / 10\n}\n')
  execFileSync('git', ['init', '-q'], { cwd: repo })
  return { repo, home }
}

function start(args: string[], p: { repo: string; home: string }, baseUrl: string) {
  return new TmuxSession(`${process.execPath} ${bin} ${args.join(' ')}`, {
    cwd: p.repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: p.home,
      AGENT_HOME: join(p.home, '.agent'),
      TERM: 'xterm-256color',
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: baseUrl,
    },
  })
}

const PATCH = [
  '*** Begin Patch',
  '*** Update File: src/prices.js',
  '@@ export function percent(x) {',
  '-  return x / 10',
  '+  return x / 100',
  '*** End Patch',
].join('\n')

describe.skipIf(!hasTmux || !existsSync(bin))('agent in a terminal', () => {
  it('runs a session: prompt, approval, diff, interrupt, exit, resume', async () => {
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          text: 'Let me fix the **percent** function.',
          toolCalls: [{ name: 'apply_patch', arguments: { input: PATCH } }],
        },
        {
          text: 'Now the check:',
          toolCalls: [
            {
              name: 'shell',
              arguments: {
                command: ['bash', '-lc', 'node -e "console.log(1)" > checked.txt && echo checked'],
              },
            },
          ],
        },
        { text: 'Fixed: it divided by `10` instead of `100`.' },
        { toolCalls: [{ name: 'shell', arguments: { command: ['bash', '-lc', 'sleep 123.25'] } }] },
        { text: 'Welcome back: the fix is in place.' },
      ],
    })
    const p = project()
    session = start(['-m', 'test-model', '-s', sandbox, '-a', 'untrusted'], p, server.baseUrl)
    await session.waitFor('Ask the agent to do something')
    await session.waitFor(`sandbox ${sandbox} · approvals untrusted`)

    session.type('fix the percent bug')
    await session.waitFor('› fix the percent bug')
    session.press('Enter')

    // The patch: shown as a coloured diff with line numbers (approved first if the policy asks).
    const first = await session.waitFor(/Apply these changes|Edited 1 file/)
    if (first.includes('Apply these changes')) {
      await session.waitFor('-  return x / 10')
      session.press('y')
    }
    await session.waitFor(/Edited 1 file[\s\S]*M src\/prices\.js \(\+1 -1\)/)
    const diff = await session.waitFor(/2 +- {2}return x \/ 10/)
    expect(diff).toMatch(/ {3}2 \+ {2}return x \/ 100/)
    expect(readFileSync(join(p.repo, 'src', 'prices.js'), 'utf8')).toContain('x / 100')

    // A command the policy does not know: asked, approved, run.
    await session.waitFor('Run this command?')
    await session.waitFor('$ node -e "console.log(1)" > checked.txt && echo checked')
    session.press('y')
    await session.waitFor(/✓ \$ node -e[\s\S]*exit 0 · \d/)
    await session.waitFor('Fixed: it divided by 10 instead of 100.')
    expect(existsSync(join(p.repo, 'checked.txt'))).toBe(true)

    // A long command, interrupted with Esc.
    session.type('wait for it')
    session.press('Enter')
    await session.waitFor('$ sleep 123.25')
    session.press('y')
    await session.waitFor('◌ $ sleep 123.25')
    session.press('Escape')
    await session.waitFor('Turn interrupted')
    // The interrupted command's process is gone.
    await expect.poll(() => spawnSync('pgrep', ['-f', 'sleep 123.25']).status, { timeout: 15_000 }).toBe(1)
    await session.waitFor('Ask the agent to do something')

    // Ctrl+C twice leaves, with the terminal restored.
    session.press('C-c')
    await session.waitFor('Ctrl+C again to exit')
    session.press('C-c')
    await session.waitFor('[exit 0]')
    session.kill()

    // The prompt history survives, and the session resumes with its transcript.
    expect(readFileSync(join(p.home, '.agent', 'history.jsonl'), 'utf8')).toBe(
      '"fix the percent bug"\n"wait for it"\n',
    )
    session = start(['resume', '--last', '-m', 'test-model', '-s', sandbox], p, server.baseUrl)
    await session.waitFor('resumed session')
    await session.waitFor('› fix the percent bug')
    session.press('Up', 'Up')
    await session.waitFor('› fix the percent bug\n')
    session.press('C-u')
    session.type('is it fixed?')
    session.press('Enter')
    await session.waitFor('Welcome back: the fix is in place.')
    const lastRequest = server.requests.at(-1)
    expect(JSON.stringify(lastRequest?.body)).toContain('fix the percent bug')
    session.press('C-d')
    await session.waitFor('[exit 0]')
  }, 120_000)

  it('Enter while a command runs steers the turn: the next request of the same turn carries it', async () => {
    // The command runs until the test creates `go`, so the steer is typed while it runs.
    const script = 'while [ ! -e go ]; do sleep 0.05; done; echo released'
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [{ name: 'shell', arguments: { command: ['bash', '-lc', script] }, id: 'call_wait' }] },
        { text: 'Checked the docs too.' },
      ],
    })
    const p = project()
    session = start(['-m', 'test-model', '-s', sandbox, '-a', 'never'], p, server.baseUrl)
    await session.waitFor('Ask the agent to do something')
    session.type('run the slow check')
    await session.waitFor('› run the slow check')
    session.press('Enter')
    await session.waitFor('◌ $ while [ ! -e go ]')
    await session.waitFor('Steer the agent')
    session.type('also check the docs')
    await session.waitFor('› also check the docs')
    session.press('Enter')
    await session.waitFor('↳ also check the docs  · queued: the agent reads it at its next step')
    expect(server.requests).toHaveLength(1)
    writeFileSync(join(p.repo, 'go'), '')
    const done = await session.waitFor('Checked the docs too.')
    // The model has seen it: the marker is gone and the steer is in the transcript as sent.
    await session.waitUntil((screen) => !screen.includes('queued'), 'the queued marker to go')
    expect(done).toMatch(/✓ \$ while[\s\S]*› also check the docs[\s\S]*Checked the docs too\./)
    // One turn, two requests: the second carries the command's output, then the steering text.
    expect(server.requests).toHaveLength(2)
    const input =
      (server.requests[1]?.body as { input: Array<Record<string, unknown>> } | undefined)?.input ?? []
    const output = input.findIndex(
      (item) => item.type === 'function_call_output' && item.call_id === 'call_wait',
    )
    const steered = input.findIndex((item) =>
      JSON.stringify(item.content ?? '').includes('also check the docs'),
    )
    expect(output).toBeGreaterThanOrEqual(0)
    expect(String(input[output]?.output)).toContain('released')
    expect(steered).toBeGreaterThan(output)
    session.press('C-d')
    await session.waitFor('[exit 0]')
  }, 120_000)

  it('offers an MCP server’s prompts in the / menu and sends the expanded prompt', async () => {
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'Hello Bob!' }] })
    const p = project()
    writeFileSync(
      join(p.home, '.agent', 'config.toml'),
      `[mcp_servers.srv]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(promptServer)}]\n`,
    )
    session = start(['-m', 'test-model', '-s', sandbox, '-a', 'never'], p, server.baseUrl)
    await session.waitFor('Ask the agent to do something')
    session.type('/mcp__')
    await session.waitFor('/mcp__srv__greet  Greets someone (MCP server srv; args: <name> [style])')
    session.press('Tab')
    await session.waitFor('› /mcp__srv__greet')
    session.type('Bob')
    await session.waitFor('› /mcp__srv__greet Bob')
    session.press('Enter')
    await session.waitFor('Hello Bob!')
    const sent = JSON.stringify(server.requests[0]?.body)
    expect(sent).toContain('Please greet Bob.')
    expect(sent).not.toContain('/mcp__srv__greet')
    session.press('C-d')
    await session.waitFor('[exit 0]')
  }, 120_000)

  it('works without a terminal (plain lines), and `agent resume` offers a picker', async () => {
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ text: 'Hello from the **plain** mode.' }, { text: 'Picked up where we left off.' }],
    })
    const p = project()
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: p.home,
      AGENT_HOME: join(p.home, '.agent'),
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: server.baseUrl,
    }
    // Not spawnSync: the model server runs in this process and must keep answering.
    const plain = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, '-m', 'test-model', '-s', sandbox], { cwd: p.repo, env })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
      })
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
      })
      child.on('close', (status) => resolve({ status, stdout, stderr }))
      child.stdin.end('say hello\n')
    })
    expect(plain.stderr).toBe('')
    expect(plain.status).toBe(0)
    expect(plain.stdout).toContain('› say hello\n')
    expect(plain.stdout).toContain('• Hello from the plain mode.')
    expect(plain.stdout).not.toContain('\u001b[')

    session = start(['resume', '-m', 'test-model', '-s', sandbox], p, server.baseUrl)
    await session.waitFor('Resume which session?')
    await session.waitFor('say hello')
    session.press('Enter')
    await session.waitFor('resumed session')
    await session.waitFor('Hello from the plain mode.')
    session.type('and now?')
    session.press('Enter')
    await session.waitFor('Picked up where we left off.')
    session.press('C-d')
    await session.waitFor('[exit 0]')
  }, 120_000)
})
