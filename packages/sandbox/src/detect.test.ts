import { describe, expect, it } from 'vitest'
import { detectSandbox } from './detect.js'
import { SandboxError } from './errors.js'
import { createSandbox } from './sandbox.js'

describe('detectSandbox', () => {
  it.runIf(process.platform === 'linux')(
    'finds bwrap, user namespaces and seccomp on this machine',
    async () => {
      const support = await detectSandbox({ refresh: true })
      expect(support).toMatchObject({
        platform: 'linux',
        backend: 'bwrap',
        available: true,
        userNamespaces: true,
        seccomp: true,
        problems: [],
      })
      expect(support.bwrapPath).toMatch(/bwrap$/)
      expect(support.bwrapVersion).toMatch(/^\d+\.\d+/)
      expect(support.message).toMatch(/bubblewrap/)
    },
  )

  it.runIf(process.platform === 'linux')('says how to install bubblewrap when it is missing', async () => {
    const support = await detectSandbox({ bwrapPath: '/nonexistent/bwrap' })
    expect(support.available).toBe(false)
    expect(support.message).toMatch(
      /bwrap not found at \/nonexistent\/bwrap: install bubblewrap: apt-get install bubblewrap/,
    )
  })

  it.runIf(process.platform === 'linux')(
    'reports a bwrap that cannot create namespaces, with a fix',
    async () => {
      // `false` exits 1 for every probe, like a bwrap that user namespaces are refused to.
      const support = await detectSandbox({ bwrapPath: '/bin/false' })
      expect(support).toMatchObject({ available: false, userNamespaces: false })
      expect(support.message).toMatch(/user namespaces/)
    },
  )

  it('has no backend on other platforms and says what to do', async () => {
    const support = await detectSandbox({ platform: 'win32' })
    expect(support).toMatchObject({ available: false, backend: null })
    expect(support.message).toMatch(/no sandbox backend for win32.*danger-full-access explicitly/)
  })
})

describe('failing closed', () => {
  it('refuses to wrap a sandboxed policy when the sandbox is unavailable', async () => {
    const sandbox = createSandbox({ bwrapPath: '/nonexistent/bwrap' })
    const attempt = sandbox.wrapCommand(
      { type: 'workspace-write', writable_roots: [], network_access: false },
      { argv: ['true'], cwd: '/', env: {} },
    )
    await expect(attempt).rejects.toBeInstanceOf(SandboxError)
    await expect(attempt).rejects.toMatchObject({ kind: 'unavailable', message: /install bubblewrap/ })
    await expect(
      sandbox.wrapCommand({ type: 'read-only' }, { argv: ['true'], cwd: '/', env: {} }),
    ).rejects.toMatchObject({
      kind: 'unavailable',
    })
  })

  it('passes danger-full-access through unchanged, even without a sandbox', async () => {
    const sandbox = createSandbox({ bwrapPath: '/nonexistent/bwrap' })
    const wrapped = await sandbox.wrapCommand(
      { type: 'danger-full-access' },
      { argv: ['echo', 'hi'], cwd: '/', env: { A: '1' } },
    )
    expect(wrapped).toEqual({ argv: ['echo', 'hi'], env: { A: '1' }, fds: [] })
  })

  it('rejects bad input with a message naming the problem', async () => {
    const sandbox = createSandbox()
    await expect(
      sandbox.wrapCommand({ type: 'read-only' }, { argv: [], cwd: '/', env: {} }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
      message: /empty command/,
    })
    await expect(
      sandbox.wrapCommand(
        { type: 'workspace-write', writable_roots: ['relative/dir'], network_access: false },
        { argv: ['true'], cwd: '/', env: {} },
      ),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
      message: /writable_roots entry must be an absolute path, got "relative\/dir"/,
    })
    await expect(
      sandbox.wrapCommand({ type: 'bogus' } as never, { argv: ['true'], cwd: '/', env: {} }),
    ).rejects.toMatchObject({ kind: 'invalid_request', message: /invalid sandbox policy/ })
    await expect(
      sandbox.wrapCommand({ type: 'read-only' }, { argv: ['true'], cwd: '/no/such/dir', env: {} }),
    ).rejects.toMatchObject({
      kind: 'invalid_request',
      message: /cwd does not exist: \/no\/such\/dir/,
    })
  })
})
