// Rollouts on disk: written per item, survive kill -9, resume with the same history, fork,
// torn last lines, listing recent sessions.
import { spawn, spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ResponseItem } from '@agent/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type Agent, JsonlSessionStore, MemorySessionStore, SessionNotFoundError } from '../src/index.js'
import { collectUntil, reply, ScriptedModel } from '../src/testing/index.js'
import { conversation, find, isTurnEnd, makeAgent, tempDir } from './helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..', '..')

let agents: Agent[] = []
afterEach(async () => {
  for (const a of agents) await a.shutdown()
  agents = []
})

const input = (text: string) => ({ type: 'user_input', items: [{ type: 'text', text }] })

async function session(
  store: JsonlSessionStore | MemorySessionStore,
  script: Parameters<typeof makeAgent>[0],
  extra: Parameters<typeof makeAgent>[1] = {},
) {
  const made = await makeAgent(script, { store, ...extra })
  agents.push(made.agent)
  return made
}

const calls = (items: readonly ResponseItem[]) =>
  items.filter((i) => i.type === 'function_call' || i.type === 'function_call_output').map((i) => i.call_id)

describe('JSONL rollouts', () => {
  it('writes $AGENT_HOME/sessions/YYYY/MM/DD/<id>.jsonl, one parsable line per item', async () => {
    const home = tempDir()
    const store = new JsonlSessionStore({ home })
    const { agent } = await session(store, [
      [reply.toolCall('echo', { text: 'x' }, 'c1')],
      [reply.text('done')],
    ])
    await agent.submit(input('hi'))
    await collectUntil(agent, isTurnEnd)
    const path = agent.rolloutPath as string
    expect(path).toMatch(new RegExp(`^${home}/sessions/\\d{4}/\\d{2}/\\d{2}/${agent.sessionId}\\.jsonl$`))
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({
      type: 'session_meta',
      payload: { id: agent.sessionId, model: 'test-model' },
    })
    const kinds = lines.map((l) =>
      l.type === 'event_msg' || l.type === 'response_item' ? `${l.type}:${l.payload.type}` : l.type,
    )
    expect(kinds).toEqual([
      'session_meta',
      'response_item:message', // preamble
      'turn_context',
      'event_msg:user_message',
      'response_item:message',
      'response_item:function_call',
      'response_item:function_call_output',
      'response_item:message',
      'event_msg:agent_message',
      'event_msg:turn_complete',
    ])
  })

  it('resumes a session with the same history and appends to the same file', async () => {
    const home = tempDir()
    const store = new JsonlSessionStore({ home })
    const first = await session(store, [
      [reply.toolCall('echo', { text: 'x' }, 'c1')],
      [reply.text('one'), reply.usage(50, 5)],
    ])
    await first.agent.submit(input('first'))
    await collectUntil(first.agent, isTurnEnd)
    const history = first.model.requests[1]?.input ?? []
    await first.agent.shutdown()

    const model = new ScriptedModel([[reply.text('two')]])
    const resumed = await session(new JsonlSessionStore({ home }), [], {
      model,
      session: { type: 'resume', sessionId: first.agent.sessionId },
    })
    const configured = await resumed.agent.nextEvent()
    expect(configured.msg.type === 'session_configured' && configured.msg.session_id).toBe(
      first.agent.sessionId,
    )
    expect(
      configured.msg.type === 'session_configured' && configured.msg.initial_messages?.length,
    ).toBeGreaterThan(3)
    await resumed.agent.submit(input('second'))
    const events = await collectUntil(resumed.agent, isTurnEnd)
    // Same history plus the assistant's last answer, then the new input; no second preamble.
    const sent = model.requests[0]?.input ?? []
    expect(sent.slice(0, history.length)).toEqual(history)
    expect(JSON.stringify(sent).match(/agent:preamble/g)).toHaveLength(1)
    expect(resumed.agent.rolloutPath).toBe(first.agent.rolloutPath)
    // Token totals carried over.
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('two')
    const restored = await store.load(first.agent.sessionId)
    expect(
      restored.lines.filter((l) => l.type === 'event_msg' && l.payload.type === 'user_message'),
    ).toHaveLength(2)
  })

  it('survives kill -9 of a real process mid-turn: the rollout parses and resumes', async () => {
    const home = tempDir()
    const cwd = tempDir()
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(here, 'child-session.ts'), home, cwd],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const sessionId = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`child never got ready: ${stderr}`)), 60_000)
      child.stdout.on('data', (d) => {
        out += d
        const m = /ready (\S+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1] as string)
        }
      })
      child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)))
    })
    // SIGKILL the whole group: the agent process and its sleeping child.
    process.kill(-(child.pid as number), 'SIGKILL')
    await new Promise((r) => child.once('close', r))

    const store = new JsonlSessionStore({ home })
    const loaded = await store.load(sessionId)
    expect(loaded.warnings).toEqual([])
    const before = loaded.lines.flatMap((l) => (l.type === 'response_item' ? [l.payload] : []))
    expect(calls(before)).toEqual([
      'call_0',
      'call_0',
      'call_1',
      'call_1',
      'call_2',
      'call_2',
      'call_3',
      'call_3',
      'call_4',
      'call_4',
      'call_sleep',
    ])

    const model = new ScriptedModel([[reply.text('resumed fine')]])
    const resumed = await session(store, [], { model, session: { type: 'resume', sessionId } })
    await resumed.agent.submit(input('what happened?'))
    const events = await collectUntil(resumed.agent, isTurnEnd)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('resumed fine')
    const sent = model.requests[0]?.input ?? []
    // The interrupted call got a result so the history is valid for any provider.
    const sleepOut = sent.find((i) => i.type === 'function_call_output' && i.call_id === 'call_sleep')
    expect(sleepOut).toMatchObject({
      is_error: true,
      output: 'aborted: the session ended before this call finished',
    })
    expect(JSON.stringify(sent)).toContain('step 4')
  }, 90_000)

  it('skips a torn last line with a warning and keeps everything before it', async () => {
    const home = tempDir()
    const store = new JsonlSessionStore({ home })
    const { agent } = await session(store, [[reply.text('ok')]])
    await agent.submit(input('hi'))
    await collectUntil(agent, isTurnEnd)
    await agent.shutdown()
    appendFileSync(agent.rolloutPath as string, '{"timestamp":"2026-01-01T00:00:00.000Z","type":"response_it')
    const loaded = await store.load(agent.sessionId)
    expect(loaded.warnings).toHaveLength(1)
    expect(loaded.warnings[0]).toMatch(/skipped a torn last line/)
    const model = new ScriptedModel([[reply.text('again')]])
    const resumed = await session(new JsonlSessionStore({ home }), [], {
      model,
      session: { type: 'resume', sessionId: agent.sessionId },
    })
    const configured = await resumed.agent.nextEvent()
    expect(configured.msg).toMatchObject({ type: 'warning' })
    await resumed.agent.submit(input('more'))
    await collectUntil(resumed.agent, isTurnEnd)
    await resumed.agent.shutdown()
    // Appending after a torn line starts a fresh line, so the file parses again (minus the torn one).
    const reread = await new JsonlSessionStore({ home }).load(agent.sessionId)
    expect(reread.warnings).toHaveLength(1)
    expect(reread.warnings[0]).toMatch(/not JSON/)
    expect(
      reread.lines.filter((l) => l.type === 'event_msg' && l.payload.type === 'user_message'),
    ).toHaveLength(2)
  })

  it('forks the first n user messages into a new session', async () => {
    const home = tempDir()
    const store = new JsonlSessionStore({ home })
    const { agent } = await session(store, [[reply.text('a1')], [reply.text('a2')], [reply.text('a3')]])
    for (const text of ['q1', 'q2', 'q3']) {
      await agent.submit(input(text))
      await collectUntil(agent, isTurnEnd)
    }
    const model = new ScriptedModel([[reply.text('forked answer')]])
    const fork = await session(store, [], {
      model,
      session: { type: 'fork', sessionId: agent.sessionId, userMessages: 2 },
    })
    expect(fork.agent.sessionId).not.toBe(agent.sessionId)
    await fork.agent.submit(input('q2-bis'))
    await collectUntil(fork.agent, isTurnEnd)
    // Exactly the first two exchanges, then the new question (not substrings of the serialised
    // request: its environment context names a random temp directory that may contain 'a3').
    expect(conversation(model.requests[0]?.input)).toEqual([
      'user: q1',
      'assistant: a1',
      'user: q2',
      'assistant: a2',
      'user: q2-bis',
    ])
    const meta = (await store.load(fork.agent.sessionId)).meta
    expect(meta.forked_from).toBe(agent.sessionId)
    const list = await store.list()
    expect(list.map((s) => s.id)).toContain(fork.agent.sessionId)
    expect(list.find((s) => s.id === fork.agent.sessionId)?.forkedFrom).toBe(agent.sessionId)
    // Fork 0 keeps only the preamble.
    const empty = await session(store, [[reply.text('fresh')]], {
      session: { type: 'fork', sessionId: agent.sessionId, userMessages: 0 },
    })
    await empty.agent.submit(input('new'))
    await collectUntil(empty.agent, isTurnEnd)
  })

  it('lists recent sessions newest first with their first message', async () => {
    const home = tempDir()
    const store = new JsonlSessionStore({ home })
    for (const text of ['alpha', 'beta']) {
      const { agent } = await session(store, [[reply.text('ok')]])
      await agent.submit(input(text))
      await collectUntil(agent, isTurnEnd)
      await agent.shutdown()
      await new Promise((r) => setTimeout(r, 20))
    }
    const list = await new JsonlSessionStore({ home }).list({ limit: 10 })
    expect(list.map((s) => s.firstUserMessage)).toEqual(['beta', 'alpha'])
    expect(list[0]).toMatchObject({ model: 'test-model' })
    expect((await store.list({ limit: 1 })).length).toBe(1)
  })

  it('reports a missing session clearly', async () => {
    const store = new JsonlSessionStore({ home: tempDir() })
    await expect(store.load('nope')).rejects.toBeInstanceOf(SessionNotFoundError)
    await expect(store.load('nope')).rejects.toThrow(/no session with id nope .*agent sessions/)
    await expect(makeAgent([], { store, session: { type: 'resume', sessionId: 'nope' } })).rejects.toThrow(
      SessionNotFoundError,
    )
  })
})

