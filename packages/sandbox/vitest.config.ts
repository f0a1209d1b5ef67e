// Two runs of every test: against the system's bwrap, and against the static bwrap shipped in
// @agent/sandbox-linux-x64 (AGENT_SANDBOX_BWRAP picks it), so both are held to the same escape
// battery. The second run exists only where that package ships a binary.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.js'

const shipped =
  process.platform === 'linux' &&
  existsSync(join(import.meta.dirname, '..', `sandbox-linux-${process.arch}`, 'bin', 'bwrap'))

export default defineConfig({
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    projects: [
      { extends: true, test: { name: 'system-bwrap', env: { AGENT_SANDBOX_BWRAP: 'system' } } },
      ...(shipped
        ? [
            {
              extends: true as const,
              test: {
                name: 'shipped-bwrap',
                env: { AGENT_SANDBOX_BWRAP: 'bundled' },
              },
            },
          ]
        : []),
    ],
  },
})
