import { describe, expect, it } from 'vitest'
import { isLikelySandboxDenial } from './denial.js'

const ok = { exitCode: 0, signal: null, stdout: '', stderr: '' }

describe('isLikelySandboxDenial', () => {
  it('recognises the errno texts a denial produces', () => {
    for (const stderr of [
      "touch: cannot touch '/etc/x': Read-only file system",
      'rm: cannot remove x: Operation not permitted',
      'bash: /root/x: Permission denied',
      'Error: EROFS: read-only file system, open /usr/x',
      'curl: (6) Could not resolve host: example.com',
      'connect: Network is unreachable',
      "bwrap: Can't mkdir /nope: Read-only file system",
    ]) {
      expect(isLikelySandboxDenial({ ...ok, exitCode: 1, stderr }), stderr).toBe(true)
    }
  })

  it('recognises a seccomp kill (SIGSYS), as a signal or as 128+31', () => {
    expect(isLikelySandboxDenial({ ...ok, exitCode: 159, signal: null })).toBe(true)
    expect(isLikelySandboxDenial({ ...ok, exitCode: 159, signal: 'SIGSYS' })).toBe(true)
  })

  it('does not flag successes or ordinary failures', () => {
    expect(isLikelySandboxDenial({ ...ok, stdout: 'permission denied in a log line' })).toBe(false)
    expect(isLikelySandboxDenial({ ...ok, exitCode: 1, stderr: 'test failed: expected 2, got 3' })).toBe(
      false,
    )
    expect(isLikelySandboxDenial({ ...ok, exitCode: 143, stderr: '' })).toBe(false)
  })
})
