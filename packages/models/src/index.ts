// @agent/models: model clients with one normalised stream (OpenAI Responses, Chat Completions,
// Anthropic Messages), retries with visible events, and provider configuration.
export { AnthropicMessagesClient, ChatCompletionsClient, ResponsesClient } from './clients.js'
export {
  type CreateModelClientOptions,
  type CreateModelClientResult,
  createModelClient,
  type ProviderModelClient,
} from './create-model-client.js'
export { classifyError, ModelConfigError, ModelFailure, parseRetryAfter } from './errors.js'
export {
  BUILTIN_PROVIDERS,
  type Env,
  ModelProviderConfig,
  type ModelProviderConfigInput,
  type ResolvedProvider,
  resolveProvider,
  WireApi,
} from './provider-config.js'
export { backoffDelay, type RetryPolicy } from './retry.js'
