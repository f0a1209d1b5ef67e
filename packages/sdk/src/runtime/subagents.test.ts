// A subagent's approval request reaches the parent's user: real child agents on the real
// composition, against the mock provider on 127.0.0.1, answered through the parent's queue pair.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import type { EventMsg } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load.js'
import { composeRuntime, type Runtime } from './compose.js'

let server: MockProviderServer | undefined
let runtime: Runtime | undefined
afterEach(async () => {
  await runtime?.close()
  await server?.close()
  runtime = undefined
  server = undefined
})

type Request = Extract<EventMsg, { type: 'exec_approval_request' }>

async function setup(): Promise<{ repo: string; events: () => Promise<EventMsg> }> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sdk-subagent-')))
  const repo = join(root, 'repo')
  const home = join(root, 'home')
  mkdirSync(join(repo, '.claude', 'agents'), { recursive: true })
  mkdirSync(join(repo, 'build'), { recursive: true })
  mkdirSync(home, { recursive: true })
  writeFileSync(
    join(repo, '.claude', 'agents', 'cleaner.md'),
    '---\nname: cleaner\ndescription: Cleans up\n---\nYou clean up.\n',
  )
  writeFileSync(join(repo, 'build', 'out.txt'), 'x\n')
  server = await startMockProviderServer({
    wire: 'responses',
    turns: [
      {
        toolCalls: [
          { name: 'Task', arguments: { description: 'clean', prompt: 'clean up', subagent_type: 'cleaner' } },
        ],
      },
      { toolCalls: [{ name: 'shell', arguments: { command: ['rm', '-rf', 'build'] } }] },
      { text: 'Cleaner finished.' },
      { text: 'Parent done.' },
    ],
  })
  const env = { AGENT_HOME: home, HOME: root, PATH: process.env.PATH ?? '/usr/bin:/bin', OPENAI_API_KEY: 'x' }
  runtime = await composeRuntime({
    cwd: repo,
    loaded: loadConfig({ cwd: repo, env }),
    env,
    model: { provider: 'openai', baseUrl: server.baseUrl },
    sandboxMode: 'danger-full-access',
    approvalPolicy: 'on-request',
    pluginDirs: [],
    ephemeral: true,
  })
  const agent = runtime.agent
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'clean it' }] })
  return { repo, events: async () => (await agent.nextEvent()).msg }
}

/** Reads the parent's events up to the first approval request, answering it with `decide`. */
async function runTurn(events: () => Promise<EventMsg>, decide: (request: Request) => Promise<void>) {
  const requests: Request[] = []
  for (;;) {
    const msg = await events()
    if (msg.type === 'exec_approval_request') {
      requests.push(msg)
      await decide(msg)
    }
    if (msg.type === 'turn_complete') return { requests, last: msg.last_agent_message }
  }
}

// 60 s per test: a full composition (plugins, policy grammar) and four model round trips on a
// shared 2-core machine.
describe('subagent approvals', () => {
  it('reach the parent labelled with the subagent, and the approval runs the command', async () => {
    const { repo, events } = await setup()
    const agent = runtime?.agent
    const { requests, last } = await runTurn(events, async (request) => {
      await agent?.submit({ type: 'exec_approval', id: request.call_id, decision: 'approved' })
    })
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ command: ['rm', '-rf', 'build'], subagent: 'cleaner' })
    expect(existsSync(join(repo, 'build'))).toBe(false)
    expect(last).toBe('Parent done.')
    // The child's tool result says the command ran; the parent got the child's last message.
    expect(JSON.stringify(server?.requests[2]?.body)).not.toContain('rejected')
    expect(JSON.stringify(server?.requests[3]?.body)).toContain('Cleaner finished.')
  }, 60_000)

  it('route a denial, with the user’s feedback, back to the subagent', async () => {
    const { repo, events } = await setup()
    const agent = runtime?.agent
    const { requests } = await runTurn(events, async (request) => {
      await agent?.submit({
        type: 'exec_approval',
        id: request.call_id,
        decision: 'denied',
        feedback: 'keep the build folder',
      })
    })
    expect(requests[0]?.subagent).toBe('cleaner')
    expect(existsSync(join(repo, 'build', 'out.txt'))).toBe(true)
    expect(JSON.stringify(server?.requests[2]?.body)).toContain('keep the build folder')
  }, 60_000)
})
