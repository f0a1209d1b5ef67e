// What must keep working inside the sandbox: the workspace is writable, git and a compiler run,
// exit codes and signals pass through, and killing the sandbox kills everything inside.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isLikelySandboxDenial } from '../src/denial.js'
import { wrapCommand } from '../src/sandbox.js'
import { spawnWrapped } from '../src/spawn.js'
import { baseEnv, runSandboxed, scratchDir, workspaceWrite } from './helpers.js'

let scratch: ReturnType<typeof scratchDir>
let ws: string

beforeEach(() => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  mkdirSync(ws)
})
afterEach(() => scratch.cleanup())

describe('workspace-write', () => {
  it('lets the command write inside the workspace, and the host sees it', async () => {
    const r = await runSandboxed(
      workspaceWrite(),
      ['sh', '-c', 'echo hello > out.txt && mkdir -p a/b && echo deep > a/b/c'],
      { cwd: ws },
    )
    expect(r.exitCode).toBe(0)
    expect(readFileSync(join(ws, 'out.txt'), 'utf8')).toBe('hello\n')
    expect(readFileSync(join(ws, 'a/b/c'), 'utf8')).toBe('deep\n')
  })

  it('makes extra writable_roots writable and leaves their siblings read-only', async () => {
    const extra = join(scratch.dir, 'extra')
    const sibling = join(scratch.dir, 'sibling')
    mkdirSync(extra)
    mkdirSync(sibling)
    const r = await runSandboxed(
      workspaceWrite({ writable_roots: [extra] }),
      ['sh', '-c', `echo x > ${extra}/f; echo y > ${sibling}/f`],
      { cwd: ws },
    )
    expect(existsSync(join(extra, 'f'))).toBe(true)
    expect(existsSync(join(sibling, 'f'))).toBe(false)
    expect(r.stderr).toMatch(/Read-only file system/)
  })

  it('makes /tmp writable unless exclude_tmp is set', async () => {
    const name = `agent-sandbox-test-${process.pid}-${Date.now()}`
    const r1 = await runSandboxed(
      workspaceWrite(),
      ['sh', '-c', `echo x > /tmp/${name} && cat /tmp/${name} && rm /tmp/${name}`],
      { cwd: ws },
    )
    expect(r1).toMatchObject({ exitCode: 0, stdout: 'x\n' })
    const r2 = await runSandboxed(
      workspaceWrite({ exclude_tmp: true }),
      ['sh', '-c', `echo x > /tmp/${name}`],
      { cwd: ws },
    )
    expect(r2.exitCode).not.toBe(0)
    expect(existsSync(`/tmp/${name}`)).toBe(false)
  })

  it('runs git status in a repository', async () => {
    execFileSync('git', ['init', '-q', ws])
    writeFileSync(join(ws, 'file.txt'), 'content\n')
    const r = await runSandboxed(workspaceWrite(), ['git', 'status', '--porcelain'], { cwd: ws })
    expect(r.stderr).toBe('')
    expect(r).toMatchObject({ exitCode: 0, stdout: '?? file.txt\n' })
  })

  it('compiles and runs a C program', async () => {
    writeFileSync(
      join(ws, 'hello.c'),
      '#include <stdio.h>\nint main(void) { puts("hello from c"); return 0; }\n',
    )
    const r = await runSandboxed(workspaceWrite(), ['sh', '-c', 'cc -o hello hello.c && ./hello'], {
      cwd: ws,
    })
    expect(r.stderr).toBe('')
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello from c\n' })
  })

  it('passes exit codes through', async () => {
    for (const code of [0, 1, 7, 42]) {
      const r = await runSandboxed(workspaceWrite(), ['sh', '-c', `exit ${code}`], { cwd: ws })
      expect(r.exitCode).toBe(code)
    }
  })

  it('reports death by signal as 128 + signal, not as a sandbox denial', async () => {
    const r = await runSandboxed(workspaceWrite(), ['sh', '-c', 'kill -TERM $$'], { cwd: ws })
    expect(r.exitCode).toBe(143)
    const k = await runSandboxed(workspaceWrite(), ['sh', '-c', 'kill -KILL $$'], { cwd: ws })
    expect(k.exitCode).toBe(137)
    expect(isLikelySandboxDenial(r)).toBe(false)
  })

  it('keeps stdout and stderr apart and the environment intact, with sandbox markers', async () => {
    const r = await runSandboxed(
      workspaceWrite(),
      ['sh', '-c', 'echo out; echo err >&2; echo "$MY_VAR $AGENT_SANDBOX $AGENT_SANDBOX_NETWORK_DISABLED"'],
      {
        cwd: ws,
        env: { ...baseEnv(), MY_VAR: 'kept' },
      },
    )
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\nkept bwrap 1\n', stderr: 'err\n' })
  })

  it('keeps a workspace inside the writable /tmp writable, and its .git read-only', async () => {
    // The workspace is bound only through /tmp's bind then: protection must still apply.
    const inTmp = mkdtempSync(join(realpathSync('/tmp'), 'agent-sandbox-nested-'))
    try {
      mkdirSync(join(inTmp, '.git'))
      writeFileSync(join(inTmp, '.git', 'config'), '[core]\n')
      const r = await runSandboxed(
        workspaceWrite(),
        ['sh', '-c', 'echo made > made.txt && echo tmp > ../agent-nested-probe-$$; echo evil >> .git/config'],
        { cwd: inTmp },
      )
      expect(readFileSync(join(inTmp, 'made.txt'), 'utf8')).toBe('made\n')
      expect(readFileSync(join(inTmp, '.git', 'config'), 'utf8')).toBe('[core]\n')
      expect(r.exitCode).not.toBe(0)
    } finally {
      rmSync(inTmp, { recursive: true, force: true })
      for (const name of readdirSync('/tmp')) {
        if (name.startsWith('agent-nested-probe-')) rmSync(join('/tmp', name), { force: true })
      }
    }
  })

  it('kills everything inside when the sandbox process is killed', async () => {
    // A uniquely named copy of sleep, so pgrep finds exactly the processes inside.
    const name = `sbx${Math.random().toString(36).slice(2, 10)}`
    copyFileSync('/bin/sleep', join(ws, name))
    chmodSync(join(ws, name), 0o755)
    const wrapped = await wrapCommand(workspaceWrite(), {
      argv: ['sh', '-c', `./${name} 300 & ./${name} 300; wait`],
      cwd: ws,
      env: baseEnv(),
    })
    const child = spawnWrapped(wrapped, { cwd: ws })
    await waitFor(() => countProcesses(name) === 2)
    child.kill('SIGKILL')
    await new Promise((r) => child.on('close', r))
    await waitFor(() => countProcesses(name) === 0)
  })
})

describe('read-only', () => {
  it('lets the command read the workspace but not write it', async () => {
    writeFileSync(join(ws, 'in.txt'), 'readable\n')
    const r = await runSandboxed({ type: 'read-only' }, ['sh', '-c', 'cat in.txt; echo x > out.txt'], {
      cwd: ws,
    })
    expect(r.stdout).toBe('readable\n')
    expect(r.exitCode).not.toBe(0)
    expect(existsSync(join(ws, 'out.txt'))).toBe(false)
    expect(isLikelySandboxDenial(r)).toBe(true)
  })
})

function countProcesses(name: string): number {
  return spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
