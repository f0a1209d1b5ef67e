// The one entry point the CLI needs: provider id or config in, a `ModelClient` (or an error
// value saying what to fix) out.
import type { ModelClient } from '@agent/protocol'
import { AnthropicMessagesClient, ChatCompletionsClient, ResponsesClient } from './clients.js'
import { ModelConfigError } from './errors.js'
import { type Env, type ModelProviderConfigInput, resolveProvider } from './provider-config.js'

export interface CreateModelClientOptions {
  /** A provider id (built-in or a key of `providers`) or an inline provider config. */
  provider: string | ModelProviderConfigInput
  /** The user's `model_providers` table. */
  providers?: Record<string, ModelProviderConfigInput>
  /** Default model, used when a request leaves `model` empty. */
  model?: string
  /** Overrides the key read from the provider's `env_key`. */
  apiKey?: string
  /** Where `env_key` and `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` are read; default `process.env`. */
  env?: Env
}

/** A model client with the provider's default model, if one was given. */
export type ProviderModelClient = ModelClient & {
  readonly model: string | undefined
  /** Loads the wire's SDK now rather than at the first request (start-up overlaps it with other work). */
  warm(): Promise<void>
}

export type CreateModelClientResult =
  | { ok: true; value: ProviderModelClient }
  | { ok: false; error: ModelConfigError }

export function createModelClient(options: CreateModelClientOptions): CreateModelClientResult {
  try {
    const provider = resolveProvider(options)
    const clientOptions = options.model === undefined ? {} : { model: options.model }
    switch (provider.wireApi) {
      case 'responses':
        return { ok: true, value: new ResponsesClient(provider, clientOptions) }
      case 'chat':
        return { ok: true, value: new ChatCompletionsClient(provider, clientOptions) }
      case 'anthropic':
        return { ok: true, value: new AnthropicMessagesClient(provider, clientOptions) }
    }
  } catch (error) {
    if (error instanceof ModelConfigError) return { ok: false, error }
    throw error
  }
}
