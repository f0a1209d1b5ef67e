// Every runCommand test again, with commands started by a spawn server: what a run reports must
// not depend on where the process was forked.
import { afterAll, expect, it, vi } from 'vitest'
import { SpawnServer } from './spawn-server.js'

const server = new SpawnServer()

vi.mock('./run-command.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./run-command.js')>()
  return {
    ...actual,
    runCommand: (options: Parameters<typeof actual.runCommand>[0]) =>
      actual.runCommand({ spawnServer: server, ...options }),
  }
})

it('has the server up before the tests run through it', async () => {
  expect(await server.started()).toBe(true)
})

afterAll(() => server.close())

await import('./run-command.test.js')
