// Errors a client reports before anything runs: typed, with the CLI's messages.
import { expect, it } from 'vitest'
import { ConfigError, createClient, NO_MODEL_CONFIGURED, UsageError } from '../src/index.js'
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
