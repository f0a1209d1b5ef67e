// Chooses the model client: a recorded script (`--replay`), or a provider from the flags, the
// config, or — with nothing configured — the API keys in the environment. Errors say every way
// to configure one.
import type { ModelClient } from '@agent/protocol'
import { ConfigError } from '../config/errors.js'
import type { AgentConfig } from '../config/schema.js'

export interface ModelFlags {
  model?: string
  provider?: string
  baseUrl?: string
  replay?: string
}

export interface SelectedModel {
  client: ModelClient
  /** Provider id (for the session meta and to pick a toolset). */
  provider: string
  modelName: string
}

/** Default model names per built-in provider, used when neither `-m` nor `model` says. */
const DEFAULT_MODELS: Record<string, string> = {
  openai: 'gpt-5-codex',
  'openai-chat': 'gpt-5',
  anthropic: 'claude-sonnet-4-5',
}

export const NO_MODEL_CONFIGURED = [
  'no model provider is configured. Any one of these works:',
  '  - export OPENAI_API_KEY=...     (OpenAI Responses API; OPENAI_BASE_URL moves the endpoint)',
  '  - export ANTHROPIC_API_KEY=...  (Anthropic; ANTHROPIC_BASE_URL moves the endpoint)',
  '  - agent exec --provider ollama -m qwen3-coder ...   (local Ollama; also lmstudio)',
  '  - model_provider = "..." and model = "..." in ~/.agent/config.toml (or [model_providers.<id>])',
  '  - agent exec --replay FILE ...  (answers from a recorded model script)',
].join('\n')

/** Which provider to use when the flags and config name none: the keys present in `env`. */
export function providerFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OPENAI_API_KEY) return 'openai'
  if (env.ANTHROPIC_API_KEY) return 'anthropic'
  return undefined
}

export async function selectModel(
  flags: ModelFlags,
  config: AgentConfig,
  env: NodeJS.ProcessEnv,
): Promise<SelectedModel> {
  if (flags.replay) {
    const { ReplayModelClient, ReplayFileError } = await import('@agent/models/testing')
    try {
      const client = ReplayModelClient.fromFile(
        flags.replay,
        flags.provider ? { provider: flags.provider } : {},
      )
      return { client, provider: client.provider, modelName: flags.model ?? config.model ?? 'replay' }
    } catch (error) {
      if (error instanceof ReplayFileError) throw new ConfigError(error.message, flags.replay)
      throw error
    }
  }

  const provider = flags.provider ?? config.model_provider ?? providerFromEnv(env)
  if (!provider) throw new ConfigError(NO_MODEL_CONFIGURED)
  const { createModelClient, BUILTIN_PROVIDERS } = await import('@agent/models')
  const providers = { ...config.model_providers }
  if (flags.baseUrl) {
    const base = providers[provider] ?? BUILTIN_PROVIDERS[provider]
    if (!base) {
      const known = [...new Set([...Object.keys(BUILTIN_PROVIDERS), ...Object.keys(providers)])]
      throw new ConfigError(`--provider ${provider}: unknown provider; known providers: ${known.join(', ')}`)
    }
    providers[provider] = { ...base, base_url: flags.baseUrl }
  }
  const modelName = flags.model ?? config.model ?? DEFAULT_MODELS[provider]
  if (!modelName) {
    throw new ConfigError(
      `provider "${provider}" has no default model: pass -m MODEL or set model = "..." in config.toml`,
    )
  }
  const created = createModelClient({ provider, providers, model: modelName, env })
  if (!created.ok) {
    const hint = created.error.envVar
      ? `\n(or pick another provider with --provider, or see \`agent exec --help\`)`
      : ''
    throw new ConfigError(`${created.error.message}${hint}`)
  }
  return { client: created.value, provider, modelName }
}
