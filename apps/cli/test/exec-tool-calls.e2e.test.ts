// Generic tool calls through the built binary: Claude's Read and Glob (tools that emit no events
// of their own) show in `agent exec`'s human output as `● Read(notes.txt)`, failures with their
// reason; `--json` has no Codex item for them and leaves them out.
import { rmSync } from 'node:fs'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { ThreadEvent } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonLines, runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
const roots: string[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const turns = () => [
  {
    toolCalls: [
      { name: 'Read', arguments: { file_path: 'notes.txt' } },
      { name: 'Glob', arguments: { pattern: '*.txt' } },
      { name: 'Read', arguments: { file_path: 'absent.txt' } },
    ],
  },
  { text: 'Read them.' },
]

describe('generic tool calls in agent exec', () => {
  it('prints each call as Tool(subject), and says why one failed', async () => {
    const ws = workspace({ 'notes.txt': 'hello\n' })
    roots.push(ws.root)
    server = await startMockProviderServer({ wire: 'anthropic', turns: turns() })
    const run = await runAgent(['exec', '--provider', 'anthropic', '-m', 'test-model', 'read the notes'], {
      cwd: ws.repo,
      env: ws.env({ ANTHROPIC_API_KEY: 'x', ANTHROPIC_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Read them.')
    const lines = run.stderr.split('\n')
    expect(lines).toContain('● Read(notes.txt)')
    expect(lines).toContain('● Glob(*.txt)')
    const absent = lines.indexOf('● Read(absent.txt)')
    expect(absent).toBeGreaterThan(-1)
    expect(lines.slice(absent + 1).some((l) => l.startsWith('  failed: '))).toBe(true)
  })

  it('--json leaves them out (the Codex SDK has no item for them) and stays valid', async () => {
    const ws = workspace({ 'notes.txt': 'hello\n' })
    roots.push(ws.root)
    server = await startMockProviderServer({ wire: 'anthropic', turns: turns() })
    const run = await runAgent(
      ['exec', '--json', '--provider', 'anthropic', '-m', 'test-model', 'read the notes'],
      { cwd: ws.repo, env: ws.env({ ANTHROPIC_API_KEY: 'x', ANTHROPIC_BASE_URL: server.baseUrl }) },
    )
    expect(run.code, run.stderr).toBe(0)
    const events = jsonLines(run.stdout)
    for (const line of events) expect(ThreadEvent.safeParse(line).success, JSON.stringify(line)).toBe(true)
    const items = events.flatMap((e) => {
      const item = (e as { item?: { type: string } }).item
      return item ? [item.type] : []
    })
    expect(new Set(items)).toEqual(new Set(['agent_message']))
  })
})
