// End-to-end: the built `agent` binary, run as a subprocess.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const bin = new URL('../dist/agent.js', import.meta.url).pathname
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

describe('agent binary', () => {
  it('prints its version', () => {
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(version)
  })

  it('prints help and exits 0', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    expect(out).toContain('Usage: agent')
  })

  it('exits 2 with a hint on an unknown option', () => {
    const r = spawnSync(process.execPath, [bin, '--no-such-flag'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("unknown option '--no-such-flag'")
  })
})
