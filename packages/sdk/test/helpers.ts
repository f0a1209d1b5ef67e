// Shared pieces of the client tests: a temp git workspace with its own AGENT_HOME, a client on a
// mock provider server of a given wire, and the tool-call shapes of each wire's toolset.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MockProviderServer, type MockToolCall, startMockProviderServer } from '@agent/models/testing'
import { afterAll, afterEach } from 'vitest'
import { type ClientOptions, createClient } from '../src/index.js'

export const WIRES = [
  { wire: 'responses', provider: 'openai', toolset: 'codex' },
  { wire: 'chat', provider: 'openai-chat', toolset: 'codex' },
  { wire: 'anthropic', provider: 'anthropic', toolset: 'claude' },
] as const
export type Wire = (typeof WIRES)[number]

export interface Workspace {
  dir: string
  home: string
  env: Record<string, string>
}

// Every workspace of a test file is removed when the file is done (they were left in the temp
// directory, ~40 a run).
const roots: string[] = []
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

export function workspace(files: Record<string, string> = {}): Workspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sdk-test-')))
  roots.push(root)
  const dir = join(root, 'repo')
  const home = join(root, 'home')
  mkdirSync(dir, { recursive: true })
  mkdirSync(home, { recursive: true })
  execFileSync('git', ['init', '-q'], { cwd: dir })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return { dir, home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, AGENT_HOME: home } }
}

/**
 * Mock provider servers for the tests of one file: `mock(wire, turns)` starts one; after each test
 * the functions pushed on `closers` run (threads closed), then every server started is closed.
 */
export function mockServers(): {
  mock(
    wire: Wire['wire'],
    turns: Parameters<typeof startMockProviderServer>[0]['turns'],
  ): Promise<MockProviderServer>
  closers: (() => Promise<void>)[]
} {
  const servers: MockProviderServer[] = []
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()))
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
  return {
    closers,
    async mock(wire, turns) {
      const server = await startMockProviderServer({ wire, turns })
      servers.push(server)
      return server
    },
  }
}

/** Everything request `index` sent (what the model saw), as JSON text. */
export const sentText = (server: MockProviderServer, index: number): string =>
  JSON.stringify(server.requests[index]?.body)

export function clientFor(server: MockProviderServer, wire: Wire, ws: Workspace, extra: ClientOptions = {}) {
  return createClient({
    provider: wire.provider,
    model: 'test-model',
    baseUrl: server.baseUrl,
    apiKey: 'sk-test',
    env: ws.env,
    ...extra,
  })
}

/** A tool call running `script` with sh, in the wire's toolset. */
export function shellCall(wire: Wire, script: string): MockToolCall {
  return wire.toolset === 'codex'
    ? { name: 'shell', arguments: { command: ['sh', '-c', script] } }
    : { name: 'Bash', arguments: { command: script } }
}