describe('in-memory store', () => {
  it('supports the same resume and listing', async () => {
    const store = new MemorySessionStore()
    const { agent } = await session(store, [[reply.text('ok')]])
    await agent.submit(input('remember me'))
    await collectUntil(agent, isTurnEnd)
    await agent.shutdown()
    const list = await store.list()
    expect(list[0]).toMatchObject({ id: agent.sessionId, firstUserMessage: 'remember me' })
    const model = new ScriptedModel([[reply.text('back')]])
    const resumed = await session(store, [], {
      model,
      session: { type: 'resume', sessionId: agent.sessionId },
    })
    await resumed.agent.submit(input('again'))
    await collectUntil(resumed.agent, isTurnEnd)
    expect(JSON.stringify(model.requests[0]?.input)).toContain('remember me')
    await expect(store.load('missing')).rejects.toBeInstanceOf(SessionNotFoundError)
  })

  it('keeps copies of appended lines: changing them afterwards changes nothing stored', async () => {
    const store = new MemorySessionStore()
    const meta = {
      id: 'copied',
      timestamp: '2026-01-01T00:00:00.000Z',
      cwd: '/work',
      originator: 'test',
      cli_version: '0.0.0',
    }
    const writer = await store.create(meta)
    const item: ResponseItem = {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'kept' }],
    }
    const lines = [
      { timestamp: meta.timestamp, type: 'response_item' as const, payload: item },
      { timestamp: meta.timestamp, type: 'response_item' as const, payload: item },
    ]
    await writer.append(lines)
    ;(item.content[0] as { text: string }).text = 'changed'
    lines.pop()
    const loaded = await store.load('copied')
    expect(loaded.lines.slice(1).map((line) => JSON.stringify(line.payload))).toEqual([
      JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'kept' }] }),
      JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'kept' }] }),
    ])
  })
})

