// Workspace snapshots inside a git repository: the working tree (tracked and untracked files,
// .gitignore honoured) is staged into a temporary index seeded from the real one — so only
// files whose stat changed are re-hashed — and frozen with `git write-tree`. The user's index,
// HEAD and refs are never touched; the trees are loose objects that `git gc` collects.
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { locateProgram, type SpawnServer } from '@agent/exec'
import { HelperError, runHelper } from '../process/run-helper.js'
import { pruneEmptyParents } from './prune.js'

export interface GitSnapshotState {
  kind: 'git'
  cwd: string
  toplevel: string
  tree: string
  /** Temporary directory holding the snapshot's index (a warm stat cache for later diffs). */
  tempDir: string
  indexPath: string
  /** Paths (relative to `cwd`) the snapshots leave out, with everything under them. */
  excluded: readonly string[]
  /** Where git starts once it is up (see `WorkspaceTrackerOptions.spawnServer`). */
  spawnServer?: SpawnServer
}

export class GitTrackerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitTrackerError'
  }
}

const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'color.ui=never', '-c', 'diff.noprefix=false']

/** The environment of every git the tracker runs: no optional locks, never a prompt. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' }
}

interface GitOptions {
  indexPath?: string
  input?: string
  signal?: AbortSignal
  spawnServer?: SpawnServer | undefined
}

async function git(args: string[], cwd: string, options: GitOptions = {}) {
  const env = gitEnv()
  if (options.indexPath) env.GIT_INDEX_FILE = options.indexPath
  const helperOptions: Parameters<typeof runHelper>[1] = { cwd, env }
  if (options.input !== undefined) helperOptions.input = options.input
  if (options.signal) helperOptions.signal = options.signal
  if (options.spawnServer) helperOptions.spawnServer = options.spawnServer
  return runHelper([gitProgram(env), ...GIT_CONFIG, ...args], helperOptions)
}

async function gitOk(args: string[], cwd: string, options: GitOptions = {}): Promise<string> {
  const result = await git(args, cwd, options)
  if (result.code !== 0) {
    throw new GitTrackerError(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr.trim()}`)
  }
  return result.stdout.toString('utf8')
}

/** The repository's top level and real index path, or undefined outside a work tree. */
export async function findRepository(
  cwd: string,
): Promise<{ toplevel: string; indexPath: string } | undefined> {
  try {
    const result = await git(
      ['rev-parse', '--show-toplevel', '--path-format=absolute', '--git-path', 'index'],
      cwd,
    )
    if (result.code !== 0) return undefined
    const [toplevel, indexPath] = result.stdout.toString('utf8').trim().split('\n')
    if (!toplevel || !indexPath) return undefined
    return { toplevel, indexPath }
  } catch (error) {
    if (error instanceof HelperError && error.kind === 'not_found') return undefined
    throw error
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** Untracked files a snapshot hashes at most (git add reads every one, on every turn). */
export const DEFAULT_MAX_UNTRACKED_FILES = 20_000

const located = new Map<string, string>()

/**
 * git's absolute path, found once per PATH (and looked for again when the file went away): the
 * stage script's processes then start git at once, where each would try every directory of
 * PATH before git's (12 failed `execve`s per git on a PATH like a developer's).
 */
function gitProgram(env: NodeJS.ProcessEnv): string {
  const path = env.PATH ?? ''
  const kept = located.get(path)
  if (kept && existsSync(kept)) return kept
  const found = locateProgram('git', path, process.cwd())
  if (!('file' in found)) return 'git'
  located.set(path, found.file)
  return found.file
}

/**
 * Stages the working tree into a temporary index and writes its tree, in one `sh` running the
 * git commands (a turn's snapshot and its diff each took three git processes). Every process
 * this Node process starts costs its main thread a fork of the whole process, ~7 ms of CPU at
 * 200 MB, while the shell's own forks of git cost it nothing: measured, three git processes
 * took ~21 ms of the main thread's CPU and the one shell ~7.
 *
 * Arguments: the untracked-file limit (negative: no check), the index, a file for `git add`'s
 * stderr, git's path, then the pathspecs to exclude. Prints `untracked <n>` (and stops) when `git ls-files`
 * counts more untracked, not ignored files than the limit — before `git add` would hash them all
 * (100,000 files took minutes; ls-files only lists names; its failure leaves the check to add).
 * Otherwise `add <exit code>` and then write-tree's output; the shell's exit code is write-tree's.
 * On SIGTERM (an abort), the running `git add` is killed too; write-tree replaces the shell.
 */
const STAGE_SCRIPT = `limit=$1 index=$2 errors=$3 git=$4
shift 4
config='${GIT_CONFIG.join(' ')}'
# The untracked names, one a line (git quotes a name with a newline), counted by the shell
# itself: a pipe through tr and wc cost two more processes.
count_untracked() {
  names=$("$git" $config ls-files --others --exclude-standard -- . "$@" 2>/dev/null)
  set -f
  IFS='
'
  set -- $names
  unset IFS
  set +f
  untracked=$#
}
if [ "$limit" -ge 0 ]; then
  count_untracked "$@"
  if [ "$untracked" -gt "$limit" ]; then echo "untracked $untracked"; exit 0; fi
fi
trap 'kill "$added" 2>/dev/null; exit 143' TERM
GIT_INDEX_FILE=$index "$git" $config add --all --ignore-errors -- . "$@" 2>"$errors" &
added=$!
wait "$added"
echo "add $?"
trap - TERM
GIT_INDEX_FILE=$index exec "$git" $config write-tree`

/**
 * Stages the current working tree under `cwd` into `indexPath` (with `scratchDir` for the
 * shell's notes) and returns its tree id. With `maxUntracked`, a tree with more untracked files
 * than that is refused before anything is hashed.
 */
async function writeWorkingTree(
  cwd: string,
  indexPath: string,
  excluded: readonly string[],
  options: {
    scratchDir: string
    maxUntracked?: number
    signal?: AbortSignal
    spawnServer?: SpawnServer | undefined
  },
): Promise<string> {
  // Excluded paths are never staged, so both trees keep what the real index had for them.
  const exclude = excluded.map((path) => `:(exclude,literal)${path}`)
  const errorsFile = join(options.scratchDir, `add-errors-${process.pid}-${Date.now()}-${Math.random()}`)
  const env = gitEnv()
  const limit = String(options.maxUntracked ?? -1)
  // /bin/sh by its path, as Node's `shell: true` does: no PATH search in the child.
  const argv = [
    '/bin/sh',
    '-c',
    STAGE_SCRIPT,
    'sh',
    limit,
    indexPath,
    errorsFile,
    gitProgram(env),
    ...exclude,
  ]
  try {
    const helperOptions: Parameters<typeof runHelper>[1] = { cwd, env }
    if (options.signal) helperOptions.signal = options.signal
    if (options.spawnServer) helperOptions.spawnServer = options.spawnServer
    const result = await runHelper(argv, helperOptions)
    const out = result.stdout.toString('utf8')
    const untracked = /^untracked (\d+)\n/.exec(out)
    if (untracked) {
      throw new GitTrackerError(
        `the working tree has ${untracked[1]} untracked files, more than the ${limit} a turn snapshot hashes; ` +
          'add the generated ones to .gitignore (or commit them) to get turn diffs and undo back',
      )
    }
    const added = /^add (\d+)\n/.exec(out)
    if (!added) throw new GitTrackerError(`git add failed in ${cwd}: ${result.stderr.trim() || 'no result'}`)
    // With --ignore-errors an unreadable file is skipped (and reported) instead of failing the
    // whole snapshot; any other failure still does.
    if (added[1] !== '0') {
      const stderr = await readFile(errorsFile, 'utf8').catch(() => '')
      if (!/unable to (index|add|stat)|Permission denied/.test(stderr))
        throw new GitTrackerError(`git add failed in ${cwd}: ${stderr.trim()}`)
    }
    if (result.code !== 0) {
      throw new GitTrackerError(`git write-tree failed in ${cwd}: ${result.stderr.trim()}`)
    }
    return out.slice(added[0].length).trim()
  } finally {
    await rm(errorsFile, { force: true })
  }
}

export async function gitSnapshot(
  cwd: string,
  repo: { toplevel: string; indexPath: string },
  signal?: AbortSignal,
  excluded: readonly string[] = [],
  maxUntrackedFiles = DEFAULT_MAX_UNTRACKED_FILES,
  spawnServer?: SpawnServer,
): Promise<GitSnapshotState> {
  const tempDir = await mkdtemp(join(tmpdir(), 'agent-snapshot-'))
  const indexPath = join(tempDir, 'index')
  try {
    if (await exists(repo.indexPath)) await copyFile(repo.indexPath, indexPath)
    const tree = await writeWorkingTree(cwd, indexPath, excluded, {
      scratchDir: tempDir,
      maxUntracked: maxUntrackedFiles,
      spawnServer,
      ...(signal ? { signal } : {}),
    })
    const state: GitSnapshotState = {
      kind: 'git',
      cwd,
      toplevel: repo.toplevel,
      tree,
      tempDir,
      indexPath,
      excluded,
    }
    if (spawnServer) state.spawnServer = spawnServer
    return state
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true })
    throw error
  }
}

