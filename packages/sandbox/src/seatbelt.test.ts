import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SANDBOX_EXEC_PATH } from './detect.js'
import { wrapCommand } from './sandbox.js'
import { seatbeltArgv, seatbeltProfile } from './seatbelt.js'

const plan = {
  writable: ['/Users/me/project', '/private/tmp'],
  protected: ['/Users/me/project/.git', '/Users/me/project/.agent'],
  denyRead: [{ path: '/Users/me/.ssh', directory: true }],
}

describe('seatbeltProfile', () => {
  it('denies by default and allows writes only under roots, minus protected paths', () => {
    const { profile, params } = seatbeltProfile(plan, { network: false })
    expect(profile.startsWith('(version 1)\n(deny default)\n')).toBe(true)
    expect(profile).toContain(
      '(allow file-write* (require-all (subpath (param "WRITABLE_ROOT_0")) (require-not (subpath (param "WRITABLE_ROOT_0_PROTECTED_0")))' +
        ' (require-not (subpath (param "WRITABLE_ROOT_0_PROTECTED_1")))))',
    )
    expect(profile).toContain('(allow file-write* (subpath (param "WRITABLE_ROOT_1")))')
    expect(params).toMatchObject({
      WRITABLE_ROOT_0: '/Users/me/project',
      WRITABLE_ROOT_0_PROTECTED_0: '/Users/me/project/.git',
      WRITABLE_ROOT_0_PROTECTED_1: '/Users/me/project/.agent',
      WRITABLE_ROOT_1: '/private/tmp',
      DENY_READ_0: '/Users/me/.ssh',
    })
    expect(profile).toContain(
      '(allow file-read* (require-all (require-not (subpath (param "DENY_READ_0")))))',
    )
  })

  it('allows only unix sockets with the network off, and everything with it on', () => {
    const off = seatbeltProfile(plan, { network: false }).profile
    expect(off).toContain('(allow system-socket (socket-domain AF_UNIX))')
    expect(off).not.toContain('(allow network-outbound)\n')
    const on = seatbeltProfile(plan, { network: true }).profile
    expect(on).toContain('(allow network-outbound)\n(allow network-inbound)\n(allow system-socket)')
  })

  it('writes nothing for read-only and reads everything without denies', () => {
    const { profile, params } = seatbeltProfile(
      { writable: [], protected: [], denyRead: [] },
      { network: false },
    )
    expect(profile).not.toMatch(/allow file-write\* \(subpath/)
    expect(profile).toContain('(allow file-read*)\n')
    expect(params).toEqual({})
  })

  it('passes paths as -D parameters, never inside the profile text', () => {
    const tricky = { writable: ['/Users/me/a "quoted" (dir)'], protected: [], denyRead: [] }
    const p = seatbeltProfile(tricky, { network: false })
    expect(p.profile).not.toContain('quoted')
    expect(seatbeltArgv(['ls', '-la'], p, '/usr/bin/sandbox-exec')).toEqual([
      '/usr/bin/sandbox-exec',
      '-p',
      p.profile,
      '-DWRITABLE_ROOT_0=/Users/me/a "quoted" (dir)',
      '--',
      'ls',
      '-la',
    ])
  })
})

describe.runIf(process.platform === 'darwin' && existsSync(SANDBOX_EXEC_PATH))('seatbelt on macOS', () => {
  it('confines writes to the workspace', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'seatbelt-')))
    try {
      const ws = join(base, 'ws')
      const outside = join(base, 'outside')
      mkdirSync(ws)
      mkdirSync(outside)
      const policy = {
        type: 'workspace-write' as const,
        writable_roots: [],
        network_access: false,
        exclude_tmp: true,
      }
      const wrapped = await wrapCommand(policy, {
        argv: ['/bin/sh', '-c', `echo in > ${ws}/in; echo out > ${outside}/out`],
        cwd: ws,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      })
      expect(wrapped.argv[0]).toBe(SANDBOX_EXEC_PATH)
      spawnSync(wrapped.argv[0] as string, wrapped.argv.slice(1), { cwd: ws, env: wrapped.env })
      expect(existsSync(join(ws, 'in'))).toBe(true)
      expect(existsSync(join(outside, 'out'))).toBe(false)
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  })
})
