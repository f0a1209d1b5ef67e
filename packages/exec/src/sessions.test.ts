import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { tagged } from '../test/processes.js'
import { END_OF_INPUT, ProcessSessionError, ProcessSessionManager } from './sessions.js'

const hasPython = spawnSync('python3', ['--version']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'agent-exec-sessions-'))
const tag = tagged()
const managers: ProcessSessionManager[] = []
const manager = (options: ConstructorParameters<typeof ProcessSessionManager>[0] = {}) => {
  const created = new ProcessSessionManager({ env: tag.env, killGraceMs: 300, ...options })
  managers.push(created)
  return created
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()))
  expect(tag.survivors()).toEqual([])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Reads until `predicate` holds for the text gathered so far (a loaded machine may be slow). */
async function readUntil(
  sessions: ProcessSessionManager,
  id: string,
  predicate: (text: string) => boolean,
  timeoutMs = 20_000,
) {
  let text = ''
  let truncated = false
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await sessions.read(id, { yieldTimeMs: 100 })
    text += result.output
    truncated ||= result.truncated
    if (predicate(text) || result.exited || Date.now() > deadline)
      return { ...result, output: text, truncated }
  }
}

/** Waits, without reading it, until a session's process has exited. */
async function exitedUnread(sessions: ProcessSessionManager, id: string) {
  const deadline = Date.now() + 20_000
  while (!sessions.list().find((s) => s.sessionId === id)?.exited) {
    if (Date.now() > deadline) throw new Error(`session ${id} did not exit`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('ProcessSessionManager over pipes', () => {
  it('round-trips with cat, then closes its input with Ctrl-D', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['cat'], cwd: dir })
    await sessions.write(sessionId, 'hello\n')
    const first = await readUntil(sessions, sessionId, (t) => t.includes('hello'))
    expect(first).toMatchObject({ output: 'hello\n', exited: false, exitCode: null, truncated: false })
    await sessions.write(sessionId, END_OF_INPUT)
    const last = await readUntil(sessions, sessionId, () => false)
    expect(last).toMatchObject({ exited: true, exitCode: 0 })
    // Fully read and exited: the session is gone.
    await expect(sessions.read(sessionId, { yieldTimeMs: 0 })).rejects.toMatchObject({
      kind: 'unknown_session',
    })
  })

  it('gives stdin as a FIFO, never a socket (bash would source ~/.bashrc for a socket)', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['stat', '-L', '-c', '%F', '/dev/stdin'], cwd: dir })
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ output: 'fifo\n', exitCode: 0 })
  })

  it('drives an interactive bash and reports its exit code', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['bash'], cwd: dir })
    await sessions.write(sessionId, 'echo $((6 * 7)); pwd\n')
    const answer = await readUntil(sessions, sessionId, (t) => t.includes(dir))
    expect(answer.output).toBe(`42\n${dir}\n`)
    await sessions.write(sessionId, 'exit 7\n')
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ exited: true, exitCode: 7 })
  })

  it.skipIf(!hasPython)('drives python3 -i', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['python3', '-i', '-u', '-q'], cwd: dir })
    await sessions.write(sessionId, 'x = 6\nprint(x * 7)\n')
    const answer = await readUntil(sessions, sessionId, (t) => t.includes('42'))
    expect(answer.output).toContain('42')
    await sessions.write(sessionId, 'raise SystemExit(3)\n')
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ exited: true, exitCode: 3 })
  })

  it('returns early when the process exits during the yield time', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['sh', '-c', 'echo bye'], cwd: dir })
    const started = performance.now()
    const result = await sessions.read(sessionId, { yieldTimeMs: 60_000 })
    expect(result).toMatchObject({ output: 'bye\n', exited: true, exitCode: 0 })
    expect(performance.now() - started).toBeLessThan(30_000)
  })

  it('cuts a read to maxBytes and bounds unread output', async () => {
    const sessions = manager({ maxBufferedBytes: 1000 })
    const { sessionId } = await sessions.start({
      argv: ['bash', '-c', "printf 'HEAD'; head -c 100000 /dev/zero | tr '\\0' x; printf 'TAIL'"],
      cwd: dir,
    })
    // Read once, after the process is done, so that everything waited in the bounded buffer.
    await exitedUnread(sessions, sessionId)
    const result = await sessions.read(sessionId, { yieldTimeMs: 0 })
    expect(result.truncated).toBe(true)
    expect(result.output.startsWith('HEADxxx')).toBe(true)
    expect(result.output.endsWith('xxxTAIL')).toBe(true)
    expect(result.output.length).toBeLessThan(1100)

    const { sessionId: second } = await sessions.start({ argv: ['seq', '1', '1000'], cwd: dir })
    const cut = await sessions.read(second, { yieldTimeMs: 60_000, maxBytes: 40 })
    expect(cut.truncated).toBe(true)
    expect(cut.output).toMatch(/^1\n2\n.*…\d+ chars truncated….*\n$/s)
    expect(Buffer.byteLength(cut.output.replace(/…\d+ chars truncated…/, ''))).toBeLessThanOrEqual(40)
  })

  it('does not block a write on a child that never reads', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    const started = performance.now()
    await sessions.write(sessionId, 'x'.repeat(1024 * 1024))
    expect(performance.now() - started).toBeLessThan(10_000)
    await sessions.kill(sessionId)
  })

  it('feeds extra descriptors', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({
      argv: ['bash', '-c', 'cat <&3'],
      cwd: dir,
      extraFds: [{ fd: 3, data: new TextEncoder().encode('from three') }],
    })
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({
      output: 'from three',
      exitCode: 0,
    })
  })

  it('kills the whole tree, grandchildren included', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({
      argv: ['bash', '-c', "trap '' TERM; (trap '' TERM; sleep 100) & sleep 100 & echo up; wait"],
      cwd: dir,
    })
    await readUntil(sessions, sessionId, (t) => t.includes('up'))
    await sessions.kill(sessionId)
    expect(tag.survivors()).toEqual([])
    await expect(sessions.write(sessionId, 'x')).rejects.toBeInstanceOf(ProcessSessionError)
  })

  it('kills background processes left behind when the main process exits', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['bash', '-c', 'sleep 100 & echo started'], cwd: dir })
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({
      exited: true,
      output: 'started\n',
    })
    expect(tag.survivors()).toEqual([])
  })

  it('kills daemons that left the session when escapes are tracked', async () => {
    const sessions = manager({ trackEscapes: true })
    const { sessionId } = await sessions.start({
      argv: ['bash', '-c', 'setsid sleep 100 & echo up'],
      cwd: dir,
    })
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ exited: true, output: 'up\n' })
    expect(tag.survivors()).toEqual([])
  })

  it('prunes the least recently used session beyond the cap', async () => {
    const sessions = manager({ maxSessions: 2 })
    const a = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    const b = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    await sessions.read(a.sessionId, { yieldTimeMs: 0 })
    const c = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    expect(sessions.list().map((s) => s.sessionId)).toEqual([a.sessionId, c.sessionId])
    await expect(sessions.read(b.sessionId, { yieldTimeMs: 0 })).rejects.toMatchObject({
      kind: 'unknown_session',
    })
  })

  it('prefers pruning exited sessions', async () => {
    const sessions = manager({ maxSessions: 2 })
    const live = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    const done = await sessions.start({ argv: ['true'], cwd: dir })
    // Let `true` exit without reading it; it is also the most recently used.
    await exitedUnread(sessions, done.sessionId)
    await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    expect(sessions.list().map((s) => s.sessionId)).toContain(live.sessionId)
    expect(sessions.list().map((s) => s.sessionId)).not.toContain(done.sessionId)
  })

  it('turns start failures into a first read that explains them', async () => {
    const sessions = manager()
    const missing = await sessions.start({ argv: ['no-such-program-xyz'], cwd: dir })
    expect(await sessions.read(missing.sessionId, { yieldTimeMs: 1000 })).toEqual({
      output: 'command not found: no-such-program-xyz\n',
      exited: true,
      exitCode: 127,
      truncated: false,
    })
    const badCwd = await sessions.start({ argv: ['true'], cwd: join(dir, 'missing') })
    expect(await sessions.read(badCwd.sessionId, { yieldTimeMs: 0 })).toMatchObject({ exitCode: 125 })
    await expect(sessions.start({ argv: [], cwd: dir })).rejects.toMatchObject({ kind: 'invalid_request' })
  })

  it('refuses writes to an exited session and unknown ids', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['true'], cwd: dir })
    await exitedUnread(sessions, sessionId)
    await expect(sessions.write(sessionId, 'x')).rejects.toMatchObject({ kind: 'session_exited' })
    await expect(sessions.kill('nope')).rejects.toMatchObject({ kind: 'unknown_session' })
  })
})

