// End-to-end: the built `agent` binary, run as a subprocess.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findConformanceSuite } from '@agent/mcp/testing'
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

// Node 22.1+ can cache compiled code on disk, which the binary turns on at start. The Node 24
// binary installed for the MCP conformance suite (a dev dependency) runs it; skipped without.
const node24 = findConformanceSuite()?.node
describe.skipIf(!node24)('agent binary on Node 24', () => {
  it('fills the on-disk compile cache (in the temp directory), and a second start works from it', () => {
    const temp = mkdtempSync(join(tmpdir(), 'agent-compile-cache-'))
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp }
    delete env.NODE_COMPILE_CACHE
    delete env.NODE_DISABLE_COMPILE_CACHE
    const first = execFileSync(node24 as string, [bin, '--help'], { encoding: 'utf8', env })
    expect(first).toContain('Usage: agent')
    const cache = join(temp, 'node-compile-cache')
    const files = readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    expect(files.length).toBeGreaterThan(0)
    expect(execFileSync(node24 as string, [bin, '--help'], { encoding: 'utf8', env })).toBe(first)
  })
})
