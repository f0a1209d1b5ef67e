// Every syscall the filter must refuse, tried for real by a small C program: inside the real
// sandbox, and with the filter alone (no namespaces) to prove the filter itself does the refusing.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSeccompFilter } from '../src/seccomp/filter.js'
import { hostSeccompArch } from '../src/seccomp/syscalls.js'
import { packageDir, runSandboxed, scratchDir, workspaceWrite } from './helpers.js'

const EPERM = 1
const ENOSYS = 38
const DENIED = [
  'ptrace',
  'process_vm_readv',
  'io_uring_setup',
  'mount',
  'umount2',
  'pivot_root',
  'open_tree',
  'fsopen',
  'mount_setattr',
  'setns',
  'unshare_newuser',
  'unshare_newns',
  'unshare_newnet',
  'keyctl',
  'add_key',
  'request_key',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'init_module',
  'finit_module',
  'delete_module',
  'open_by_handle_at',
  'name_to_handle_at',
  'swapon',
  'reboot',
  'acct',
  'ioctl_tiocsti',
  'clone_newuser',
  'openat_creat_suid',
  'fchmod_suid',
  'fchmod_sgid',
  'fchmodat_suid',
  'fchmodat2_suid',
  'mknodat_suid',
  ...(process.arch === 'x64' ? ['chmod_suid'] : []),
]
const NETWORK = ['socket_inet', 'socket_inet6', 'socket_netlink', 'socket_packet', 'socketpair_inet']
const ALLOWED = ['clone_plain', 'socket_unix', 'socketpair_unix', 'openat_creat_plain', 'fchmodat_plain']

const haveCompiler = spawnSync('cc', ['--version']).status === 0
const arch = hostSeccompArch()

describe.skipIf(!haveCompiler || !arch || process.platform !== 'linux')(
  'seccomp filter, tried syscall by syscall',
  () => {
    let scratch: ReturnType<typeof scratchDir>
    let probe: string
    let ws: string

    beforeAll(() => {
      scratch = scratchDir()
      ws = join(scratch.dir, 'ws')
      mkdirSync(ws)
      probe = join(scratch.dir, 'probe')
      execFileSync('cc', ['-O1', '-o', probe, join(packageDir, 'test/fixtures/syscall-probe.c')])
    })
    afterAll(() => scratch.cleanup())

    const parse = (stdout: string) =>
      Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split(' '))
          .map(([name, errno]) => [name, Number(errno)]),
      ) as Record<string, number>

    it('refuses each escape syscall inside the sandbox, network off', async () => {
      const r = await runSandboxed(workspaceWrite(), [probe, ws], { cwd: ws })
      expect(r.stderr).toBe('')
      const got = parse(r.stdout)
      for (const name of [...DENIED, ...NETWORK]) expect(got[name], name).toBe(EPERM)
      for (const name of ['clone3', 'openat2']) expect(got[name], name).toBe(ENOSYS)
      for (const name of ALLOWED) expect(got[name], name).toBe(0)
    })

    it('allows inet sockets when the policy allows the network, and still refuses the rest', async () => {
      const r = await runSandboxed(workspaceWrite({ network_access: true }), [probe, ws], { cwd: ws })
      const got = parse(r.stdout)
      expect(got.socket_inet).toBe(0)
      expect(got.socket_inet6).toBe(0)
      for (const name of DENIED) expect(got[name], name).toBe(EPERM)
    })

    // Without namespaces and as root, the same bogus calls fail with EFAULT/EINVAL/EBADF or even
    // succeed, so an EPERM here can only come from the filter.
    it.runIf(process.getuid?.() === 0)(
      'is the filter itself that refuses them (filter alone, as root)',
      () => {
        const dir = join(scratch.dir, 'alone')
        mkdirSync(dir)
        const filter = buildSeccompFilter({ arch: arch as NonNullable<typeof arch>, allowNetwork: false })
        const run = (args: string[], withFilter: boolean) => {
          const out = execFileSync(
            'sh',
            ['-c', withFilter ? `"$0" "$@" 3<"${dir}/f.bpf"` : '"$0" "$@"', probe, ...args],
            {
              encoding: 'utf8',
            },
          )
          return parse(out)
        }
        execFileSync('sh', ['-c', `cat > "${dir}/f.bpf"`], { input: Buffer.from(filter) })
        const withFilter = run(['--install-filter', dir], true)
        execFileSync('rm', ['-f', join(dir, 'probe-suid'), join(dir, 'probe-node')])
        const without = run([dir], false)
        for (const name of [...DENIED, ...NETWORK]) expect(withFilter[name], name).toBe(EPERM)
        const decidedByFilter = [...DENIED, ...NETWORK].filter((name) => without[name] !== EPERM)
        expect(decidedByFilter.length).toBeGreaterThan(30)
      },
    )

    it.runIf(process.arch === 'x64')('kills a process that makes an i386 (int 0x80) syscall', async () => {
      const r = await runSandboxed(workspaceWrite(), [probe, '--compat-syscall'], { cwd: ws })
      expect(r.stdout).toBe('')
      // A kernel built without IA32 emulation (or booted with ia32_emulation=0) has no 32-bit
      // entry: int 0x80 faults (SIGSEGV) before seccomp sees it, sandboxed or not.
      const host = spawnSync(probe, ['--compat-syscall'])
      const noCompatEntry = host.signal === 'SIGSEGV'
      // SIGSYS (or SIGSEGV without the entry), reported by bwrap as 128 + signal
      expect(r.exitCode).toBe(128 + (noCompatEntry ? 11 : 31))
    })
  },
)