describe('ProcessSessionManager with a PTY', () => {
  it('runs an interactive shell on a terminal', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({
      argv: ['bash', '--norc', '--noprofile', '-i'],
      cwd: dir,
      tty: true,
    })
    await sessions.write(sessionId, 'tty; echo "cols=$(tput cols 2>/dev/null || stty size)"\r')
    const answer = await readUntil(sessions, sessionId, (t) => /cols=\S+/.test(t))
    expect(answer.output).toContain('/dev/pts/')
    await sessions.write(sessionId, 'exit 4\r')
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ exited: true, exitCode: 4 })
  })

  it('resizes the terminal', async () => {
    const sessions = manager({ columns: 100, rows: 30 })
    const { sessionId } = await sessions.start({
      argv: ['bash', '--norc', '--noprofile', '-i'],
      cwd: dir,
      tty: true,
    })
    await sessions.write(sessionId, 'stty size\r')
    expect((await readUntil(sessions, sessionId, (t) => t.includes('30 100'))).output).toContain('30 100')
    sessions.resize(sessionId, 120, 40)
    await sessions.write(sessionId, 'stty size\r')
    expect((await readUntil(sessions, sessionId, (t) => t.includes('40 120'))).output).toContain('40 120')
    expect(() => sessions.resize(sessionId, 0, 10)).toThrow(ProcessSessionError)
    const piped = await sessions.start({ argv: ['sleep', '100'], cwd: dir })
    expect(() => sessions.resize(piped.sessionId, 80, 24)).toThrow(/tty: true/)
  })

  it('delivers Ctrl-C as SIGINT', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['sleep', '100'], cwd: dir, tty: true })
    await sessions.read(sessionId, { yieldTimeMs: 200 })
    await sessions.write(sessionId, '\u0003')
    expect(await readUntil(sessions, sessionId, () => false)).toMatchObject({ exited: true, exitCode: 130 })
  })

  it('reports a missing program and rejects extra descriptors', async () => {
    const sessions = manager()
    const { sessionId } = await sessions.start({ argv: ['no-such-program-xyz'], cwd: dir, tty: true })
    expect(await sessions.read(sessionId, { yieldTimeMs: 0 })).toMatchObject({ exitCode: 127, exited: true })
    await expect(
      sessions.start({ argv: ['true'], cwd: dir, tty: true, extraFds: [{ fd: 3, data: new Uint8Array() }] }),
    ).rejects.toMatchObject({ kind: 'invalid_request' })
  })
})
