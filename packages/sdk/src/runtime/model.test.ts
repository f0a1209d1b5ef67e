import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config/errors.js'
import { AgentConfig } from '../config/schema.js'
import { NO_MODEL_CONFIGURED, providerFromEnv, selectModel } from './model.js'

const config = (input: unknown = {}) => AgentConfig.parse(input)

describe('providerFromEnv', () => {
  it('prefers OpenAI, then Anthropic, else none', () => {
    expect(providerFromEnv({ OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' })).toBe('openai')
    expect(providerFromEnv({ ANTHROPIC_API_KEY: 'b' })).toBe('anthropic')
    expect(providerFromEnv({})).toBeUndefined()
  })
})

describe('selectModel', () => {
  it('picks the provider from the environment with its default model', async () => {
    const selected = await selectModel({}, config(), { ANTHROPIC_API_KEY: 'k' })
    expect(selected).toMatchObject({ provider: 'anthropic', modelName: 'claude-sonnet-4-5' })
    expect(selected.client.provider).toBe('anthropic')
  })

  it('flags win over config, config over the environment', async () => {
    const fromConfig = await selectModel({}, config({ model_provider: 'ollama', model: 'qwen3' }), {
      OPENAI_API_KEY: 'k',
    })
    expect(fromConfig).toMatchObject({ provider: 'ollama', modelName: 'qwen3' })
    const fromFlags = await selectModel(
      { provider: 'openai-chat', model: 'm' },
      config({ model_provider: 'ollama' }),
      {
        OPENAI_API_KEY: 'k',
      },
    )
    expect(fromFlags).toMatchObject({ provider: 'openai-chat', modelName: 'm' })
  })

  it('explains what to configure', async () => {
    await expect(selectModel({}, config(), {})).rejects.toThrow(NO_MODEL_CONFIGURED)
    await expect(selectModel({ provider: 'anthropic' }, config(), {})).rejects.toThrow(/ANTHROPIC_API_KEY/)
    await expect(selectModel({ provider: 'ollama' }, config(), {})).rejects.toThrow(/pass -m MODEL/)
    await expect(
      selectModel({ provider: 'nope', baseUrl: 'http://127.0.0.1:1' }, config(), {}),
    ).rejects.toThrow(/unknown provider; known providers: openai/)
    await expect(selectModel({ provider: 'nope', model: 'm' }, config(), {})).rejects.toBeInstanceOf(
      ConfigError,
    )
  })

  it('replays a recording without any provider', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agent-replay-')), 'r.jsonl')
    writeFileSync(
      file,
      `${JSON.stringify({ v: 1, provider: 'anthropic', events: [{ type: 'completed', stop_reason: 'end_turn' }] })}\n`,
    )
    const selected = await selectModel({ replay: file }, config(), {})
    expect(selected).toMatchObject({ provider: 'anthropic', modelName: 'replay' })
    await expect(selectModel({ replay: `${file}.missing` }, config(), {})).rejects.toBeInstanceOf(ConfigError)
  })
})
