// A machine where bubblewrap was never installed: no bwrap on PATH. The `agent-sandbox` command
// (a real subprocess) must then run under the static bwrap of @agent/sandbox-linux-x64.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bundledBwrapPath } from '../src/bwrap-binary.js'
import { findExecutable } from '../src/which.js'
import { packageDir, scratchDir } from './helpers.js'

const shipped = bundledBwrapPath()
let scratch: ReturnType<typeof scratchDir>
let ws: string
let path: string

beforeEach(() => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  mkdirSync(ws)
  // PATH holds the few programs the commands below use, and no bwrap.
  const bin = join(scratch.dir, 'bin')
  mkdirSync(bin)
  for (const tool of ['sh']) symlinkSync(findExecutable(tool) as string, join(bin, tool))
  path = bin
})
afterEach(() => scratch.cleanup())

function agentSandbox(args: string[]) {
  const env: Record<string, string> = { PATH: path, HOME: process.env.HOME ?? '/root' }
  return spawnSync(process.execPath, ['--import', 'tsx', join(packageDir, 'src', 'bin.ts'), ...args], {
    cwd: ws,
    env,
    encoding: 'utf8',
  })
}

// Each case starts Node with tsx, which takes seconds on a loaded machine. The commands choose
// their bwrap themselves, so the file runs once, in the shipped-bwrap run of vitest.config.ts.
describe.runIf(
  process.platform === 'linux' && shipped !== null && process.env.AGENT_SANDBOX_BWRAP === 'bundled',
)('without bwrap on PATH', { timeout: 60_000 }, () => {
  it('detection finds the shipped static bwrap', () => {
    expect(findExecutable('bwrap', path)).toBeNull()
    const r = agentSandbox(['--detect'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(`bwrap: ${shipped} (0.8.0, shipped static build)\n`)
    expect(r.stdout).toContain('available: yes\n')
    expect(r.status).toBe(0)
  })

  it("the README's first command confines a write", () => {
    const r = agentSandbox(['--', 'sh', '-c', 'echo ok > here.txt; echo no > /etc/x'])
    expect(r.stderr).toMatch(/cannot create \/etc\/x: Read-only file system/)
    expect(r.status).toBe(2)
    expect(readFileSync(join(ws, 'here.txt'), 'utf8')).toBe('ok\n')
    expect(existsSync('/etc/x')).toBe(false)
  })
})
