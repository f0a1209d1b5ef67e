// Protected paths created during a session: a command in a workspace-write sandbox creates a
// repository (or changes one nested in the workspace) and plants a hook and a config key that
// would run code later, outside the sandbox. After the command, afterCommand disarms them.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditGitDirectories } from '../src/git-audit.js'
import { createSandbox } from '../src/sandbox.js'
import { baseEnv, runWrapped, scratchDir, workspaceWrite } from './helpers.js'

const haveGit = spawnSync('git', ['--version']).status === 0
let scratch: ReturnType<typeof scratchDir>
let ws: string
let marker: string

beforeEach(() => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  mkdirSync(ws)
  marker = join(scratch.dir, 'hook-ran')
})
afterEach(() => scratch.cleanup())

/** Runs `script` sandboxed the way the agent does, then the after-command audit. */
async function runAndAudit(script: string, policy = workspaceWrite({ exclude_tmp: true })) {
  const sandbox = createSandbox()
  const command = { argv: ['sh', '-c', script], cwd: ws, env: baseEnv() }
  const startedAt = Date.now()
  const outcome = await runWrapped(await sandbox.wrapCommand(policy, command), ws)
  const report = await sandbox.afterCommand(policy, command, startedAt)
  return { outcome, report }
}

const git = (cwd: string, ...args: string[]) =>
  spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' })

describe.runIf(haveGit && process.platform === 'linux')('git files planted during a command', () => {
  it('disarms a hook and an fsmonitor planted in a repository the command created', async () => {
    const plant = `
      git init -q sub &&
      printf '#!/bin/sh\\ntouch ${marker}\\n' > sub/.git/hooks/pre-commit &&
      chmod +x sub/.git/hooks/pre-commit &&
      git -C sub config core.fsmonitor 'touch ${marker}' &&
      echo planted`
    const { outcome, report } = await runAndAudit(plant)
    expect(outcome).toMatchObject({ exitCode: 0, stdout: 'planted\n' })
    const hook = join(ws, 'sub', '.git', 'hooks', 'pre-commit')
    const config = join(ws, 'sub', '.git', 'config')
    expect(report).toBe(
      `the sandbox disarmed git files this command wrote, which would have run code outside the sandbox later: ${hook} (made not executable); ${config} (commented out core.fsmonitor)`,
    )
    expect(statSync(hook).mode & 0o111).toBe(0)
    // Outside the sandbox, the user's git now runs neither.
    expect(git(join(ws, 'sub'), 'status').status).toBe(0)
    expect(git(join(ws, 'sub'), 'commit', '-q', '--allow-empty', '-m', 'x').status).toBe(0)
    expect(existsSync(marker)).toBe(false)
    expect(git(join(ws, 'sub'), 'config', 'core.fsmonitor').status).toBe(1)
  })

  it('disarms a repository created at the top of a workspace that had none', async () => {
    const { report } = await runAndAudit(
      `git init -q . && git config core.hooksPath /var/tmp && git config alias.st '!touch ${marker}' && git config alias.co checkout`,
    )
    expect(report).toMatch(/\(commented out core\.hookspath, alias\.st\)$/)
    expect(git(ws, 'config', 'alias.co').stdout).toBe('checkout\n')
    expect(git(ws, 'config', 'core.hooksPath').status).toBe(1)
  })

  it('moves a symlinked hook aside without touching its target', async () => {
    const target = join(scratch.dir, 'outside-tool')
    writeFileSync(target, '#!/bin/sh\n', { mode: 0o755 })
    const { report } = await runAndAudit(
      `git init -q sub && ln -s ${target} sub/.git/hooks/post-checkout && echo done`,
    )
    const link = join(ws, 'sub', '.git', 'hooks', 'post-checkout')
    expect(report).toContain(`${link} (symlink moved to ${link}.disabled-by-agent-sandbox)`)
    expect(existsSync(link)).toBe(false)
    expect(statSync(target).mode & 0o777).toBe(0o755)
  })

  it('follows a .git file to the gitdir it names', async () => {
    const { report } = await runAndAudit(
      "mkdir store && git init -q --separate-git-dir=store/repo.git sub && printf '#!/bin/sh\\n' > store/repo.git/hooks/pre-push && chmod +x store/repo.git/hooks/pre-push",
    )
    const hook = join(ws, 'store', 'repo.git', 'hooks', 'pre-push')
    expect(readFileSync(join(ws, 'sub', '.git'), 'utf8')).toBe(`gitdir: ${join(ws, 'store', 'repo.git')}\n`)
    expect(report).toContain(`${hook} (made not executable)`)
    expect(statSync(hook).mode & 0o111).toBe(0)
  })

  it('looks at the top levels of the writable /tmp too', async () => {
    const shared = mkdtempSync(join(realpathSync(tmpdir()), 'audit-'))
    try {
      const { report } = await runAndAudit(
        `git init -q ${shared} && printf '#!/bin/sh\n' > ${shared}/.git/hooks/post-merge && chmod 755 ${shared}/.git/hooks/post-merge`,
        workspaceWrite(),
      )
      const hook = join(shared, '.git', 'hooks', 'post-merge')
      expect(report).toContain(`${hook} (made not executable)`)
      expect(statSync(hook).mode & 0o777).toBe(0o644)
    } finally {
      rmSync(shared, { recursive: true, force: true })
    }
  })

  it('leaves hooks and config alone when they did not change during the command', () => {
    execFileSync('git', ['init', '-q', join(ws, 'vendored')])
    const hook = join(ws, 'vendored', '.git', 'hooks', 'pre-commit')
    writeFileSync(hook, '#!/bin/sh\n', { mode: 0o755 })
    execFileSync('git', ['-C', join(ws, 'vendored'), 'config', 'core.fsmonitor', 'true'])
    // A command that started after they were written (beyond the audit's clock slack).
    const since =
      Math.max(statSync(hook).ctimeMs, statSync(join(ws, 'vendored', '.git', 'config')).ctimeMs) + 1001
    expect(auditGitDirectories({ roots: [ws], since })).toEqual({
      findings: [],
      complete: true,
      directoriesVisited: 2,
    })
    expect(statSync(hook).mode & 0o111).not.toBe(0)
  })

  it('does not descend into node_modules, and says when it stopped early', () => {
    mkdirSync(join(ws, 'node_modules', 'pkg', '.git', 'hooks'), { recursive: true })
    mkdirSync(join(ws, 'a', 'b', 'c'), { recursive: true })
    expect(auditGitDirectories({ roots: [ws], since: 0 })).toMatchObject({
      complete: true,
      directoriesVisited: 4,
    })
    expect(auditGitDirectories({ roots: [ws], since: 0, maxDirectories: 2 })).toMatchObject({
      complete: false,
      directoriesVisited: 2,
    })
  })
})
