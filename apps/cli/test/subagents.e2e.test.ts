// Subagents end to end: the built binary, a `.claude/agents/*.md` definition with `maxTurns`,
// and a scripted provider that would keep the subagent calling tools for ever.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('subagents', () => {
  it('stop after maxTurns model requests and tell the parent they hit the limit', async () => {
    const ws = workspace({
      '.claude/agents/looper.md':
        '---\nname: looper\ndescription: Repeats a step\nmaxTurns: 2\n---\nYou repeat steps.\n',
    })
    const step = (n: number) => ({
      text: `Step ${n}.`,
      toolCalls: [{ name: 'shell', arguments: { command: ['bash', '-c', `echo ${n} >> steps.log`] } }],
    })
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          toolCalls: [
            { name: 'Task', arguments: { description: 'loop', prompt: 'repeat', subagent_type: 'looper' } },
          ],
        },
        step(1),
        step(2),
        // Without the limit the subagent would get this answer and the parent nothing.
        { text: 'Parent done.' },
      ],
    })
    const run = await runAgent(['exec', '-s', 'danger-full-access', 'delegate it'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('Parent done.')
    expect(server.requests).toHaveLength(4)
    expect(readFileSync(join(ws.repo, 'steps.log'), 'utf8')).toBe('1\n2\n')
    const parentInput = JSON.stringify(server.requests[3]?.body)
    expect(parentInput).toContain('maxTurns limit')
    expect(parentInput).toContain('Step 2.')
  })
  it('ask for approval through the parent: exec denies it, labelled with the subagent, and the parent goes on', async () => {
    const ws = workspace({
      '.claude/agents/cleaner.md': '---\nname: cleaner\ndescription: Cleans up\n---\nYou clean up.\n',
      'build/keep.txt': 'x\n',
    })
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        {
          toolCalls: [
            {
              name: 'Task',
              arguments: { description: 'clean', prompt: 'clean up', subagent_type: 'cleaner' },
            },
          ],
        },
        { toolCalls: [{ name: 'shell', arguments: { command: ['rm', '-rf', 'build'] } }] },
        { text: 'I need approval to run rm -rf build.' },
        { text: 'The subagent needs rm -rf build approved.' },
      ],
    })
    // on-request: the policy asks about `rm -rf`. A subagent's request must not wait for ever.
    const run = await runAgent(['exec', '-s', 'danger-full-access', '-a', 'on-request', 'clean it'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('The subagent needs rm -rf build approved.')
    expect(readFileSync(join(ws.repo, 'build', 'keep.txt'), 'utf8')).toBe('x\n')
    expect(JSON.stringify(server.requests[2]?.body)).toContain('agent exec is a non-interactive run')
    expect(run.stderr).toContain('agent: subagent cleaner: approval needed to run `rm -rf build`')
  }, 60_000)
})
