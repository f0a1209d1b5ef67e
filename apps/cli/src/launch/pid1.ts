// When the agent is PID 1 (a container started without `--init`), nothing reaps the orphans its
// commands leave: Node waits only for the processes it spawned itself. The agent then runs again
// under agent-init (shipped beside the static bwrap in @agent/sandbox-linux-<arch>), a small init
// that makes itself a child subreaper, reaps every orphan of the tree, passes signals on and
// exits as the agent did. This process stays PID 1 and only forwards signals to it.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'

/** Set for the agent started under agent-init, so it does not start another. */
export const UNDER_INIT_ENV = 'AGENT_UNDER_INIT'

const FORWARDED: NodeJS.Signals[] = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
]

/** agent-init from the platform package that @agent/sandbox depends on, if it is installed. */
export function agentInitPath(from: string): string | undefined {
  try {
    const fromCli = createRequire(from)
    const sandbox = fromCli.resolve('@agent/sandbox/package.json')
    const platform = createRequire(sandbox).resolve(`@agent/sandbox-linux-${process.arch}/package.json`)
    const binary = join(dirname(platform), 'bin', 'agent-init')
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs this same command line under agent-init when the process is PID 1 on Linux and returns
 * true (the caller then does nothing else); false when the agent should just run.
 */
export function runUnderInitWhenPid1(from: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux' || process.pid !== 1 || env[UNDER_INIT_ENV] === '1') return false
  const init = agentInitPath(from)
  if (!init) {
    process.stderr.write(
      'agent: warning: running as PID 1 without an init, so orphaned processes will not be reaped; ' +
        'start the container with --init (or tini), or install @agent/sandbox-linux-x64\n',
    )
    return false
  }
  const child = spawn(init, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...env, [UNDER_INIT_ENV]: '1' },
  })
  for (const signal of FORWARDED) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => {
    process.stderr.write(`agent: cannot start ${init}: ${error.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0))
  })
  return true
}
