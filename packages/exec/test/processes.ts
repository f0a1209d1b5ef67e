// Test support: tag every process a test starts with a unique environment marker, then find
// survivors by reading /proc/*/environ, which catches even processes that left the tree.
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from '../src/run-command.js'
import type { RunCommandResult } from '../src/types.js'

const MARKER = 'AGENT_EXEC_TEST_MARKER'

export interface Tagged {
  /** The child environment: the current one plus the marker. */
  env: Record<string, string>
  /** The marker alone, for tests that build a minimal environment. */
  marker: Record<string, string>
  /** Pids of live processes that carry this marker. */
  survivors(): number[]
  /** SIGKILL every survivor (for the one test that shows a deliberate escape). */
  killSurvivors(): void
}

export function tagged(extra: Record<string, string> = {}): Tagged {
  const id = randomUUID()
  const needle = `${MARKER}=${id}\0`
  const survivors = () => {
    const found: number[] = []
    for (const name of readdirSync('/proc')) {
      const pid = Number(name)
      if (!Number.isInteger(pid) || pid === process.pid) continue
      try {
        // Zombies have an empty environ, so only processes still running match.
        if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) found.push(pid)
      } catch {
        // Gone between readdir and read.
      }
    }
    return found
  }
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
  Object.assign(env, extra, { [MARKER]: id })
  return {
    env,
    marker: { [MARKER]: id },
    survivors,
    killSurvivors() {
      for (const pid of survivors()) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
    },
  }
}

/**
 * Runs `test/<name>` (a TypeScript fixture) under tsx as a real Node process in this package's
 * directory, with `env`, to completion.
 */
export function runFixture(name: string, env?: Record<string, string>): Promise<RunCommandResult> {
  const packageDir = join(import.meta.dirname, '..')
  return runCommand({
    argv: [join(packageDir, '..', '..', 'node_modules', '.bin', 'tsx'), join(packageDir, 'test', name)],
    cwd: packageDir,
    ...(env ? { env } : {}),
    timeoutMs: 60_000,
  })
}
