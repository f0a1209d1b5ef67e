// The seccomp filter handed to bwrap (`--seccomp FD`): blocks the syscalls that break out of
// namespaces, debug other processes, reach the network while it is off, or leave setuid files.
import {
  argLow,
  BpfProgram,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
} from './bpf.js'
import { ARCHES, type SeccompArch, type SyscallName } from './syscalls.js'

const EPERM = 1
const ENOSYS = 38
const AF_UNIX = 1
const TIOCSTI = 0x5412
const TIOCLINUX = 0x541c
const O_CREAT = 0o100
const O_TMPFILE_BIT = 0o20000000
const SETUID_SETGID_BITS = 0o6000
// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. CLONE_NEWTIME (0x80)
// only counts for unshare(): in clone() the low byte is the exit signal.
const CLONE_NEW_NAMESPACES =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
const CLONE_NEWTIME = 0x80

export interface SeccompFilterOptions {
  arch: SeccompArch
  /** When false (network off), socket() and socketpair() only work for AF_UNIX. */
  allowNetwork: boolean
}

/** Syscalls refused outright with EPERM: namespace/mount escapes, tracing, kernel attack surface. */
export const DENIED_SYSCALLS: readonly SyscallName[] = [
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'mount',
  'umount2',
  'pivot_root',
  'open_tree',
  'move_mount',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'mount_setattr',
  'setns',
  'keyctl',
  'add_key',
  'request_key',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'open_by_handle_at',
  'name_to_handle_at',
  'swapon',
  'swapoff',
  'reboot',
  'syslog',
  'acct',
  'quotactl',
]

/**
 * Syscalls whose arguments live in memory the filter cannot read: answered with ENOSYS so libc
 * falls back to the older call (clone, openat) whose arguments the filter does check.
 */
export const UNSUPPORTED_SYSCALLS: readonly SyscallName[] = ['clone3', 'openat2']

/** Compiles the filter for one architecture into `struct sock_filter[]` bytes. */
export function buildSeccompFilter(options: SeccompFilterOptions): Uint8Array {
  const info = ARCHES[options.arch]
  const nr = (name: SyscallName) => info.syscalls[name]
  const p = new BpfProgram()
  const deny = 'deny'
  const allow = 'allow'

  // Anything not of the expected ABI (i386 on x86_64, AArch32 on arm64) could use other numbers.
  p.load(SECCOMP_DATA_ARCH).jumpIfEqual(info.auditArch, 0, 'kill')
  p.load(SECCOMP_DATA_NR)
  if (info.x32Bit !== undefined) p.jumpIfGreaterOrEqual(info.x32Bit, 'kill')

  for (const name of DENIED_SYSCALLS) {
    const n = nr(name)
    if (n !== undefined) p.jumpIfEqual(n, deny)
  }
  for (const name of UNSUPPORTED_SYSCALLS) {
    const n = nr(name)
    if (n !== undefined) p.jumpIfEqual(n, 'enosys')
  }
  const checks: { name: SyscallName; label: string }[] = [
    { name: 'unshare', label: 'unshare' },
    { name: 'clone', label: 'clone' },
    { name: 'ioctl', label: 'ioctl' },
    { name: 'chmod', label: 'mode_arg1' },
    { name: 'fchmod', label: 'mode_arg1' },
    { name: 'fchmodat', label: 'mode_arg2' },
    { name: 'fchmodat2', label: 'mode_arg2' },
    { name: 'creat', label: 'mode_arg1' },
    { name: 'mknod', label: 'mode_arg1' },
    { name: 'mknodat', label: 'mode_arg2' },
    { name: 'open', label: 'open' },
    { name: 'openat', label: 'openat' },
  ]
  if (!options.allowNetwork) {
    checks.push({ name: 'socket', label: 'socket' }, { name: 'socketpair', label: 'socket' })
  }
  for (const check of checks) {
    const n = nr(check.name)
    if (n !== undefined) p.jumpIfEqual(n, check.label)
  }
  p.ret(SECCOMP_RET_ALLOW)

  // Classic BPF only jumps forward, so the argument checks come first and the verdicts last.
  p.label('unshare')
    .load(argLow(0))
    .jumpIfAnyBit(CLONE_NEW_NAMESPACES | CLONE_NEWTIME, deny, allow)
  p.label('clone').load(argLow(0)).jumpIfAnyBit(CLONE_NEW_NAMESPACES, deny, allow)
  // The kernel compares the request as a 32-bit int, so the low word is the whole story.
  p.label('ioctl').load(argLow(1)).jumpIfEqual(TIOCSTI, deny).jumpIfEqual(TIOCLINUX, deny, allow)
  p.label('mode_arg1').load(argLow(1)).jumpIfAnyBit(SETUID_SETGID_BITS, deny, allow)
  p.label('mode_arg2').load(argLow(2)).jumpIfAnyBit(SETUID_SETGID_BITS, deny, allow)
  // open/openat only honour the mode when creating a file.
  p.label('open')
    .load(argLow(1))
    .jumpIfAnyBit(O_CREAT | O_TMPFILE_BIT, 0, allow)
  p.load(argLow(2)).jumpIfAnyBit(SETUID_SETGID_BITS, deny, allow)
  p.label('openat')
    .load(argLow(2))
    .jumpIfAnyBit(O_CREAT | O_TMPFILE_BIT, 0, allow)
  p.load(argLow(3)).jumpIfAnyBit(SETUID_SETGID_BITS, deny, allow)
  if (!options.allowNetwork) {
    p.label('socket').load(argLow(0)).jumpIfEqual(AF_UNIX, allow, deny)
  }
  p.label(allow).ret(SECCOMP_RET_ALLOW)
  p.label(deny).ret(SECCOMP_RET_ERRNO | EPERM)
  p.label('enosys').ret(SECCOMP_RET_ERRNO | ENOSYS)
  p.label('kill').ret(SECCOMP_RET_KILL_PROCESS)
  return p.assemble()
}
