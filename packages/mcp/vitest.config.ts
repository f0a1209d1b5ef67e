import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.js'

// Vitest hands the SSR conditions to Node as `--conditions` flags for external modules. The
// shared `source` condition is also used by `eventsource-parser` (a dependency of the MCP SDK)
// for its uncompiled TypeScript, which Node cannot load. This package imports `@agent/protocol`
// for types only, so its tests run without the `source` condition.
export default defineConfig({
  ...sharedTestConfig,
  ssr: { resolve: { conditions: [...defaultServerConditions] } },
})
