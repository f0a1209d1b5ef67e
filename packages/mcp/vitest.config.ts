import { defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.js'

// Most tests here start real servers: Node processes from node_modules, and for each conformance
// scenario two more (the suite on Node 24, our client compiled by tsx), a few seconds each alone
// and many times that on a loaded 2-core machine; the suite's own per-scenario limit is 40 s. The
// concurrent scenarios run two at a time (one per core), not five at once against each other.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, testTimeout: 120_000, maxConcurrency: 2 },
})
