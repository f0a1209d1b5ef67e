// Shared test helpers: build a client against a mock server and collect a stream's events.
import type { ModelEvent, ModelRequest } from '@agent/protocol'
import { createModelClient, type ModelProviderConfigInput, type ProviderModelClient } from '../src/index.js'
import type { MockProviderServer } from '../src/testing/index.js'

export function clientFor(
  server: MockProviderServer,
  overrides: Partial<ModelProviderConfigInput> = {},
): ProviderModelClient {
  const result = createModelClient({
    provider: {
      ...server.providerConfig(),
      name: `mock-${server.wire}`,
      env_key: 'MOCK_API_KEY',
      retry_base_delay_ms: 5,
      retry_max_delay_ms: 5_000,
      stream_idle_timeout_ms: 10_000,
      ...overrides,
    },
    env: { MOCK_API_KEY: 'sk-test-key' },
  })
  if (!result.ok) throw result.error
  return result.value
}

export async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = []
  for await (const event of stream) events.push(event)
  return events
}

export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'test-model',
    instructions: 'You are a test.',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }],
    tools: [
      {
        name: 'read_file',
        description: 'Read a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      },
    ],
    ...overrides,
  }
}

export function types(events: ModelEvent[]): string[] {
  return events.map((event) => event.type)
}

export function textOf(events: ModelEvent[]): string {
  return events.map((event) => (event.type === 'text_delta' ? event.delta : '')).join('')
}
