// Test settings shared by every package: resolve workspace packages to their TypeScript
// sources (the `@agent/source` export condition, so tests never depend on a stale build). The
// condition has a name of our own: some dependencies ship a `source` condition of their own.
import { defaultServerConditions } from 'vite'
import type { ViteUserConfig } from 'vitest/config'

export const sharedTestConfig: ViteUserConfig = {
  resolve: { conditions: ['@agent/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@agent/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The machines are small and noisy: keep the worker count low and retry nothing.
    pool: 'forks',
    maxWorkers: 2,
    // In CI each package also writes a JSON report, summed up by scripts/test-summary.mjs.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
}
