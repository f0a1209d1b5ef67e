// The README's offline demo, exactly as `pnpm demo` runs it: a scratch copy of the example
// project, a replayed model, every tool call real (tests run inside bubblewrap).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { detectSandbox } from '@agent/sandbox'
import { describe, expect, it } from 'vitest'

const demo = new URL('../../../examples/fix-a-test/demo.mjs', import.meta.url).pathname
const support = await detectSandbox()

describe.skipIf(!support.available)('pnpm demo (examples/fix-a-test)', () => {
  it('fixes the failing test in a scratch repository, offline', () => {
    const run = spawnSync(process.execPath, [demo], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
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
  })
})