describe('the README example', () => {
  it('runs as written', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(here, '..', 'examples', 'embed.ts')],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    const code = await new Promise((r) => child.on('close', r))
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain('approve? sh -c echo 6*7 | bc || echo 42 — yes')
    expect(out).toContain('ran, exit 0: 42')
    expect(out).toContain('agent: The answer is 42.')
  }, 60_000)
})

// A full disk and a read-only agent home, on real file systems: small tmpfs mounts (root only).
function mountable(): boolean {
  if (process.getuid?.() !== 0) return false
  const probe = tempDir()
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe]).status !== 0) return false
  spawnSync('umount', [probe])
  return true
}
const canMount = mountable()

describe.skipIf(!canMount)(
  'rollouts on a full or read-only disk (root mounts small tmpfs file systems)',
  () => {
    const mounts: string[] = []
    afterEach(() => {
      for (const dir of mounts.splice(0)) spawnSync('umount', [dir])
    })
    function mount(options: string): string {
      const dir = tempDir()
      const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' })
      if (result.status !== 0) throw new Error(`mount failed: ${result.stderr}`)
      mounts.push(dir)
      return dir
    }
    const meta = (id: string) => ({
      id,
      timestamp: '2026-01-02T03:04:05.000Z',
      cwd: '/w',
      originator: 'test',
      model: 'm',
      model_provider: 'p',
    })
    const message = (text: string) => ({
      timestamp: '2026-01-02T03:04:06.000Z',
      type: 'event_msg' as const,
      payload: { type: 'agent_message' as const, message: text },
    })

    it('keeps the file whole when the disk fills, and writes the held lines once there is room', async () => {
      const home = mount('size=64k')
      const store = new JsonlSessionStore({ home })
      const writer = await store.create(meta('full'))
      const big = 'x'.repeat(100_000)
      await expect(writer.append([message(big)])).rejects.toThrow(
        'ENOSPC: no space left on the device; 1 line(s) held in memory, written as soon as there is room',
      )
      // Cut back to the last whole line: the file still parses.
      const before = await store.load('full')
      expect(before.warnings).toEqual([])
      expect(before.lines.map((l) => l.type)).toEqual(['session_meta'])
      expect(spawnSync('mount', ['-o', 'remount,size=1m', home]).status).toBe(0)
      await writer.append([message('after')])
      await writer.close()
      const after = await store.load('full')
      expect(after.warnings).toEqual([])
      expect(
        after.lines.map((l) =>
          l.type === 'event_msg' && l.payload.type === 'agent_message' ? l.payload.message : l.type,
        ),
      ).toEqual(['session_meta', big, 'after'])
    })

    it('says how many lines were lost when the disk is still full at close', async () => {
      const home = mount('size=64k')
      const store = new JsonlSessionStore({ home })
      const writer = await store.create(meta('stays-full'))
      await expect(writer.append([message('y'.repeat(100_000)), message('z')])).rejects.toThrow('ENOSPC')
      await expect(writer.close()).rejects.toThrow(
        /^the last 2 line\(s\) of .*stays-full\.jsonl could not be written \(ENOSPC: no space left on the device\); the session resumes from before them$/,
      )
      expect((await store.load('stays-full')).warnings).toEqual([])
    })

    it('names the read-only agent home and the ways out', async () => {
      const home = mount('ro,size=4k')
      const store = new JsonlSessionStore({ home })
      await expect(store.create(meta('ro'))).rejects.toThrow(
        `cannot record the session under ${home}/sessions: EROFS: the file system is read-only. Set AGENT_HOME to a writable directory, or run with --ephemeral to keep no record`,
      )
    })
  },
)
