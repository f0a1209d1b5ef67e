import { describe, expect, it } from 'vitest'
import { BWRAP_ENV, bundledBwrapPath, bwrapCandidates } from './bwrap-binary.js'
import { findExecutable } from './which.js'

const system = findExecutable('bwrap')
const shipped = bundledBwrapPath()

describe.runIf(process.platform === 'linux')('which bwrap', () => {
  it.runIf(process.arch === 'x64')('finds the static bwrap of @agent/sandbox-linux-x64', () => {
    expect(shipped).toMatch(/sandbox-linux-x64\/bin\/bwrap$/)
  })

  it.runIf(system !== null && shipped !== null)('prefers the system bwrap, then the shipped one', () => {
    expect(bwrapCandidates({ env: { PATH: process.env.PATH }, pid: 4242 }).candidates).toEqual([
      { path: system, source: 'system' },
      { path: shipped, source: 'bundled' },
    ])
  })

  it.runIf(system !== null && shipped !== null)(
    'as PID 1 prefers the shipped bwrap, which reaps its sandbox (no zombie for PID 1 to collect)',
    () => {
      expect(
        bwrapCandidates({ env: { PATH: process.env.PATH }, pid: 1 }).candidates.map((c) => c.source),
      ).toEqual(['bundled', 'system'])
    },
  )

  it.runIf(shipped !== null)('uses the shipped bwrap when none is on PATH', () => {
    expect(bwrapCandidates({ env: { PATH: '/nonexistent' }, pid: 4242 })).toEqual({
      candidates: [{ path: shipped, source: 'bundled' }],
      problem: null,
    })
  })

  it('can be forced either way, by option or by AGENT_SANDBOX_BWRAP', () => {
    const env = { PATH: process.env.PATH }
    if (system) {
      expect(bwrapCandidates({ bwrap: 'system', env }).candidates).toEqual([
        { path: system, source: 'system' },
      ])
      expect(bwrapCandidates({ env: { ...env, [BWRAP_ENV]: 'system' } }).candidates).toEqual([
        { path: system, source: 'system' },
      ])
    }
    if (shipped) {
      expect(bwrapCandidates({ env: { ...env, [BWRAP_ENV]: 'bundled' } }).candidates).toEqual([
        { path: shipped, source: 'bundled' },
      ])
    }
    // The option wins over the environment.
    expect(
      bwrapCandidates({ bwrap: 'system', env: { PATH: '/nonexistent', [BWRAP_ENV]: 'bundled' } }),
    ).toEqual({
      candidates: [],
      problem: expect.stringMatching(
        /^bubblewrap \(bwrap\) is not on PATH: install bubblewrap: apt-get install bubblewrap/,
      ),
    })
    expect(bwrapCandidates({ env: { [BWRAP_ENV]: '/bin/true' } }).candidates).toEqual([
      { path: '/bin/true', source: 'option' },
    ])
  })

  it('names a value of AGENT_SANDBOX_BWRAP it does not understand', () => {
    expect(bwrapCandidates({ env: { [BWRAP_ENV]: 'shipped' } })).toEqual({
      candidates: [],
      problem:
        'AGENT_SANDBOX_BWRAP=shipped is not understood: use system, bundled, auto or an absolute path to a bwrap',
    })
  })
})
