import { execFileSync } from 'node:child_process'
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scratchDir } from '../test/helpers.js'
import { defaultHiddenPaths, isWithin, planMounts } from './mounts.js'

let scratch: ReturnType<typeof scratchDir>
let base: string
beforeEach(() => {
  scratch = scratchDir()
  base = realpathSync(scratch.dir)
})
afterEach(() => scratch.cleanup())

const ww = (extra = {}) => ({
  type: 'workspace-write' as const,
  writable_roots: [],
  network_access: false,
  ...extra,
})

describe('planMounts', () => {
  it('makes cwd, /tmp and $TMPDIR writable, resolved, parents first', () => {
    const ws = join(base, 'ws')
    const tmpdir = join(base, 'tmpdir')
    mkdirSync(ws)
    mkdirSync(tmpdir)
    const plan = planMounts(ww(), { cwd: ws, env: { TMPDIR: tmpdir } })
    expect(plan.writable).toEqual([realpathSync('/tmp'), ws, tmpdir].sort((a, b) => a.length - b.length))
    expect(planMounts(ww({ exclude_tmp: true }), { cwd: ws, env: { TMPDIR: tmpdir } }).writable).toEqual([ws])
  })

  it('resolves symlinks so a link cannot widen a writable root', () => {
    const real = join(base, 'real')
    mkdirSync(real)
    symlinkSync(real, join(base, 'link'))
    const plan = planMounts(ww({ exclude_tmp: true, writable_roots: [join(base, 'link')] }), {
      cwd: real,
      env: {},
    })
    expect(plan.writable).toEqual([real])
  })

  it('skips writable roots that do not exist', () => {
    const plan = planMounts(ww({ exclude_tmp: true, writable_roots: [join(base, 'missing')] }), {
      cwd: base,
      env: {},
    })
    expect(plan.writable).toEqual([base])
  })

  it('protects .git, .agent and a gitdir: pointer with its common dir', () => {
    const ws = join(base, 'ws')
    const store = join(base, 'store')
    mkdirSync(store)
    execFileSync('git', ['init', '-q', join(store, 'main')])
    execFileSync('git', ['-C', join(store, 'main'), 'commit', '-q', '--allow-empty', '-m', 'init'], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    })
    execFileSync('git', ['-C', join(store, 'main'), 'worktree', 'add', '-q', ws])
    mkdirSync(join(ws, '.agent'))
    const plan = planMounts(
      ww({ exclude_tmp: true, writable_roots: [store] }),
      { cwd: ws, env: {} },
      {
        protectedPaths: ['.git', '.agent'],
      },
    )
    expect(plan.protected).toEqual(
      expect.arrayContaining([
        join(ws, '.git'),
        join(store, 'main/.git/worktrees/ws'),
        join(store, 'main/.git'),
        join(ws, '.agent'),
      ]),
    )
  })

  it('leaves out protected paths outside every writable root (already read-only)', () => {
    const ws = join(base, 'ws')
    mkdirSync(ws)
    writeFileSync(join(ws, '.git'), `gitdir: ${join(base, 'elsewhere')}\n`)
    mkdirSync(join(base, 'elsewhere'))
    const plan = planMounts(
      ww({ exclude_tmp: true }),
      { cwd: ws, env: {} },
      { protectedPaths: ['.git', join(base, 'elsewhere')] },
    )
    expect(plan.protected).toEqual([join(ws, '.git')])
  })

  it('lists deny_read paths that exist, telling files from directories', () => {
    mkdirSync(join(base, 'secrets'))
    writeFileSync(join(base, 'key.pem'), 'k')
    const plan = planMounts(
      { type: 'read-only', deny_read: [join(base, 'secrets'), join(base, 'key.pem'), join(base, 'gone')] },
      { cwd: base, env: {} },
      { hiddenPaths: [] },
    )
    expect(plan).toEqual({
      writable: [],
      protected: [],
      denyRead: [
        { path: join(base, 'secrets'), directory: true },
        { path: join(base, 'key.pem'), directory: false },
      ],
    })
  })
})

describe('defaultHiddenPaths', () => {
  it('names the daemon sockets, including the per-user runtime dir', () => {
    const paths = defaultHiddenPaths({ XDG_RUNTIME_DIR: '/run/user/1000' })
    expect(paths).toEqual(
      expect.arrayContaining([
        '/var/run/docker.sock',
        '/run/systemd/private',
        '/tmp/.X11-unix',
        '/run/user/1000/bus',
        '/run/user/1000/docker.sock',
      ]),
    )
    expect(defaultHiddenPaths({}).some((p) => p.startsWith('/run/user'))).toBe(false)
  })

  it('masks the hidden paths that exist, like deny_read', () => {
    writeFileSync(join(base, 'daemon.sock'), '')
    const plan = planMounts(
      { type: 'read-only' },
      { cwd: base, env: {} },
      { hiddenPaths: [join(base, 'daemon.sock'), join(base, 'absent.sock')] },
    )
    expect(plan.denyRead).toEqual([{ path: join(base, 'daemon.sock'), directory: false }])
  })
})

describe('isWithin', () => {
  it('matches whole path components only', () => {
    expect(isWithin('/a/b', '/a')).toBe(true)
    expect(isWithin('/a', '/a')).toBe(true)
    expect(isWithin('/ab', '/a')).toBe(false)
    expect(isWithin('/x', '/')).toBe(true)
  })
})
