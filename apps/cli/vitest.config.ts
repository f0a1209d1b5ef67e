import { defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.js'

// The end-to-end tests run whole sessions (real processes, bubblewrap, HTTP) through the built
// binary: on a loaded 2-core machine one can take many times its usual second or two.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, testTimeout: 120_000, hookTimeout: 60_000 },
})
