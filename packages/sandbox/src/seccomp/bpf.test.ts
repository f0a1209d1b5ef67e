import { describe, expect, it } from 'vitest'
import { BpfProgram, SECCOMP_RET_ALLOW } from './bpf.js'
import { buildSeccompFilter } from './filter.js'
import { hostSeccompArch } from './syscalls.js'

function decode(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => ({
    code: view.getUint16(i * 8, true),
    jt: view.getUint8(i * 8 + 2),
    jf: view.getUint8(i * 8 + 3),
    k: view.getUint32(i * 8 + 4, true),
  }))
}

describe('BpfProgram', () => {
  it('encodes struct sock_filter little-endian with resolved forward jumps', () => {
    const bytes = new BpfProgram()
      .load(0)
      .jumpIfEqual(101, 'deny')
      .ret(SECCOMP_RET_ALLOW)
      .label('deny')
      .ret(0x50001)
      .assemble()
    expect(decode(bytes)).toEqual([
      { code: 0x20, jt: 0, jf: 0, k: 0 },
      { code: 0x15, jt: 1, jf: 0, k: 101 },
      { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 },
      { code: 0x06, jt: 0, jf: 0, k: 0x50001 },
    ])
  })

  it('refuses backward jumps, unknown and duplicate labels', () => {
    expect(() => new BpfProgram().label('a').ret(0).jumpIfEqual(1, 'a').ret(0).assemble()).toThrow(
      /out of range/,
    )
    expect(() => new BpfProgram().jumpIfEqual(1, 'nowhere').ret(0).assemble()).toThrow(/not defined: nowhere/)
    expect(() => new BpfProgram().label('a').label('a').ret(0).assemble()).toThrow(/defined twice/)
  })

  it('encodes k as unsigned (SECCOMP_RET_KILL_PROCESS = 0x80000000)', () => {
    expect(decode(new BpfProgram().ret(0x80000000).assemble())[0]?.k).toBe(0x80000000)
  })
})

describe('buildSeccompFilter', () => {
  it('starts by checking the architecture and kills foreign ABIs', () => {
    for (const [arch, audit] of [
      ['x86_64', 0xc000003e],
      ['aarch64', 0xc00000b7],
    ] as const) {
      const ins = decode(buildSeccompFilter({ arch, allowNetwork: false }))
      expect(ins[0]).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 })
      expect(ins[1]).toMatchObject({ code: 0x15, k: audit })
      const onMismatch = ins[2 + (ins[1]?.jf ?? 0)]
      expect(onMismatch).toEqual({ code: 0x06, jt: 0, jf: 0, k: 0x80000000 })
    }
  })

  it('only inspects socket() when the network is off', () => {
    const has = (network: boolean, nr: number) =>
      decode(buildSeccompFilter({ arch: 'x86_64', allowNetwork: network })).some(
        (i) => i.code === 0x15 && i.k === nr,
      )
    expect(has(false, 41)).toBe(true)
    expect(has(true, 41)).toBe(false)
    expect(has(true, 101)).toBe(true) // ptrace stays blocked either way
  })
})

describe('hostSeccompArch', () => {
  it('maps Node architectures to the tables we have, null otherwise', () => {
    expect(hostSeccompArch('x64')).toBe('x86_64')
    expect(hostSeccompArch('arm64')).toBe('aarch64')
    expect(hostSeccompArch('ia32')).toBeNull()
  })
})
