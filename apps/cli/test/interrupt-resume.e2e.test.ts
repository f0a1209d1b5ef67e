// Ctrl-C during `agent exec` (interrupt, processes killed, rollout flushed, exit 130), and
// resuming a recorded session with `agent exec resume`, listed by `agent sessions`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonLines, runAgent, workspace } from './helpers.js'

const support = await detectSandbox()
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Pids of live processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (cmdline.includes(marker)) found.push(Number(entry))
    } catch {
      // gone already
    }
  }
  return found
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function rollouts(home: string): string[] {
  const root = join(home, '.agent', 'sessions')
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(root, f))
}

describe.skipIf(!support.available)('Ctrl-C during agent exec', () => {
  it('interrupts the turn, kills the sandboxed command tree, flushes the rollout and exits 130', async () => {
    const ws = workspace()
    const marker = `987.${process.pid}`
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          toolCalls: [
            {
              name: 'shell',
              arguments: { command: ['bash', '-lc', `sleep ${marker} & sleep ${marker}; wait`] },
            },
          ],
        },
      ],
    })
    const run = runAgent(['exec', '--json', '--full-auto', 'wait a long time'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    await waitFor(() => processesWith(`sleep ${marker}`).length >= 2, 'the command to start')
    run.child.kill('SIGINT')
    const result = await run
    expect(result.code).toBe(130)
    expect(processesWith(`sleep ${marker}`)).toEqual([])
    const lines = jsonLines(result.stdout) as { type: string; error?: { message: string } }[]
    expect(lines.at(-1)).toEqual({ type: 'turn.failed', error: { message: 'turn aborted: interrupted' } })
    const [rollout] = rollouts(ws.home)
    if (!rollout) throw new Error('no rollout written')
    expect(readFileSync(rollout, 'utf8')).toContain('"type":"turn_aborted","turn_id"')
  })
})

describe('agent exec resume and agent sessions', () => {
  it('continues the latest session with its history, by --last and by id', async () => {
    const ws = workspace()
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ text: 'first answer' }, { text: 'second answer' }, { text: 'third answer' }],
    })
    const env = ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl })
    const first = await runAgent(['exec', '--json', 'remember the word pelican'], { cwd: ws.repo, env })
    expect(first.code).toBe(0)
    const threadId = (jsonLines(first.stdout)[0] as { thread_id: string }).thread_id

    const listed = await runAgent(['sessions', '--json'], { cwd: ws.repo, env })
    expect(listed.code).toBe(0)
    const sessions = jsonLines(listed.stdout) as { id: string; cwd: string; firstUserMessage?: string }[]
    expect(sessions).toHaveLength(1)
    expect(sessions[0]).toMatchObject({
      id: threadId,
      cwd: ws.repo,
      firstUserMessage: 'remember the word pelican',
    })
    const human = await runAgent(['sessions'], { cwd: ws.repo, env })
    expect(human.stdout).toContain(threadId)

    const second = await runAgent(['exec', 'resume', '--last', 'what was the word?'], { cwd: ws.repo, env })
    expect(second.code).toBe(0)
    expect(second.stdout).toBe('second answer\n')
    const input = JSON.stringify(server.requests[1]?.body)
    expect(input).toContain('remember the word pelican')
    expect(input).toContain('first answer')
    expect(input).toContain('what was the word?')

    const third = await runAgent(['exec', 'resume', threadId, 'and again?'], { cwd: ws.repo, env })
    expect(third.code).toBe(0)
    expect(JSON.stringify(server.requests[2]?.body)).toContain('what was the word?')
    expect(rollouts(ws.home)).toHaveLength(1) // resumed in place, not a new session

    const missing = await runAgent(['exec', 'resume', 'no-such-session', 'hi'], { cwd: ws.repo, env })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no-such-session')
  })
})
