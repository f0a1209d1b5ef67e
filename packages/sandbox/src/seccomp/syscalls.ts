// Syscall numbers the seccomp filter inspects, per architecture (from the kernel's
// arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h).

export type SeccompArch = 'x86_64' | 'aarch64'

export interface ArchInfo {
  /** AUDIT_ARCH_* value the kernel puts in `seccomp_data.arch`. */
  auditArch: number
  /** x86_64 also accepts x32-ABI calls (nr | 0x40000000) under the same audit arch. */
  x32Bit?: number
  syscalls: Record<SyscallName, number | undefined>
}

export type SyscallName =
  | 'ptrace'
  | 'process_vm_readv'
  | 'process_vm_writev'
  | 'io_uring_setup'
  | 'io_uring_enter'
  | 'io_uring_register'
  | 'mount'
  | 'umount2'
  | 'pivot_root'
  | 'open_tree'
  | 'move_mount'
  | 'fsopen'
  | 'fsconfig'
  | 'fsmount'
  | 'fspick'
  | 'mount_setattr'
  | 'unshare'
  | 'setns'
  | 'clone'
  | 'clone3'
  | 'keyctl'
  | 'add_key'
  | 'request_key'
  | 'bpf'
  | 'perf_event_open'
  | 'userfaultfd'
  | 'kexec_load'
  | 'kexec_file_load'
  | 'init_module'
  | 'finit_module'
  | 'delete_module'
  | 'open_by_handle_at'
  | 'name_to_handle_at'
  | 'swapon'
  | 'swapoff'
  | 'reboot'
  | 'syslog'
  | 'acct'
  | 'quotactl'
  | 'ioctl'
  | 'socket'
  | 'socketpair'
  | 'chmod'
  | 'fchmod'
  | 'fchmodat'
  | 'fchmodat2'
  | 'open'
  | 'openat'
  | 'openat2'
  | 'creat'
  | 'mknod'
  | 'mknodat'

// Numbers shared by every architecture since the 2019 syscall table unification.
const unified = {
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  clone3: 435,
  openat2: 437,
  mount_setattr: 442,
  fchmodat2: 452,
} as const

export const ARCHES: Record<SeccompArch, ArchInfo> = {
  x86_64: {
    auditArch: 0xc000003e,
    x32Bit: 0x40000000,
    syscalls: {
      ...unified,
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      mount: 165,
      umount2: 166,
      pivot_root: 155,
      unshare: 272,
      setns: 308,
      clone: 56,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      bpf: 321,
      perf_event_open: 298,
      userfaultfd: 323,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      open_by_handle_at: 304,
      name_to_handle_at: 303,
      swapon: 167,
      swapoff: 168,
      reboot: 169,
      syslog: 103,
      acct: 163,
      quotactl: 179,
      ioctl: 16,
      socket: 41,
      socketpair: 53,
      chmod: 90,
      fchmod: 91,
      fchmodat: 268,
      open: 2,
      openat: 257,
      creat: 85,
      mknod: 133,
      mknodat: 259,
    },
  },
  aarch64: {
    auditArch: 0xc00000b7,
    syscalls: {
      ...unified,
      ptrace: 117,
      process_vm_readv: 270,
      process_vm_writev: 271,
      mount: 40,
      umount2: 39,
      pivot_root: 41,
      unshare: 97,
      setns: 268,
      clone: 220,
      keyctl: 219,
      add_key: 217,
      request_key: 218,
      bpf: 280,
      perf_event_open: 241,
      userfaultfd: 282,
      kexec_load: 104,
      kexec_file_load: 294,
      init_module: 105,
      finit_module: 273,
      delete_module: 106,
      open_by_handle_at: 265,
      name_to_handle_at: 264,
      swapon: 224,
      swapoff: 225,
      reboot: 142,
      syslog: 116,
      acct: 89,
      quotactl: 60,
      ioctl: 29,
      socket: 198,
      socketpair: 199,
      // The generic table has no legacy path-based variants; libc uses the *at forms.
      chmod: undefined,
      fchmod: 52,
      fchmodat: 53,
      open: undefined,
      openat: 56,
      creat: undefined,
      mknod: undefined,
      mknodat: 33,
    },
  },
}

/** The seccomp architecture of this Node process, or null when we have no table for it. */
export function hostSeccompArch(arch: string = process.arch): SeccompArch | null {
  if (arch === 'x64') return 'x86_64'
  if (arch === 'arm64') return 'aarch64'
  return null
}
