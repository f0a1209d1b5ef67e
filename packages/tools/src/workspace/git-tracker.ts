// Workspace snapshots inside a git repository: the working tree (tracked and untracked files,
// .gitignore honoured) is staged into a temporary index seeded from the real one — so only
// files whose stat changed are re-hashed — and frozen with `git write-tree`. The user's index,
// HEAD and refs are never touched; the trees are loose objects that `git gc` collects.
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
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
}

export class GitTrackerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitTrackerError'
  }
}

const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'color.ui=never', '-c', 'diff.noprefix=false']

async function git(
  args: string[],
  cwd: string,
  options: { indexPath?: string; input?: string; signal?: AbortSignal } = {},
) {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' }
  if (options.indexPath) env.GIT_INDEX_FILE = options.indexPath
  const helperOptions: Parameters<typeof runHelper>[1] = { cwd, env }
  if (options.input !== undefined) helperOptions.input = options.input
  if (options.signal) helperOptions.signal = options.signal
  return runHelper(['git', ...GIT_CONFIG, ...args], helperOptions)
}

async function gitOk(
  args: string[],
  cwd: string,
  options: { indexPath?: string; input?: string; signal?: AbortSignal } = {},
): Promise<string> {
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

/** Stages the current working tree under `cwd` into `indexPath` and returns its tree id. */
async function writeWorkingTree(
  cwd: string,
  indexPath: string,
  excluded: readonly string[],
  signal?: AbortSignal,
): Promise<string> {
  const options = signal ? { indexPath, signal } : { indexPath }
  // Excluded paths are never staged, so both trees keep what the real index had for them.
  const exclude = excluded.map((path) => `:(exclude,literal)${path}`)
  // With --ignore-errors an unreadable file is skipped (and reported) instead of failing the
  // whole snapshot; any other failure still does.
  const added = await git(['add', '--all', '--ignore-errors', '--', '.', ...exclude], cwd, options)
  if (added.code !== 0 && !/unable to (index|add|stat)|Permission denied/.test(added.stderr)) {
    throw new GitTrackerError(`git add failed in ${cwd}: ${added.stderr.trim()}`)
  }
  return (await gitOk(['write-tree'], cwd, options)).trim()
}

/** Untracked files a snapshot hashes at most (git add reads every one, on every turn). */
export const DEFAULT_MAX_UNTRACKED_FILES = 20_000

/**
 * Refuses a working tree with more untracked, not ignored files than `limit` before hashing any:
 * `git add` would read all of them on every turn (100,000 files took minutes), and each snapshot
 * would write them into the repository's object store. `git ls-files` only lists names.
 */
async function checkUntracked(
  cwd: string,
  limit: number,
  signal: AbortSignal | undefined,
  excluded: readonly string[],
): Promise<void> {
  const listed = await git(
    [
      'ls-files',
      '--others',
      '--exclude-standard',
      '-z',
      '--',
      '.',
      ...excluded.map((path) => `:(exclude,literal)${path}`),
    ],
    cwd,
    signal ? { signal } : {},
  )
  if (listed.code !== 0) return // git add reports the real problem
  let count = 0
  for (const byte of listed.stdout) if (byte === 0) count++
  if (count > limit) {
    throw new GitTrackerError(
      `the working tree has ${count} untracked files, more than the ${limit} a turn snapshot hashes; ` +
        'add the generated ones to .gitignore (or commit them) to get turn diffs and undo back',
    )
  }
}

export async function gitSnapshot(
  cwd: string,
  repo: { toplevel: string; indexPath: string },
  signal?: AbortSignal,
  excluded: readonly string[] = [],
  maxUntrackedFiles = DEFAULT_MAX_UNTRACKED_FILES,
): Promise<GitSnapshotState> {
  await checkUntracked(cwd, maxUntrackedFiles, signal, excluded)
  const tempDir = await mkdtemp(join(tmpdir(), 'agent-snapshot-'))
  const indexPath = join(tempDir, 'index')
  try {
    if (await exists(repo.indexPath)) await copyFile(repo.indexPath, indexPath)
    const tree = await writeWorkingTree(cwd, indexPath, excluded, signal)
    return { kind: 'git', cwd, toplevel: repo.toplevel, tree, tempDir, indexPath, excluded }
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
    return await writeWorkingTree(state.cwd, scratch, state.excluded, signal)
  } finally {
    await rm(scratch, { force: true })
  }
}

export async function gitDiff(state: GitSnapshotState, signal?: AbortSignal): Promise<string> {
  const now = await currentTree(state, signal)
  if (now === state.tree) return ''
  const options = signal ? { signal } : {}
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