/** The tree of the working tree now, staged in a scratch copy of the snapshot's index. */
async function currentTree(state: GitSnapshotState, signal?: AbortSignal): Promise<string> {
  const scratch = join(state.tempDir, `scratch-${process.pid}-${Date.now()}-${Math.random()}`)
  try {
    await copyFile(state.indexPath, scratch)
    return await writeWorkingTree(state.cwd, scratch, state.excluded, {
      scratchDir: state.tempDir,
      spawnServer: state.spawnServer,
      ...(signal ? { signal } : {}),
    })
  } finally {
    await rm(scratch, { force: true })
  }
}

export async function gitDiff(state: GitSnapshotState, signal?: AbortSignal): Promise<string> {
  const now = await currentTree(state, signal)
  if (now === state.tree) return ''
  const options: GitOptions = signal
    ? { signal, spawnServer: state.spawnServer }
    : { spawnServer: state.spawnServer }
  return gitOk(
    [
      'diff',
      '--no-ext-diff',
      '--no-textconv',
      '--find-renames',
      '--relative',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      state.tree,
      now,
      '--',
      '.',
    ],
    state.cwd,
    options,
  )
}

export async function gitRestore(state: GitSnapshotState): Promise<{ restored: string[] }> {
  const now = await currentTree(state)
  if (now === state.tree) return { restored: [] }
  const status = await gitOk(
    ['diff', '--name-status', '--no-renames', '--relative', '-z', state.tree, now, '--', '.'],
    state.cwd,
  )
  const fields = status.split('\0').filter((f) => f !== '')
  const created: string[] = []
  const toCheckout: string[] = []
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const letter = fields[i] as string
    const path = fields[i + 1] as string
    if (letter === 'A') created.push(path)
    else toCheckout.push(path)
  }
  for (const path of created) {
    const absolute = resolve(state.cwd, path)
    await rm(absolute, { force: true })
    await pruneEmptyParents(absolute, state.cwd)
  }
  if (toCheckout.length > 0) {
    const restoreIndex = join(state.tempDir, `restore-${Date.now()}`)
    try {
      await gitOk(['read-tree', state.tree], state.cwd, { indexPath: restoreIndex })
      for (const path of toCheckout) {
        // A directory now standing where a file was must go before the file can come back.
        const absolute = resolve(state.cwd, path)
        const info = await stat(absolute).catch(() => undefined)
        if (info?.isDirectory()) await rm(absolute, { recursive: true, force: true })
      }
      // checkout-index takes paths relative to the repository root.
      const prefix = relative(state.toplevel, state.cwd)
      const input = toCheckout.map((p) => (prefix ? `${prefix}/${p}` : p)).join('\0')
      await gitOk(['checkout-index', '--force', '-z', '--stdin'], state.toplevel, {
        indexPath: restoreIndex,
        input: `${input}\0`,
      })
    } finally {
      await rm(restoreIndex, { force: true })
    }
  }
  return { restored: [...created, ...toCheckout].sort() }
}

export async function gitRelease(state: GitSnapshotState): Promise<void> {
  await rm(state.tempDir, { recursive: true, force: true })
}
