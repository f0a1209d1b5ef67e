import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { HelperError, runHelper } from './run-helper.js'

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..')
const cwd = import.meta.dirname

describe('runHelper', () => {
  it('returns the exit code, stdout, stderr, and feeds the input', async () => {
    const result = await runHelper(['sh', '-c', 'cat; echo oops >&2; exit 3'], { cwd, input: 'from stdin' })
    expect(result.code).toBe(3)
    expect(Buffer.isBuffer(result.stdout)).toBe(true)
    expect(result.stdout.toString('utf8')).toBe('from stdin')
    expect(result.stderr).toBe('oops\n')
    expect(result.truncated).toBe(false)
  })

  it('runs in the given directory with the given environment', async () => {
    const result = await runHelper(['sh', '-c', 'pwd; echo "$HELPER_TEST"'], {
      cwd: '/',
      env: { PATH: process.env.PATH, HELPER_TEST: 'set by the caller' },
    })
    expect(result.stdout.toString('utf8')).toBe('/\nset by the caller\n')
  })

  it('sees changes to process.env made after the helper thread started', async () => {
    await runHelper(['true'], { cwd })
    process.env.HELPER_TEST_LATE = 'late'
    try {
      const result = await runHelper(['sh', '-c', 'echo "$HELPER_TEST_LATE"'], { cwd })
      expect(result.stdout.toString('utf8')).toBe('late\n')
    } finally {
      delete process.env.HELPER_TEST_LATE
    }
  })

  it('caps the output at maxBytes and says so', async () => {
    const result = await runHelper(['sh', '-c', 'printf 0123456789'], { cwd, maxBytes: 4 })
    expect(result.stdout.toString('utf8')).toBe('0123')
    expect(result.truncated).toBe(true)
  })

  it('rejects with not_found for a program that is not on PATH', async () => {
    const error = await runHelper(['no-such-helper-program'], { cwd }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HelperError)
    expect((error as HelperError).kind).toBe('not_found')
    expect((error as HelperError).message).toBe('no-such-helper-program was not found on PATH')
  })

  it('kills the helper when the signal aborts, and rejects as failed', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const run = runHelper(['sh', '-c', 'exec sleep 30'], { cwd, signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HelperError)
    expect((error as HelperError).kind).toBe('failed')
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('does not start a helper for an already aborted signal', async () => {
    const controller = new AbortController()
    controller.abort()
    const marker = join(cwd, `never-${process.pid}-${Date.now()}`)
    const error = await runHelper(['sh', '-c', `sleep 0.2; touch ${marker}`], {
      cwd,
      signal: controller.signal,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HelperError)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(existsSync(marker)).toBe(false)
  })

  it('runs helpers concurrently', async () => {
    const started = Date.now()
    const results = await Promise.all(
      [1, 2, 3].map((n) => runHelper(['sh', '-c', `sleep 0.3; echo ${n}`], { cwd })),
    )
    expect(results.map((r) => r.stdout.toString('utf8'))).toEqual(['1\n', '2\n', '3\n'])
    expect(Date.now() - started).toBeLessThan(900)
  })

  it('keeps the process alive while a helper runs, and lets it exit once none does', async () => {
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx')
    const fixture = join(cwd, '..', '..', 'test', 'helper-then-exit.ts')
    const run = (args: string[]) =>
      promisify(execFile)(tsx, [fixture, ...args], { cwd: join(cwd, '..', '..'), timeout: 30_000 })
    // Nothing but the pending helper holds the event loop while it sleeps.
    expect((await run(['sleep 0.3; echo late'])).stdout).toBe('late\n')
    // A hang here (the idle thread holding the process) fails by the timeout.
    expect((await run([])).stdout).toBe('helped\n')
  })
})
