// The README's offline demo, exactly as `pnpm demo` runs it: a scratch copy of the example
// project, a replayed model, every tool call real (tests run inside bubblewrap).
import { spawnSync } from 'node:child_process'
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { bundledBwrapPath, detectSandbox } from '@agent/sandbox'
import { describe, expect, it } from 'vitest'

const demo = new URL('../../../examples/fix-a-test/demo.mjs', import.meta.url).pathname
const support = await detectSandbox()

/** A PATH with every program of this one except bwrap, as on a machine without bubblewrap. */
function pathWithoutBwrap(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-no-bwrap-'))
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  for (const from of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let names: string[]
    try {
      names = readdirSync(from)
    } catch {
      continue
    }
    for (const name of names) {
      if (name === 'bwrap') continue
      try {
        accessSync(join(from, name), constants.X_OK)
        symlinkSync(join(from, name), join(bin, name))
      } catch {
        // not executable, or an earlier PATH entry already has this name
      }
    }
  }
  return { path: bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

describe.skipIf(!support.available)('pnpm demo (examples/fix-a-test)', () => {
  it('fixes the failing test in a scratch repository, offline', () => {
    expectDemoFixes(process.env.PATH ?? '')
  })

  // The static bwrap of @agent/sandbox-linux-x64 stands in for the missing system one.
  it.runIf(bundledBwrapPath() !== null)('does the same on a machine without bubblewrap on PATH', () => {
    const { path, cleanup } = pathWithoutBwrap()
    try {
      expect(spawnSync('sh', ['-c', 'command -v bwrap'], { env: { PATH: path } }).status).not.toBe(0)
      expectDemoFixes(path)
    } finally {
      cleanup()
    }
  })
})

function expectDemoFixes(path: string): void {
  const run = spawnSync(process.execPath, [demo], {
    encoding: 'utf8',
    env: { PATH: path, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
    timeout: 120_000,
  })
  expect(run.status, run.stderr).toBe(0)
  const scratch = /Scratch copy of examples\/fix-a-test\/project: (\S+)/.exec(run.stderr)?.[1]
  if (!scratch) throw new Error(`no scratch path in: ${run.stderr}`)
  expect(readFileSync(join(scratch, 'src/prices.js'), 'utf8')).toContain('discountPercent) / 100')
  // The commands ran for real and in the sandbox: the test run failed once, then passed.
  expect(run.stderr).toMatch(/\$ bash -lc 'npm test' \[workspace-write\]\n {2}exit 1/)
  expect(run.stderr).toMatch(/\$ bash -lc 'npm test' \[workspace-write\]\n {2}exit 0/)
  expect(run.stderr).toContain('M src/prices.js')
  expect(run.stdout).toContain('all 3 tests pass')
  expect(run.stdout).toContain('+  const discount = Math.round((subtotal * discountPercent) / 100)')
  // And the fix is real: the project's own tests pass now.
  const check = spawnSync('node', ['--test', 'test/'], { cwd: scratch, encoding: 'utf8' })
  expect(check.status, check.stdout).toBe(0)
}
