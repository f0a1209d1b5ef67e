// `agent exec` end to end: the built binary against a local server speaking each provider's
// real streaming wire format, commands run for real in a temp git repository under bubblewrap.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { ThreadEvent } from '@agent/protocol'
import { detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonLines, runAgent, workspace } from './helpers.js'

const support = await detectSandbox()
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const WIRES = [
  {
    wire: 'responses',
    provider: 'openai',
    keyVar: 'OPENAI_API_KEY',
    baseVar: 'OPENAI_BASE_URL',
    toolset: 'codex',
  },
  {
    wire: 'chat',
    provider: 'openai-chat',
    keyVar: 'OPENAI_API_KEY',
    baseVar: 'OPENAI_BASE_URL',
    toolset: 'codex',
  },
  {
    wire: 'anthropic',
    provider: 'anthropic',
    keyVar: 'ANTHROPIC_API_KEY',
    baseVar: 'ANTHROPIC_BASE_URL',
    toolset: 'claude',
  },
] as const

describe.skipIf(!support.available).each(WIRES)(
  'agent exec over $wire',
  ({ wire, provider, keyVar, baseVar, toolset }) => {
    it('runs a multi-step tool session in the sandbox and prints valid --json', async () => {
      const ws = workspace({ 'notes.txt': 'hello\n' })
      const write =
        toolset === 'codex'
          ? {
              name: 'shell',
              arguments: { command: ['bash', '-lc', 'echo made > made.txt && cat notes.txt'] },
            }
          : { name: 'Bash', arguments: { command: 'echo made > made.txt && cat notes.txt' } }
      const breakOut =
        toolset === 'codex'
          ? { name: 'shell', arguments: { command: ['bash', '-lc', `echo x > ${ws.home}/escaped.txt`] } }
          : { name: 'Bash', arguments: { command: `echo x > ${ws.home}/escaped.txt` } }
      server = await startMockProviderServer({
        wire,
        turns: [{ text: 'Looking.', toolCalls: [write] }, { toolCalls: [breakOut] }, { text: 'All done.' }],
      })
      // /tmp is writable in the sandbox by default; the home dir of this test lives under it.
      const args = ['exec', '--json', '--provider', provider, '-m', 'test-model', '--full-auto']
      const run = await runAgent([...args, '-c', 'sandbox_workspace_write.exclude_tmp=true', 'make a file'], {
        cwd: ws.repo,
        env: ws.env({ [keyVar]: 'x', [baseVar]: server.baseUrl }),
      })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const lines = jsonLines(run.stdout)
      for (const line of lines) expect(ThreadEvent.safeParse(line).success, JSON.stringify(line)).toBe(true)
      const types = lines.map((l) => (l as { type: string }).type)
      expect(types[0]).toBe('thread.started')
      expect(types[1]).toBe('turn.started')
      expect(types.at(-1)).toBe('turn.completed')
      const commands = lines.filter(
        (l) =>
          (l as ThreadEvent).type === 'item.completed' &&
          (l as { item: { type: string } }).item.type === 'command_execution',
      ) as { item: { exit_code: number; aggregated_output: string } }[]
      expect(commands).toHaveLength(2)
      expect(commands[0]?.item.exit_code).toBe(0)
      expect(commands[0]?.item.aggregated_output).toContain('hello')
      expect(commands[1]?.item.exit_code).not.toBe(0) // the sandbox stopped the write outside the repo
      expect(readFileSync(join(ws.repo, 'made.txt'), 'utf8')).toBe('made\n')
      expect(existsSync(join(ws.home, 'escaped.txt'))).toBe(false)
      const last = lines
        .filter((l) => (l as { item?: { type: string } }).item?.type === 'agent_message')
        .at(-1)
      expect(last).toMatchObject({ item: { text: 'All done.' } })
      expect(server.requests).toHaveLength(3)
      const body = server.requests[0]?.body as Record<string, unknown>
      expect(JSON.stringify(body.tools)).toContain(toolset === 'codex' ? '"shell"' : '"Bash"')
    })
  },
)

describe('agent exec and temporary files', () => {
  it('leaves nothing in TMPDIR: the turn snapshot it kept for undo goes at exit', async () => {
    const ws = workspace({ 'notes.txt': 'hello\n' })
    const tmp = join(ws.root, 'tmp')
    mkdirSync(tmp)
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [{ name: 'shell', arguments: { command: ['bash', '-lc', 'echo made > made.txt'] } }] },
        { text: 'Made.' },
      ],
    })
    const run = await runAgent(['exec', '--json', '-s', 'danger-full-access', 'make a file'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl, TMPDIR: tmp }),
    })
    expect(run.code).toBe(0)
    // The turn was snapshotted (the rollout holds its diff), and nothing of it is left.
    const sessions = join(ws.home, '.agent', 'sessions')
    const rollouts = readdirSync(sessions, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.jsonl'),
    )
    expect(rollouts).toHaveLength(1)
    expect(readFileSync(join(sessions, rollouts[0] as string), 'utf8')).toContain('+made')
    expect(readFileSync(join(ws.repo, 'made.txt'), 'utf8')).toBe('made\n')
    expect(readdirSync(tmp)).toEqual([])
  })
})
