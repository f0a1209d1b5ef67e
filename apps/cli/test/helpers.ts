// Helpers for the end-to-end tests: the built `agent` binary as a subprocess, a temp git
// repository, a private AGENT_HOME, and the environment a run gets (nothing from the host's).
import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll } from 'vitest'

export const bin = new URL('../dist/agent.cjs', import.meta.url).pathname

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Workspace {
  root: string
  repo: string
  home: string
  /** A clean environment for the binary: PATH, a private HOME and AGENT_HOME, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>
}

// Every workspace of a test file goes when the file's tests are done.
const roots: string[] = []
// (Outside a test run, e.g. in a child process a test starts, nothing is registered.)
try {
  afterAll(() => {
    for (const root of roots.splice(0)) {
      try {
        rmSync(root, { recursive: true, force: true, maxRetries: 2 })
      } catch {
        // a test left something mounted or read-only there: the directory stays
      }
    }
  })
} catch {
  // not inside a vitest suite
}

export function workspace(files: Record<string, string> = {}, options: { git?: boolean } = {}): Workspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-cli-e2e-')))
  roots.push(root)
  const repo = join(root, 'repo')
  const home = join(root, 'home')
  mkdirSync(repo, { recursive: true })
  mkdirSync(join(home, '.agent'), { recursive: true })
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    writeFileSync(join(repo, path), text)
  }
  if (options.git !== false) {
    spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo })
  }
  return {
    root,
    repo,
    home,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AGENT_HOME: join(home, '.agent'),
      NO_COLOR: '1',
      ...extra,
    }),
  }
}

/** Runs the binary; resolves when it exits. `onStart` gets the child (e.g. to send SIGINT). */
export function runAgent(
  args: string[],
  options: {
    cwd: string
    env: Record<string, string>
    /** Written to stdin, which is then closed; `'open'` leaves stdin open for the test to write. */
    input?: string | 'open'
    onStdout?: (all: string) => void
  },
): Promise<RunResult> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: options.env })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    options.onStdout?.(stdout)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  if (options.input === 'open') {
    // The test writes and closes it.
  } else if (options.input !== undefined) child.stdin.end(options.input)
  else child.stdin.end()
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  }) as Promise<RunResult> & { child: ReturnType<typeof spawn> }
  done.child = child
  return done
}

export function jsonLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
}

/** The pid a test's command wrote to `file`, once it is there (the command is running by then). */
export async function waitForPid(file: string): Promise<number> {
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : ''
    if (/^\d+$/.test(text)) return Number(text)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Alive and not a zombie waiting for its reaper. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Resolves once the process is gone (the test's own timeout bounds it). */
export async function waitUntilGone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 25))
}
