// Errors a client reports before anything runs: typed, with the CLI's messages.
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { expect, it } from 'vitest'
import {
  ConfigError,
  createClient,
  NO_MODEL_CONFIGURED,
  SandboxUnavailableError,
  UsageError,
} from '../src/index.js'
import { workspace } from './helpers.js'

it('no provider configured: a ConfigError listing every way to configure one', async () => {
  const ws = workspace()
  const thread = createClient({ env: ws.env }).startThread({ workingDirectory: ws.dir })
  const error = await thread.run('hi').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as Error).message).toBe(NO_MODEL_CONFIGURED)
})

it('a provider whose key is missing: a ConfigError naming the variable', async () => {
  const ws = workspace()
  const thread = createClient({ env: ws.env, provider: 'anthropic' }).startThread({
    workingDirectory: ws.dir,
  })
  const error = await thread.run('hi').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as Error).message).toContain('ANTHROPIC_API_KEY')
})

it('a bad config value: a ConfigError naming the key', async () => {
  const ws = workspace()
  const client = createClient({ env: ws.env, apiKey: 'k', config: { approval_policy: 'sometimes' } })
  const error = await client
    .startThread({ workingDirectory: ws.dir })
    .run('hi')
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).keyPath).toBe('approval_policy')
})

it('outside a git repository without skipGitRepoCheck: a UsageError, as agent exec', async () => {
  const ws = workspace()
  const client = createClient({ env: ws.env, apiKey: 'k' })
  const error = await client
    .startThread({ workingDirectory: ws.home })
    .run('hi')
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UsageError)
  expect((error as Error).message).toContain('skipGitRepoCheck')
})

it('bad input and options: UsageErrors before any request', async () => {
  const ws = workspace()
  const thread = createClient({ env: ws.env, apiKey: 'k' }).startThread({ workingDirectory: ws.dir })
  await expect(thread.run([])).rejects.toThrow(UsageError)
  await expect(thread.run('x', { outputSchema: 'not a schema' })).rejects.toThrow(/plain JSON object/)
  await expect(
    createClient({ env: ws.env })
      .startThread({ workingDirectory: ws.dir, webSearchMode: 'sometimes' as never })
      .run('x'),
  ).rejects.toThrow(/webSearchMode: "sometimes" is not one of disabled, cached, live/)
  await thread.close()
})

it('a sandbox that cannot start: SandboxUnavailableError with the CLI’s message, before any request', async () => {
  const ws = workspace()
  try {
    // The embedder's environment points at a bwrap that does not exist (the CLI's fail-closed
    // test does the same with an empty PATH); nothing may then run unconfined by accident.
    const missing = `${ws.dir}/no-such-bwrap`
    const client = createClient({
      env: { ...ws.env, AGENT_SANDBOX_BWRAP: missing },
      provider: 'openai',
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9/v1',
    })
    const thread = client.startThread({ workingDirectory: ws.dir, sandboxMode: 'workspace-write' })
    const error = await thread.run('hi').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SandboxUnavailableError)
    const message = (error as Error).message
    expect(message).toContain('the workspace-write sandbox is not available on this machine')
    expect(message).toContain(`bwrap not found at ${missing}`)
    expect(message).toContain('run without confinement on purpose with `-s danger-full-access`')

    const bad = await createClient({ env: { ...ws.env, AGENT_SANDBOX_BWRAP: 'mine' }, apiKey: 'k' })
      .startThread({ workingDirectory: ws.dir, sandboxMode: 'read-only' })
      .run('hi')
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(SandboxUnavailableError)
    expect((bad as Error).message).toBe(
      'AGENT_SANDBOX_BWRAP=mine is not understood: use system, bundled, auto or an absolute path to a bwrap',
    )
  } finally {
    rmSync(dirname(ws.dir), { recursive: true, force: true })
  }
})
