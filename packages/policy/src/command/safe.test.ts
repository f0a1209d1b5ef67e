import { describe, expect, it } from 'vitest'
import { knownSafeReason } from '../index.js'

// Cases from Codex's is_safe_command.rs behaviour, plus this package's additions.
describe('knownSafeReason', () => {
  it.each([
    [['ls'], 'ls only reads'],
    [['git', 'status'], 'git status only reads the repository'],
    [['git', 'branch'], 'git branch only reads the repository'],
    [['git', 'branch', '--show-current'], 'git branch only reads the repository'],
    [['git', '-C', '.', 'branch', '--show-current'], 'git branch only reads the repository'],
    [['base64'], 'base64 without -o only prints'],
    [['sed', '-n', '1,5p', 'file.txt'], 'sed -n Np only prints lines'],
    [['nl', '-nrz', 'Cargo.toml'], 'nl only reads'],
    [['find', '.', '-name', 'file.txt'], 'find without -exec/-delete/-fprint only lists'],
    [['rg', 'Cargo.toml', '-n'], 'rg without --pre/-z only searches'],
    [['/usr/bin/cat', 'x'], 'cat only reads'],
  ])('%j is safe', (argv, reason) => {
    expect(knownSafeReason(argv)).toBe(reason)
  })

  it.each([
    [[]],
    [['foo']],
    [['git', 'fetch']],
    [['git', 'checkout', 'status']],
    [['git', 'branch', '-d', 'feature']],
    [['git', 'branch', 'new-branch']],
    [['git', 'log', '--output=/tmp/x', '-n', '1']],
    [['git', 'diff', '--output', '/tmp/x']],
    [['git', 'show', '--output=/tmp/x', 'HEAD']],
    [['git', '-c', 'core.pager=cat', 'log']],
    [['git', '-ccore.pager=cat', 'status']],
    [['git', '--git-dir', '/x', 'status']],
    [['git', '-p', 'log']],
    [['git', 'grep', '-O', 'x']],
    [['cargo', 'check']],
    [['sed', '-n', 'xp', 'file.txt']],
    [['sed', '-n', '1,2,3p', 'f']],
    [['sed', '-n', '1p', 'a', 'b', 'c']],
    [['find', '.', '-exec', 'rm', '{}', ';']],
    [['find', '.', '-execdir', 'python3', '{}', ';']],
    [['find', '.', '-ok', 'rm', '{}', ';']],
    [['find', '.', '-okdir', 'rm', '{}', ';']],
    [['find', '.', '-delete']],
    [['find', '.', '-fls', '/etc/passwd']],
    [['find', '.', '-fprint', '/etc/passwd']],
    [['find', '.', '-fprint0', '/etc/passwd']],
    [['find', '.', '-fprintf', '/root/suid.txt', '%#m %u %p\\n']],
    [['base64', '-o', 'out.bin']],
    [['base64', '--output', 'out.bin']],
    [['base64', '--output=out.bin']],
    [['base64', '-ob64.txt']],
    [['rg', '--search-zip', 'files']],
    [['rg', '-z', 'files']],
    [['rg', '--pre', 'pwned', 'files']],
    [['rg', '--pre=pwned', 'files']],
    [['rg', '--hostname-bin', 'pwned']],
    [['sort', '-o', 'x']],
    [['date', '--set=now']],
    [['ｌｓ']],
  ])('%j is not known-safe', (argv) => {
    expect(knownSafeReason(argv)).toBeUndefined()
  })
})
