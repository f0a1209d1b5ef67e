import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { runFixture, tagged } from '../test/processes.js'
import { runCommand } from './run-command.js'
import { SpawnServer, sharedSpawnServer } from './spawn-server.js'

const repoRoot = join(import.meta.dirname, '..', '..', '..')
const servers: SpawnServer[] = []
afterAll(() => {
  for (const server of servers) server.close()
})

async function upServer(): Promise<SpawnServer> {
  const server = new SpawnServer()
  servers.push(server)
  expect(await server.started()).toBe(true)
  return server
}

const parentOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ')[1])

describe('SpawnServer', () => {
  it('starts commands from its own process, in a session of their own', async () => {
    const server = await upServer()
    const tag = tagged()
    let parent = 0
    let session = 0
    const result = await runCommand({
      argv: ['sh', '-c', 'echo $$; sleep 0.3'],
      cwd: repoRoot,
      env: tag.env,
      spawnServer: server,
      onOutput: ({ data }) => {
        // While the command runs: who forked it, and which session it is in.
        const fields =
          readFileSync(`/proc/${Number(data)}/stat`, 'latin1')
            .split(') ')[1]
            ?.split(' ') ?? []
        parent = Number(fields[1])
        session = Number(fields[3])
      },
    })
    expect(result.exitCode).toBe(0)
    expect(Number(result.stdout)).toBe(result.pid)
    expect(parent).toBeGreaterThan(0)
    expect(parent).not.toBe(process.pid)
    expect(session).toBe(result.pid)
    expect(tag.survivors()).toEqual([])
  })

  it('spawns directly until it is up, and starts itself at the second run', async () => {
    const server = new SpawnServer()
    servers.push(server)
    const echo = (text: string) => runCommand({ argv: ['echo', text], cwd: repoRoot, spawnServer: server })
    expect((await echo('one')).stdout).toBe('one\n')
    // One command is no session yet: nothing started.
    expect(server.state).toBe('idle')
    expect(server.ready).toBe(false)
    expect((await echo('two')).stdout).toBe('two\n')
    expect(await server.started()).toBe(true)
    expect((await echo('three')).stdout).toBe('three\n')
  })

  it('runs commands in parallel and keeps their output apart', async () => {
    const server = await upServer()
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runCommand({
          argv: ['sh', '-c', `for n in 1 2 3; do echo ${i}-$n; echo e${i} >&2; done; exit ${i}`],
          cwd: repoRoot,
          spawnServer: server,
        }),
      ),
    )
    results.forEach((result, i) => {
      expect(result.exitCode).toBe(i)
      expect(result.stdout).toBe(`${i}-1\n${i}-2\n${i}-3\n`)
      expect(result.stderr).toBe(`e${i}\ne${i}\ne${i}\n`)
    })
  })

  it('kills what it started when it dies, and later commands start directly', async () => {
    const server = await upServer()
    const tag = tagged()
    let started: () => void = () => {}
    const running = runCommand({
      argv: ['sh', '-c', 'echo started; exec sleep 30'],
      cwd: repoRoot,
      env: tag.env,
      spawnServer: server,
      onOutput: () => started(),
    })
    // The command is running once it has said so.
    await new Promise<void>((resolve) => {
      started = resolve
    })
    const serverPid = parentOf(tag.survivors()[0] ?? 0)
    process.kill(serverPid, 'SIGKILL')
    const result = await running
    expect(result).toMatchObject({ exitCode: 137, signal: 'SIGKILL' })
    expect(tag.survivors()).toEqual([])
    expect(server.ready).toBe(false)
    const after = await runCommand({ argv: ['echo', 'direct'], cwd: repoRoot, spawnServer: server })
    expect(after).toMatchObject({ exitCode: 0, stdout: 'direct\n' })
  })

  it('reports that it could not start, and commands still run', async () => {
    const server = new SpawnServer('/nonexistent/node')
    expect(await server.started()).toBe(false)
    const result = await runCommand({ argv: ['echo', 'ok'], cwd: repoRoot, spawnServer: server })
    expect(result).toMatchObject({ exitCode: 0, stdout: 'ok\n' })
  })

  it('does not keep an embedder alive once its commands are done', async () => {
    const result = await runFixture('served-then-done.ts')
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'served\n', stderr: '' })
  })

  it('takes its commands down when the agent is killed outright (no exit hook runs)', async () => {
    const tag = tagged()
    const result = await runFixture('killed-while-serving.ts', tag.env)
    // tsx reports its child's death by SIGKILL as 137.
    expect(result).toMatchObject({ exitCode: 137, timedOut: false })
    // The server kills them when it reads the end of its stdin: wait for that, not for a time.
    await vi.waitFor(() => expect(tag.survivors()).toEqual([]), { timeout: 10_000, interval: 10 })
  })

  it('is one per process when shared', () => {
    expect(sharedSpawnServer()).toBe(sharedSpawnServer())
  })
})
