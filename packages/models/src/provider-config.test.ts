import { describe, expect, test } from 'vitest'
import { createModelClient } from './create-model-client.js'
import { ModelConfigError } from './errors.js'
import { BUILTIN_PROVIDERS, ModelProviderConfig, resolveProvider } from './provider-config.js'

describe('ModelProviderConfig', () => {
  test('applies defaults for retries and the idle timeout', () => {
    const config = ModelProviderConfig.parse({ base_url: 'http://localhost:8000/v1', wire_api: 'chat' })
    expect(config).toMatchObject({
      request_max_retries: 4,
      stream_max_retries: 5,
      retry_base_delay_ms: 500,
      stream_idle_timeout_ms: 300_000,
      http_headers: {},
      query_params: {},
    })
  })

  test('rejects unknown keys and bad values with the field named', () => {
    expect(ModelProviderConfig.safeParse({ wire_api: 'chat', baseurl: 'x' }).success).toBe(false)
    expect(() => resolveProvider({ provider: { wire_api: 'grpc' as never } })).toThrow(/wire_api/)
    expect(() => resolveProvider({ provider: { wire_api: 'chat', base_url: 'ftp://x' } })).toThrow(
      /base_url must be an http\(s\) URL/,
    )
  })
})

describe('built-in providers', () => {
  test('openai, openai-chat, anthropic, ollama and lmstudio', () => {
    expect(Object.keys(BUILTIN_PROVIDERS).sort()).toEqual([
      'anthropic',
      'lmstudio',
      'ollama',
      'openai',
      'openai-chat',
    ])
    expect(BUILTIN_PROVIDERS.ollama).toMatchObject({
      base_url: 'http://localhost:11434/v1',
      wire_api: 'chat',
    })
    expect(BUILTIN_PROVIDERS.ollama?.env_key).toBeUndefined()
    expect(BUILTIN_PROVIDERS.lmstudio).toMatchObject({
      base_url: 'http://localhost:1234/v1',
      wire_api: 'chat',
    })
    expect(BUILTIN_PROVIDERS.openai).toMatchObject({ wire_api: 'responses', env_key: 'OPENAI_API_KEY' })
    expect(BUILTIN_PROVIDERS.anthropic).toMatchObject({ wire_api: 'anthropic', env_key: 'ANTHROPIC_API_KEY' })
  })

  test('keys come from env_key; local servers need none', () => {
    expect(resolveProvider({ provider: 'openai', env: { OPENAI_API_KEY: 'sk-1' } }).apiKey).toBe('sk-1')
    expect(resolveProvider({ provider: 'ollama', env: {} })).toMatchObject({
      apiKey: undefined,
      baseUrl: 'http://localhost:11434/v1',
    })
    expect(resolveProvider({ provider: 'anthropic', apiKey: 'explicit', env: {} }).apiKey).toBe('explicit')
  })

  test('OPENAI_BASE_URL and ANTHROPIC_BASE_URL move the built-ins, as in the SDKs', () => {
    const env = {
      OPENAI_API_KEY: 'k',
      ANTHROPIC_API_KEY: 'k',
      OPENAI_BASE_URL: 'http://proxy:9/v1/',
      ANTHROPIC_BASE_URL: 'http://proxy:8',
    }
    expect(resolveProvider({ provider: 'openai', env }).baseUrl).toBe('http://proxy:9/v1')
    expect(resolveProvider({ provider: 'openai-chat', env }).baseUrl).toBe('http://proxy:9/v1')
    expect(resolveProvider({ provider: 'anthropic', env }).baseUrl).toBe('http://proxy:8')
    // An explicitly configured base_url wins over the environment.
    const providers = {
      openai: { wire_api: 'responses' as const, base_url: 'http://mine/v1', env_key: 'OPENAI_API_KEY' },
    }
    expect(resolveProvider({ provider: 'openai', providers, env }).baseUrl).toBe('http://mine/v1')
  })

  test('user providers override built-ins and add new ids', () => {
    const providers = {
      vllm: { wire_api: 'chat' as const, base_url: 'http://gpu:8000/v1', http_headers: { 'x-a': 'b' } },
    }
    expect(resolveProvider({ provider: 'vllm', providers, env: {} })).toMatchObject({
      id: 'vllm',
      wireApi: 'chat',
      baseUrl: 'http://gpu:8000/v1',
      headers: { 'x-a': 'b' },
    })
  })
})

describe('createModelClient', () => {
  test('a missing key is an error value naming the variable to set', () => {
    const result = createModelClient({ provider: 'anthropic', env: {} })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toBeInstanceOf(ModelConfigError)
    expect(result.error.kind).toBe('config')
    expect(result.error.envVar).toBe('ANTHROPIC_API_KEY')
    expect(result.error.message).toBe(
      'no API key for model provider "anthropic": set the ANTHROPIC_API_KEY environment variable',
    )
  })

  test('an unknown provider lists the known ones', () => {
    const result = createModelClient({ provider: 'gemini', env: {} })
    expect(!result.ok && result.error.message).toMatch(
      /unknown model provider "gemini"; known providers: openai, openai-chat, anthropic, ollama, lmstudio/,
    )
  })

  test('builds the client that speaks each provider wire', () => {
    const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }
    const names = ['openai', 'openai-chat', 'anthropic', 'ollama'].map((provider) => {
      const result = createModelClient({ provider, env, model: 'm' })
      if (!result.ok) throw result.error
      expect(result.value.provider).toBe(provider)
      expect(result.value.model).toBe('m')
      return result.value.constructor.name
    })
    expect(names).toEqual([
      'ResponsesClient',
      'ChatCompletionsClient',
      'AnthropicMessagesClient',
      'ChatCompletionsClient',
    ])
  })
})
