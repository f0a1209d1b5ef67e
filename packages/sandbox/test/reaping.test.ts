// Sandboxed commands leave no orphans. With --unshare-pid, bwrap forks a pid 1 for the sandbox;
// every bubblewrap release so far exits as soon as that pid 1 reports the command's status,
// without waiting for it, so it is left as a zombie for init (containers/bubblewrap#697). The
// shipped bwrap reaps it (packages/sandbox-linux-x64/patches). These tests run a runner as PID 1
// of a new PID namespace, where nothing else would reap, and count the zombies left there.
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledBwrapPath } from '../src/bwrap-binary.js'
import { findExecutable } from '../src/which.js'
import { packageDir } from './helpers.js'

const unshare = findExecutable('unshare')
const systemBwrap = findExecutable('bwrap')
const shipped = bundledBwrapPath()
// The sandbox's probe starts two sandboxes (namespaces, then seccomp) before the first command.
const PROBES = 2

interface Census {
  pid: number
  zombies: string[]
  alive: string[]
}

/** Runs `runs` sandboxed commands from a runner that is PID 1, and returns what is left. */
function runAsPid1(
  runs: number,
  mode: 'exit' | 'term',
  env: Record<string, string>,
  bwrapPath?: string,
): Census {
  const asRoot = process.getuid?.() === 0
  const args = [
    ...(asRoot ? [] : ['--user', '--map-root-user']),
    '--pid',
    '--fork',
    '--mount-proc',
    process.execPath,
    '--import',
    'tsx',
    join('test', 'fixtures', 'pid1-runner.ts'),
    String(runs),
    mode,
    ...(bwrapPath ? [bwrapPath] : []),
  ]
  const result = spawnSync(unshare as string, args, {
    cwd: packageDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`runner failed (${result.status}): ${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as Census
}

// Each test starts Node with tsx inside a new namespace, then 5–12 sandboxes: seconds of work on
// a loaded machine, hence the longer timeout. The runner picks its bwrap itself, so the file
// runs once, in the shipped-bwrap run of vitest.config.ts.
describe.runIf(
  process.platform === 'linux' && unshare !== null && process.env.AGENT_SANDBOX_BWRAP === 'bundled',
)('no orphans (agent as PID 1)', { timeout: 120_000 }, () => {
  it.runIf(shipped !== null)(
    'the shipped bwrap leaves no zombie after commands that end, as PID 1 would choose it',
    () => {
      // AGENT_SANDBOX_BWRAP=auto: as PID 1 the sandbox prefers the shipped bwrap.
      const census = runAsPid1(10, 'exit', { AGENT_SANDBOX_BWRAP: 'auto' })
      expect(census).toEqual({ pid: 1, zombies: [], alive: expect.any(Array) })
      expect(census.alive.filter((line) => line.includes('(bwrap)'))).toEqual([])
    },
  )

  it.runIf(shipped !== null)('nor after commands stopped by SIGTERM (a timeout or an interrupt)', () => {
    const census = runAsPid1(5, 'term', { AGENT_SANDBOX_BWRAP: 'bundled' })
    expect(census.zombies).toEqual([])
  })

  const version = systemBwrap ? execFileSync(systemBwrap, ['--version'], { encoding: 'utf8' }) : ''
  const [major, minor] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  it.runIf(systemBwrap !== null && major === 0 && (minor ?? 99) <= 11)(
    'control: the system bwrap (≤ 0.11) leaves one zombie per sandbox, so the census sees them',
    () => {
      const runs = 3
      const census = runAsPid1(runs, 'exit', {}, systemBwrap as string)
      expect(census.zombies).toHaveLength(runs + PROBES)
      for (const line of census.zombies) expect(line).toMatch(/^\d+ \(bwrap\) ppid 1$/)
    },
  )
})
