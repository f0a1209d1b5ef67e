// A real model client (@agent/models) talking to a mock provider server on 127.0.0.1, without
// retries: what the tests over real wires (models.test.ts, journal.test.ts) share.
import { createModelClient } from '@agent/models'
import type { MockProviderServer } from '@agent/models/testing'
import type { ModelClient } from '@agent/protocol'

export function mockModelClient(server: MockProviderServer): ModelClient {
  const created = createModelClient({
    provider: {
      ...server.providerConfig(),
      request_max_retries: 0,
      stream_max_retries: 0,
      retry_base_delay_ms: 0,
    },
    model: 'mock-model',
    apiKey: 'test-key',
    env: {},
  })
  if (!created.ok) throw created.error
  return created.value
}
