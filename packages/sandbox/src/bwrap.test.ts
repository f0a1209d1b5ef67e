import { describe, expect, it } from 'vitest'
import { bwrapArgv, networkAllowed } from './bwrap.js'

const plan = {
  writable: ['/ws', '/tmp'],
  protected: ['/ws/.git'],
  denyRead: [
    { path: '/home/me/.ssh', directory: true },
    { path: '/ws/.env', directory: false },
  ],
}

describe('bwrapArgv', () => {
  it('isolates every namespace, drops capabilities and orders the mounts', () => {
    const argv = bwrapArgv(['make', 'test'], {
      bwrapPath: '/usr/bin/bwrap',
      plan,
      cwd: '/ws',
      network: false,
      disableUserns: true,
      seccompFd: 3,
    })
    expect(argv.join(' ')).toBe(
      '/usr/bin/bwrap --new-session --die-with-parent --unshare-user --disable-userns --unshare-pid --unshare-ipc --unshare-uts' +
        ' --unshare-cgroup-try --unshare-net --cap-drop ALL --ro-bind / / --dev /dev --proc /proc --bind /ws /ws --bind /tmp /tmp' +
        ' --ro-bind /ws/.git /ws/.git --tmpfs /home/me/.ssh --remount-ro /home/me/.ssh --ro-bind /dev/null /ws/.env' +
        ' --chdir /ws --seccomp 3 -- make test',
    )
  })

  it('binds a writable root inside another one only through the outer bind', () => {
    const argv = bwrapArgv(['true'], {
      bwrapPath: 'bwrap',
      plan: { writable: ['/tmp', '/tmp/ws', '/tmp/wsx', '/work'], protected: ['/tmp/ws/.git'], denyRead: [] },
      cwd: '/tmp/ws',
      network: false,
      disableUserns: true,
      seccompFd: 3,
    })
    const mounts = argv.slice(argv.indexOf('/proc') + 1, argv.indexOf('--chdir')).join(' ')
    expect(mounts).toBe('--bind /tmp /tmp --bind /work /work --ro-bind /tmp/ws/.git /tmp/ws/.git')
  })

  it('keeps the network namespace only when asked, and omits what the bwrap cannot do', () => {
    const argv = bwrapArgv(['true'], {
      bwrapPath: 'bwrap',
      plan,
      cwd: '/',
      network: true,
      disableUserns: false,
      seccompFd: null,
    })
    expect(argv).not.toContain('--unshare-net')
    expect(argv).not.toContain('--disable-userns')
    expect(argv).not.toContain('--seccomp')
    expect(argv).toContain('--unshare-user')
  })
})

describe('networkAllowed', () => {
  it('follows the policy', () => {
    expect(networkAllowed({ type: 'read-only' })).toBe(false)
    expect(networkAllowed({ type: 'workspace-write', writable_roots: [], network_access: false })).toBe(false)
    expect(networkAllowed({ type: 'workspace-write', writable_roots: [], network_access: true })).toBe(true)
    expect(networkAllowed({ type: 'danger-full-access' })).toBe(true)
  })
})
