// Provider configuration: the `model_providers.<id>` schema the CLI's config loader validates,
// the built-in providers, and how a provider's endpoint and key are resolved from the environment.
import { z } from 'zod'
import { ModelConfigError } from './errors.js'
import type { RetryPolicy } from './retry.js'

export const WireApi = z.enum(['responses', 'chat', 'anthropic'])
export type WireApi = z.infer<typeof WireApi>

export const ModelProviderConfig = z
  .object({
    /** Display name; defaults to the provider id. */
    name: z.string().min(1).optional(),
    /** API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
    base_url: z.url({ protocol: /^https?$/, message: 'base_url must be an http(s) URL' }).optional(),
    wire_api: WireApi,
    /** Environment variable holding the API key; omit for servers that need none (Ollama). */
    env_key: z.string().min(1).optional(),
    /** Extra HTTP headers sent with every request. */
    http_headers: z.record(z.string(), z.string()).default({}),
    /** Extra query parameters (e.g. Azure's `api-version`). */
    query_params: z.record(z.string(), z.string()).default({}),
    request_max_retries: z.number().int().min(0).max(100).default(4),
    stream_max_retries: z.number().int().min(0).max(100).default(5),
    retry_base_delay_ms: z.number().int().min(0).default(500),
    retry_max_delay_ms: z.number().int().min(0).default(60_000),
    stream_idle_timeout_ms: z.number().int().positive().default(300_000),
    /** Used when a request sets no `max_output_tokens` (Anthropic requires a value). */
    max_output_tokens: z.number().int().positive().optional(),
  })
  .strict()
export type ModelProviderConfig = z.infer<typeof ModelProviderConfig>
export type ModelProviderConfigInput = z.input<typeof ModelProviderConfig>

const builtins = {
  openai: {
    name: 'OpenAI',
    base_url: 'https://api.openai.com/v1',
    wire_api: 'responses',
    env_key: 'OPENAI_API_KEY',
  },
  'openai-chat': {
    name: 'OpenAI (Chat Completions)',
    base_url: 'https://api.openai.com/v1',
    wire_api: 'chat',
    env_key: 'OPENAI_API_KEY',
  },
  anthropic: {
    name: 'Anthropic',
    base_url: 'https://api.anthropic.com',
    wire_api: 'anthropic',
    env_key: 'ANTHROPIC_API_KEY',
  },
  ollama: { name: 'Ollama', base_url: 'http://localhost:11434/v1', wire_api: 'chat' },
  lmstudio: { name: 'LM Studio', base_url: 'http://localhost:1234/v1', wire_api: 'chat' },
} satisfies Record<string, ModelProviderConfigInput>

/** The providers that exist without any configuration. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, ModelProviderConfig>> = Object.freeze(
  Object.fromEntries(Object.entries(builtins).map(([id, config]) => [id, ModelProviderConfig.parse(config)])),
)

/** Environment variables that move a built-in provider's endpoint, as the official SDKs do. */
const BASE_URL_ENV: Record<string, string> = {
  openai: 'OPENAI_BASE_URL',
  'openai-chat': 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
}

export interface ResolvedProvider {
  id: string
  name: string
  wireApi: WireApi
  baseUrl: string
  /** Undefined for servers that take no key. */
  apiKey: string | undefined
  headers: Record<string, string>
  query: Record<string, string>
  retry: RetryPolicy
  maxOutputTokens: number | undefined
}

export type Env = Record<string, string | undefined>

const DEFAULT_BASE_URL: Record<WireApi, string> = {
  responses: 'https://api.openai.com/v1',
  chat: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
}

/**
 * Resolves a provider id (built-in or from `providers`) or an inline config into everything a
 * client needs. Throws `ModelConfigError` naming the variable to set when the key is missing.
 */
export function resolveProvider(options: {
  provider: string | ModelProviderConfigInput
  /** `model_providers` from the user's config; entries override built-ins of the same id. */
  providers?: Record<string, ModelProviderConfigInput>
  apiKey?: string
  env?: Env
}): ResolvedProvider {
  const env = options.env ?? process.env
  let id: string
  let raw: ModelProviderConfigInput | undefined
  if (typeof options.provider === 'string') {
    id = options.provider
    raw = options.providers?.[id] ?? BUILTIN_PROVIDERS[id]
    if (!raw) {
      const known = [...new Set([...Object.keys(BUILTIN_PROVIDERS), ...Object.keys(options.providers ?? {})])]
      throw new ModelConfigError(
        `unknown model provider "${id}"; known providers: ${known.join(', ')} (define others under model_providers.${id})`,
      )
    }
  } else {
    raw = options.provider
    id = raw.name ?? raw.wire_api
  }
  const parsed = ModelProviderConfig.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `.${issue.path.join('.')}` : ''
    throw new ModelConfigError(`model_providers.${id}${where}: ${issue?.message ?? 'invalid'}`)
  }
  const config = parsed.data
  const envBase = BASE_URL_ENV[id]
  const explicitBase =
    typeof options.provider === 'string' ? options.providers?.[id]?.base_url : config.base_url
  const baseUrl =
    explicitBase ??
    (envBase && env[envBase] ? (env[envBase] as string) : undefined) ??
    config.base_url ??
    DEFAULT_BASE_URL[config.wire_api]
  let apiKey = options.apiKey
  if (apiKey === undefined && config.env_key) {
    apiKey = env[config.env_key]
    if (!apiKey) {
      throw new ModelConfigError(
        `no API key for model provider "${id}": set the ${config.env_key} environment variable`,
        config.env_key,
      )
    }
  }
  return {
    id,
    name: config.name ?? id,
    wireApi: config.wire_api,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey,
    headers: config.http_headers,
    query: config.query_params,
    retry: {
      requestMaxRetries: config.request_max_retries,
      streamMaxRetries: config.stream_max_retries,
      baseDelayMs: config.retry_base_delay_ms,
      maxDelayMs: config.retry_max_delay_ms,
      idleTimeoutMs: config.stream_idle_timeout_ms,
    },
    maxOutputTokens: config.max_output_tokens,
  }
}
