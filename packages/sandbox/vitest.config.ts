// Two runs of every test: against the system's bwrap, and against the static bwrap shipped in
// @agent/sandbox-linux-x64 (AGENT_SANDBOX_BWRAP picks it), so both are held to the same escape
// battery. Each run exists only where its bwrap does: a machine without bubblewrap runs the
// shipped one alone, another architecture the system's alone.
import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.js'

const shipped =
  process.platform === 'linux' &&
  existsSync(join(import.meta.dirname, '..', `sandbox-linux-${process.arch}`, 'bin', 'bwrap'))
const system = (process.env.PATH ?? '').split(delimiter).some((dir) => {
  try {
    accessSync(join(dir, 'bwrap'), constants.X_OK)
    return Boolean(dir)
  } catch {
    return false
  }
})

// These choose their bwrap themselves (a runner as PID 1, a PATH without bwrap): one run is enough,
// the shipped-bwrap one, where they apply.
const once = ['test/reaping.test.ts', 'test/fresh-machine.test.ts']
const run = (name: string, bwrap: string, exclude: string[] = []): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, env: { AGENT_SANDBOX_BWRAP: bwrap }, exclude: [...configDefaults.exclude, ...exclude] },
})
const projects = [
  ...(system ? [run('system-bwrap', 'system', shipped ? once : [])] : []),
  ...(shipped ? [run('shipped-bwrap', 'bundled')] : []),
]

export default defineConfig({
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    // Neither: one plain run, whose sandbox tests report what is missing.
    ...(projects.length > 0 ? { projects } : {}),
  },
})
