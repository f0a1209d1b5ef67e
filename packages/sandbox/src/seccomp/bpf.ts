// A tiny classic-BPF assembler for seccomp filters: instructions with symbolic jump targets,
// resolved to the kernel's `struct sock_filter` byte layout (8 bytes each, little-endian).

export const BPF_LD_W_ABS = 0x20
export const BPF_JEQ_K = 0x15
export const BPF_JGE_K = 0x35
export const BPF_JSET_K = 0x45
export const BPF_RET_K = 0x06

export const SECCOMP_RET_KILL_PROCESS = 0x80000000
export const SECCOMP_RET_ERRNO = 0x00050000
export const SECCOMP_RET_ALLOW = 0x7fff0000

/** Offsets into `struct seccomp_data`. */
export const SECCOMP_DATA_NR = 0
export const SECCOMP_DATA_ARCH = 4
/** Offset of the low 32 bits of argument `index` (both supported architectures are little-endian). */
export function argLow(index: number): number {
  return 16 + 8 * index
}

type Target = string | number

type Instruction =
  | { op: 'ld'; offset: number }
  | { op: 'jeq' | 'jge' | 'jset'; k: number; jt: Target; jf: Target }
  | { op: 'ret'; k: number }
  | { op: 'label'; name: string }

/** Builds a program; `0` as a jump target means "the next instruction". */
export class BpfProgram {
  private readonly code: Instruction[] = []

  label(name: string): this {
    this.code.push({ op: 'label', name })
    return this
  }
  load(offset: number): this {
    this.code.push({ op: 'ld', offset })
    return this
  }
  jumpIfEqual(k: number, jt: Target, jf: Target = 0): this {
    this.code.push({ op: 'jeq', k, jt, jf })
    return this
  }
  jumpIfGreaterOrEqual(k: number, jt: Target, jf: Target = 0): this {
    this.code.push({ op: 'jge', k, jt, jf })
    return this
  }
  /** Jumps to `jt` when `A & k` is non-zero. */
  jumpIfAnyBit(k: number, jt: Target, jf: Target = 0): this {
    this.code.push({ op: 'jset', k, jt, jf })
    return this
  }
  ret(k: number): this {
    this.code.push({ op: 'ret', k })
    return this
  }

  /** Resolves labels and encodes; throws when a jump is too far for an 8-bit offset. */
  assemble(): Uint8Array {
    const labels = new Map<string, number>()
    const real: Exclude<Instruction, { op: 'label' }>[] = []
    for (const ins of this.code) {
      if (ins.op === 'label') {
        if (labels.has(ins.name)) throw new Error(`BPF label defined twice: ${ins.name}`)
        labels.set(ins.name, real.length)
      } else real.push(ins)
    }
    if (real.length > 4096) throw new Error(`BPF program too long: ${real.length} instructions`)
    const out = new Uint8Array(real.length * 8)
    const view = new DataView(out.buffer)
    const offsetTo = (from: number, target: Target): number => {
      if (typeof target === 'number') return target
      const at = labels.get(target)
      if (at === undefined) throw new Error(`BPF label not defined: ${target}`)
      const delta = at - from - 1
      if (delta < 0 || delta > 255) throw new Error(`BPF jump to ${target} out of range (${delta})`)
      return delta
    }
    real.forEach((ins, i) => {
      let code: number
      let jt = 0
      let jf = 0
      let k: number
      switch (ins.op) {
        case 'ld':
          code = BPF_LD_W_ABS
          k = ins.offset
          break
        case 'ret':
          code = BPF_RET_K
          k = ins.k
          break
        default:
          code = ins.op === 'jeq' ? BPF_JEQ_K : ins.op === 'jge' ? BPF_JGE_K : BPF_JSET_K
          k = ins.k
          jt = offsetTo(i, ins.jt)
          jf = offsetTo(i, ins.jf)
      }
      view.setUint16(i * 8, code, true)
      view.setUint8(i * 8 + 2, jt)
      view.setUint8(i * 8 + 3, jf)
      view.setUint32(i * 8 + 4, k >>> 0, true)
    })
    return out
  }
}
