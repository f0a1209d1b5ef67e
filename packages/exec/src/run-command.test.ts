import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Tagged, tagged } from '../test/processes.js'
import { runCommand } from './run-command.js'
import type { OutputChunk, RunCommandOptions } from './types.js'

const dir = mkdtempSync(join(tmpdir(), 'agent-exec-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs with a marker and checks afterwards that no process of the run is left alive. */
async function run(options: Omit<RunCommandOptions, 'cwd'> & { cwd?: string }, tag: Tagged = tagged()) {
  const result = await runCommand({ cwd: dir, env: tag.env, ...options })
  expect(tag.survivors()).toEqual([])
  return result
}

describe('runCommand: basics', () => {
  it('captures stdout and stderr separately and interleaved in arrival order', async () => {
    const result = await run({
      argv: ['bash', '-c', 'echo one; sleep 0.4; echo two >&2; sleep 0.4; echo three'],
    })
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      stdout: 'one\nthree\n',
      stderr: 'two\n',
      aggregatedOutput: 'one\ntwo\nthree\n',
      timedOut: false,
      aborted: false,
      truncated: false,
      stdoutBytes: 10,
      stderrBytes: 4,
    })
    expect(result.error).toBeUndefined()
    expect(result.pid).toBeGreaterThan(0)
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('passes argv without a shell', async () => {
    const result = await run({ argv: ['echo', '$HOME && ls; `id`'] })
    expect(result.stdout).toBe('$HOME && ls; `id`\n')
  })

  it('reports the exit code and the signal that ended the process', async () => {
    expect((await run({ argv: ['bash', '-c', 'exit 3'] })).exitCode).toBe(3)
    const killed = await run({ argv: ['bash', '-c', 'kill -TERM $$'] })
    expect(killed).toMatchObject({ exitCode: 143, signal: 'SIGTERM' })
  })

  it('runs in the given directory with exactly the given environment', async () => {
    const tag = tagged()
    const result = await run(
      { argv: ['bash', '-c', 'pwd; echo "$ONLY"; env | wc -l'], env: { ONLY: 'x', ...tag.marker } },
      tag,
    )
    const [pwd, only, count] = result.stdout.trim().split('\n')
    expect(pwd).toBe(dir)
    expect(only).toBe('x')
    // ONLY and the test marker, plus PWD, SHLVL and _ from bash; nothing of the parent's leaks in.
    expect(Number(count)).toBeLessThanOrEqual(5)
  })

  it('closes stdin when none is given, and writes it when given', async () => {
    const closed = await run({ argv: ['cat'], timeoutMs: 20_000 })
    expect(closed).toMatchObject({ exitCode: 0, stdout: '', timedOut: false })
    const fed = await run({ argv: ['cat'], stdin: 'hello\nworld' })
    expect(fed.stdout).toBe('hello\nworld')
  })

  it('gives stdin as a file, never a socket (bash would source ~/.bashrc for a socket)', async () => {
    const result = await run({ argv: ['bash', '-c', 'stat -L -c %F /dev/stdin; cat'], stdin: 'data' })
    expect(result.stdout).toBe('regular file\ndata')
  })

  it('survives a command that does not read its stdin', async () => {
    const result = await run({ argv: ['true'], stdin: 'x'.repeat(4 * 1024 * 1024) })
    expect(result.exitCode).toBe(0)
  })

  it('feeds extra file descriptors and closes them', async () => {
    const encoder = new TextEncoder()
    const result = await run({
      argv: ['bash', '-c', 'cat <&3; cat <&5'],
      extraFds: [
        { fd: 3, data: encoder.encode('three\n') },
        { fd: 5, data: encoder.encode('five\n') },
      ],
    })
    expect(result.stdout).toBe('three\nfive\n')
  })
})

describe('runCommand: start failures are results', () => {
  it('reports a missing program as exit code 127', async () => {
    const result = await runCommand({ argv: ['no-such-program-xyz', '--flag'], cwd: dir })
    expect(result).toMatchObject({ exitCode: 127, error: 'command not found: no-such-program-xyz' })
    expect(result.errorKind).toBe('command_not_found')
  })

  it('reports a missing or non-directory cwd', async () => {
    const missing = await runCommand({ argv: ['true'], cwd: join(dir, 'nope') })
    expect(missing).toMatchObject({
      exitCode: 125,
      errorKind: 'bad_cwd',
      error: `no such directory: ${join(dir, 'nope')}`,
    })
    const file = join(dir, 'a-file')
    writeFileSync(file, '')
    const notDir = await runCommand({ argv: ['true'], cwd: file })
    expect(notDir).toMatchObject({ exitCode: 125, error: `not a directory: ${file}` })
    // The cwd is the problem named, even when the program is missing too, or stdin was given.
    const both = await runCommand({ argv: ['no-such-program-xyz'], cwd: join(dir, 'nope'), stdin: 'x' })
    expect(both).toMatchObject({ exitCode: 125, errorKind: 'bad_cwd' })
    const notDirToo = await runCommand({ argv: ['no-such-program-xyz'], cwd: file })
    expect(notDirToo).toMatchObject({ exitCode: 125, error: `not a directory: ${file}` })
  })

  it('reports a program that is not executable as exit code 126', async () => {
    const script = join(dir, 'not-executable.sh')
    writeFileSync(script, '#!/bin/sh\necho hi\n')
    chmodSync(script, 0o644)
    const result = await runCommand({ argv: [script], cwd: dir })
    expect(result).toMatchObject({ exitCode: 126, errorKind: 'permission_denied' })
    expect(result.error).toContain('permission denied')
  })

  it('rejects empty argv and bad extra fds with a message naming the fix', async () => {
    expect(await runCommand({ argv: [], cwd: dir })).toMatchObject({
      exitCode: 2,
      errorKind: 'invalid_request',
    })
    const badFd = await runCommand({
      argv: ['true'],
      cwd: dir,
      extraFds: [{ fd: 1, data: new Uint8Array() }],
    })
    expect(badFd.error).toMatch(/use 3 or more/)
    const nul = await runCommand({ argv: ['echo', 'a\0b'], cwd: dir })
    expect(nul).toMatchObject({ errorKind: 'invalid_request' })
  })
})

describe('runCommand: timeouts, abort and leftovers', () => {
  it('kills the whole tree on timeout, grandchildren that ignore SIGTERM included', async () => {
    const tag = tagged()
    const script = `
      trap '' TERM
      for i in 1 2 3; do (trap '' TERM; exec sleep 100) & done
      (trap '' TERM; bash -c 'trap "" TERM; sleep 100' ) &
      echo started
      wait`
    const started = performance.now()
    const result = await run({ argv: ['bash', '-c', script], timeoutMs: 1500, killGraceMs: 300 }, tag)
    expect(result).toMatchObject({ exitCode: 124, timedOut: true, aborted: false, stdout: 'started\n' })
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('kills children that moved to their own process group', async () => {
    const result = await run({
      argv: ['bash', '-c', 'set -m; sleep 100 & sleep 100 & echo ok; wait'],
      timeoutMs: 400,
      killGraceMs: 200,
    })
    expect(result.timedOut).toBe(true)
  })

  it('aborts mid-run and reports it', async () => {
    const controller = new AbortController()
    const result = await run({
      argv: ['bash', '-c', 'echo ready; sleep 100 & sleep 100'],
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.data.includes('ready')) controller.abort()
      },
    })
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: 143, signal: 'SIGTERM' })
    expect(result.stdout).toBe('ready\n')
  })

  it('notices an abort that happens while the process starts', async () => {
    const controller = new AbortController()
    const pending = run({ argv: ['sleep', '100'], signal: controller.signal })
    // Aborted synchronously after the call, before the spawn has been confirmed.
    controller.abort()
    const result = await pending
    expect(result.aborted || result.errorKind === 'aborted_before_start').toBe(true)
    expect(result.durationMs).toBeLessThan(20_000)
  })

  it('does not start when already aborted', async () => {
    const result = await runCommand({ argv: ['true'], cwd: dir, signal: AbortSignal.abort() })
    expect(result).toMatchObject({ aborted: true, errorKind: 'aborted_before_start' })
  })

  it('does not hang on a background grandchild holding the pipe', async () => {
    const started = performance.now()
    const result = await run({ argv: ['bash', '-c', 'sleep 100 & echo done'], drainTimeoutMs: 200 })
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n' })
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('keeps what background processes write during the drain window', async () => {
    const result = await run({
      argv: ['bash', '-c', '(sleep 0.1; echo late) & echo early'],
      drainTimeoutMs: 5000,
    })
    expect(result.stdout).toBe('early\nlate\n')
  })

  it('kills background processes that hold no pipe', async () => {
    const result = await run({ argv: ['bash', '-c', 'nohup sleep 100 >/dev/null 2>&1 & echo bye'] })
    expect(result.stdout).toBe('bye\n')
  })

  it('returns even when a process escapes with setsid and keeps the pipe', async () => {
    // A double fork into a new session is invisible once its parent is gone (as in Codex); the
    // run must still end after the drain window. The test cleans the escapee up itself.
    const tag = tagged()
    const started = performance.now()
    const result = await runCommand({
      argv: ['bash', '-c', 'setsid sleep 100 & echo out'],
      cwd: dir,
      env: tag.env,
      drainTimeoutMs: 200,
    })
    expect(result.stdout).toBe('out\n')
    expect(performance.now() - started).toBeLessThan(10_000)
    tag.killSurvivors()
  })
})

describe('runCommand: trackEscapes', () => {
  it('kills daemons that double-forked into a new session, with or without the pipes', async () => {
    const result = await run({
      argv: ['bash', '-c', 'setsid sleep 100 & setsid nohup sleep 100 >/dev/null 2>&1 & echo out'],
      drainTimeoutMs: 200,
      trackEscapes: true,
    })
    expect(result.stdout).toBe('out\n')
  })

  it('adds its marker to the environment only when asked', async () => {
    const script = 'printenv AGENT_EXEC_RUN_ID || echo none'
    const tracked = await run({ argv: ['bash', '-c', script], trackEscapes: true })
    expect(tracked.stdout).toMatch(/^[0-9a-f-]{36}\n$/)
    const plain = await run({ argv: ['bash', '-c', script] })
    expect(plain.stdout).toBe('none\n')
  })

  it('finds escaped daemons on timeout too', async () => {
    const result = await run({
      argv: ['bash', '-c', 'setsid bash -c "trap "" TERM; sleep 100" >/dev/null 2>&1 & sleep 100'],
      timeoutMs: 500,
      killGraceMs: 200,
      trackEscapes: true,
    })
    expect(result.timedOut).toBe(true)
  })
})

describe('runCommand: output', () => {
  it('keeps memory flat for 1 GiB of output', async () => {
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    const result = await run({ argv: ['head', '-c', String(1024 ** 3), '/dev/zero'], timeoutMs: 100_000 })
    clearInterval(sampler)
    expect(result).toMatchObject({ exitCode: 0, truncated: true, stdoutBytes: 1024 ** 3 })
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(1024 * 1024 + 100)
    expect(result.stdout).toMatch(/…1072693248 bytes truncated…/)
    expect(peak - before).toBeLessThan(128 * 1024 * 1024)
  }, 110_000)

  it('decodes binary and invalid UTF-8 without losing the valid parts', async () => {
    const chunks: OutputChunk[] = []
    const result = await run({
      argv: ['printf', 'ok\\377\\376\\000z\\303'],
      onOutput: (chunk) => chunks.push(chunk),
    })
    expect(result.stdout).toBe('ok\uFFFD\uFFFD\0z\uFFFD')
    expect(chunks.map((c) => c.data).join('')).toBe(result.stdout)
  })

  it('delivers a character split across writes whole', async () => {
    const chunks: string[] = []
    const result = await run({
      argv: ['bash', '-c', "printf '\\xe2\\x82'; sleep 0.1; printf '\\xac!'"],
      onOutput: (chunk) => chunks.push(chunk.data),
    })
    expect(result.stdout).toBe('€!')
    expect(chunks.join('')).toBe('€!')
    expect(chunks.some((c) => c.includes('\uFFFD'))).toBe(false)
  })

  it('bounds a huge single line head and tail', async () => {
    const result = await run({
      argv: ['bash', '-c', "printf 'START'; head -c 20000000 /dev/zero | tr '\\0' x; printf 'END'"],
      maxCaptureBytes: 64 * 1024,
    })
    expect(result.truncated).toBe(true)
    expect(result.stdoutBytes).toBe(20_000_008)
    expect(result.stdout.startsWith('STARTxxx')).toBe(true)
    expect(result.stdout.endsWith('xxxEND')).toBe(true)
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100)
  })

  it('reports truncation of the interleaved output even when each stream fits', async () => {
    const result = await run({
      argv: ['bash', '-c', 'head -c 700 /dev/zero | tr "\\0" o; head -c 700 /dev/zero | tr "\\0" e >&2'],
      maxCaptureBytes: 1000,
    })
    expect(result.stdout).toBe('o'.repeat(700))
    expect(result.stderr).toBe('e'.repeat(700))
    expect(result.truncated).toBe(true)
    expect(result.aggregatedOutput).toMatch(/^o{500}…400 bytes truncated…e{500}$/)
  })

  it('caps the number of streamed deltas but keeps capturing', async () => {
    let calls = 0
    const result = await run({
      argv: ['bash', '-c', 'for i in $(seq 1 40); do echo line$i; sleep 0.02; done'],
      maxOutputDeltas: 3,
      onOutput: () => {
        calls++
      },
    })
    expect(calls).toBe(3)
    expect(result.droppedDeltas).toBeGreaterThan(0)
    expect(result.stdout.split('\n')).toHaveLength(41)
  })

  it('survives an onOutput callback that throws', async () => {
    const result = await run({
      argv: ['echo', 'hi'],
      onOutput: () => {
        throw new Error('observer bug')
      },
    })
    expect(result.stdout).toBe('hi\n')
  })
})
