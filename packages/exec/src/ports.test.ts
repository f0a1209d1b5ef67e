// Checks at type level that this package satisfies core's ports structurally (core is not a
// dependency: the port file is read by path, types only), and once at run time.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { CommandRunner, ProcessSessions, RunRequest, RunResult } from '../../core/src/ports/runner.js'
import { tagged } from '../test/processes.js'
import { createCommandRunner, runCommand } from './run-command.js'
import { ProcessSessionManager } from './sessions.js'
import type { RunCommandOptions, RunCommandResult } from './types.js'

const dir = mkdtempSync(join(tmpdir(), 'agent-exec-ports-'))
const tag = tagged()
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => expect(tag.survivors()).toEqual([]))

describe('core ports', () => {
  it('are implemented structurally', async () => {
    const asRequest = (request: RunRequest): RunCommandOptions => request
    const asResult = (result: RunCommandResult): RunResult => result
    const runner: CommandRunner = createCommandRunner({ killGraceMs: 200, env: tag.env })
    const runItself: CommandRunner['run'] = runCommand
    const direct: CommandRunner = { run: (request) => runItself({ ...request, env: tag.env }) }
    const sessions: ProcessSessions = new ProcessSessionManager({ env: tag.env })

    const result = await runner.run(asRequest({ argv: ['echo', 'port'], cwd: dir }))
    expect(asResult(await runCommand({ argv: ['true'], cwd: dir, env: tag.env })).exitCode).toBe(0)
    expect(result.stdout).toBe('port\n')
    expect((await direct.run({ argv: ['true'], cwd: dir })).exitCode).toBe(0)
    const { sessionId } = await sessions.start({ argv: ['echo', 'session'], cwd: dir })
    expect((await sessions.read(sessionId, { yieldTimeMs: 10_000 })).output).toBe('session\n')
  })

  it('lets request values override runner defaults, but not with undefined', async () => {
    const runner = createCommandRunner({ timeoutMs: 100, killGraceMs: 100, env: tag.env })
    const timed = await runner.run({ argv: ['sleep', '5'], cwd: dir, timeoutMs: undefined })
    expect(timed.timedOut).toBe(true)
    const longer = await runner.run({ argv: ['sleep', '0.3'], cwd: dir, timeoutMs: 20_000 })
    expect(longer).toMatchObject({ timedOut: false, exitCode: 0 })
  })
})
