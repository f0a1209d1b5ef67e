// A subagent's approval request reaches the parent's user: real child agents on the real
// composition, against the mock provider on 127.0.0.1, answered through the parent's queue pair.
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
import type { ApprovalGate, StepJournal } from '@agent/core'
import { MemoryApprovalGate, MemoryJournal } from '@agent/core/testing'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import type { EventMsg } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load.js'
import { composeRuntime, type Runtime } from './compose.js'

let server: MockProviderServer | undefined
let runtime: Runtime | undefined
const roots: string[] = []
afterEach(async () => {
  await runtime?.close()
  await server?.close()
  runtime = undefined
  server = undefined
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

type Request = Extract<EventMsg, { type: 'exec_approval_request' }>

interface Durable {
  journal?: StepJournal
  approvals?: ApprovalGate
}

/**
 * A repository with the `cleaner` subagent and a mock provider scripted with `childTurns` between
 * the parent's Task call and its last answer; a runtime over it (`start` makes another worker over
 * the same repository and server) with the first turn submitted.
 */
async function setup(
  durable: Durable = {},
  childTurns: MockTurn[] = [
    { toolCalls: [{ name: 'shell', arguments: { command: ['rm', '-rf', 'build'] } }] },
    { text: 'Cleaner finished.' },
  ],
): Promise<{ repo: string; events: () => Promise<EventMsg>; start: (durable: Durable) => Promise<Runtime> }> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sdk-subagent-')))
  roots.push(root)
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
  const mock = await startMockProviderServer({
    wire: 'responses',
    turns: [
      {
        toolCalls: [
          { name: 'Task', arguments: { description: 'clean', prompt: 'clean up', subagent_type: 'cleaner' } },
        ],
      },
      ...childTurns,
      { text: 'Parent done.' },
    ],
  })
  server = mock
  const env = { AGENT_HOME: home, HOME: root, PATH: process.env.PATH ?? '/usr/bin:/bin', OPENAI_API_KEY: 'x' }
  const start = async (more: Durable) => {
    runtime = await composeRuntime({
      cwd: repo,
      loaded: loadConfig({ cwd: repo, env }),
      env,
      model: { provider: 'openai', baseUrl: mock.baseUrl },
      sandboxMode: 'danger-full-access',
      approvalPolicy: 'on-request',
      pluginDirs: [],
      ephemeral: true,
      // One session id for every worker, as a durable engine keeps it.
      sessionId: 'durable-parent',
      ...more,
    })
    const agent = runtime.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'clean it' }] })
    return runtime
  }
  const first = await start(durable)
  return { repo, events: async () => (await first.agent.nextEvent()).msg, start }
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

  it('over a durable journal: a new worker after a crash neither asks the answered approval again nor repeats the subagent’s finished steps', async () => {
    const journal = new MemoryJournal()
    const gate = new MemoryApprovalGate()
    const asked = gate.nextWait()
    // The subagent appends to a.txt (no approval needed), then asks to delete build/.
    const { repo, start } = await setup({ journal, approvals: gate }, [
      { toolCalls: [{ name: 'shell', arguments: { command: ['sh', '-c', 'echo ran >> a.txt'] } }] },
      { toolCalls: [{ name: 'shell', arguments: { command: ['rm', '-rf', 'build'] } }] },
      { text: 'Cleaner finished.' },
    ])
    const wait = await asked
    expect(wait.request).toMatchObject({ command: ['rm', '-rf', 'build'], subagent: 'cleaner' })
    // The Task call's step stopped at the question (the wait is between steps).
    expect(journal.entries.at(-1)?.name).toMatch(/^turn\/1\/tool\//)
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('ran\n')
    expect(server?.requests).toHaveLength(3)

    // The worker dies while the question is open; the user answers while none runs.
    const next = journal.fork()
    await runtime?.close()
    gate.answer(wait.callId, 'approved')
    const second = await start({ journal: next, approvals: gate })
    let last: string | null | undefined
    for (;;) {
      const { msg } = await second.agent.nextEvent()
      if (msg.type === 'turn_complete') {
        last = msg.last_agent_message
        break
      }
    }
    expect(last).toBe('Parent done.')
    // The subagent's first command ran once, its model requests went out once each, and the
    // answered question was not waited on again: the only waits are the one asked and its replay.
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('ran\n')
    expect(existsSync(join(repo, 'build'))).toBe(false)
    expect(server?.requests).toHaveLength(5)
    expect(gate.waits.map((w) => w.callId)).toEqual([wait.callId, wait.callId])
    // The subagent went on with its conversation (both commands' results in its next request);
    // a subagent started afresh would have sent its prompt alone.
    const childInput =
      (server?.requests[3]?.body as { input: Array<{ type?: string }> } | undefined)?.input ?? []
    expect(childInput.filter((item) => item.type === 'function_call_output')).toHaveLength(2)
    // The new worker ran the approved attempt of the Task call and what follows, nothing before.
    const taskStep = journal.entries.find((e) => e.name.startsWith('turn/1/tool/'))?.name
    expect(next.executed.filter((name) => !name.includes('/hook/'))).toEqual([
      `${taskStep}/2`,
      'turn/1/steer/2',
      'turn/1/sample/2',
      'turn/1/diff',
    ])
  }, 60_000)
})
