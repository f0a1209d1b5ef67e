import { describe, expect, it } from 'vitest'
import { dangerReason } from '../index.js'
import { textDanger } from './dangerous.js'
import { asciiSkeleton } from './lookalikes.js'

// Cases from Codex's is_dangerous_command.rs behaviour, plus this package's additions.
describe('dangerReason', () => {
  it.each([
    [['git', 'reset', '--hard'], 'git reset --hard discards uncommitted changes'],
    [
      ['sudo', 'git', 'reset', '--hard'],
      'git reset --hard discards uncommitted changes (run as root through sudo)',
    ],
    [['/usr/bin/git', 'reset', '--hard'], 'git reset --hard discards uncommitted changes'],
    [['rm', '-rf', '/'], 'rm -rf deletes recursively without asking'],
    [['rm', '-f', '/'], 'rm -f deletes without asking'],
    [['timeout', '5', 'rm', '-f', 'x'], 'rm -f deletes without asking'],
    [
      ['xargs', '-0', 'rm', '-rf'],
      'rm -rf deletes recursively without asking (passed to xargs, which may run it)',
    ],
    [['dd', 'if=/dev/zero', 'of=/dev/sda'], 'dd of=/dev/sda overwrites a device'],
    [
      ['rм', '-rf', '/'],
      '`rм -rf /` uses unicode lookalikes of `rm -rf /`, which rm -rf deletes recursively without asking',
    ],
  ])('%j', (argv, reason) => {
    expect(dangerReason(argv)).toBe(reason)
  })

  it.each([
    [['git', 'status']],
    [['git', 'reset']],
    [['rm', 'file']],
    [['dd', 'of=/dev/null']],
    [['ls', '-rf']],
    [['chmod', '-R', '755', 'build']],
    [[]],
  ])('%j is not dangerous', (argv) => {
    expect(dangerReason(argv)).toBeUndefined()
  })
})

describe('textDanger and asciiSkeleton', () => {
  it('reads text without the grammar, only to find danger', () => {
    expect(textDanger("x$';rm -rf /")).toBe('rm -rf deletes recursively without asking')
    expect(textDanger('please do not remove this')).toBeUndefined()
  })

  it('maps lookalikes to the ASCII a reader sees', () => {
    expect(asciiSkeleton('ｒｍ')).toBe('rm')
    expect(asciiSkeleton('r\u200bm')).toBe('rm')
    expect(asciiSkeleton('gіt')).toBe('git')
    expect(asciiSkeleton('–rf')).toBe('-rf')
    expect(asciiSkeleton('plain')).toBe('plain')
  })
})
