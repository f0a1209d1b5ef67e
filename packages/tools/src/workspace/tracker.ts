// The WorkspaceTracker core uses for `turn_diff` and `undo`: git snapshots inside a repository,
// a bounded .gitignore-aware walk elsewhere. Chosen per snapshot, so a session whose cwd becomes
// a repository mid-way just works.
import { randomUUID } from 'node:crypto'
import { lstat, realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import type { WorkspaceSnapshot, WorkspaceTracker } from '@agent/core'
import type { SpawnServer } from '@agent/exec'
import {
  findRepository,
  type GitSnapshotState,
  gitDiff,
  gitRelease,
  gitRestore,
  gitSnapshot,
} from './git-tracker.js'
import { type WalkLimits, type WalkSnapshotState, WalkTracker } from './walk-tracker.js'

export interface WorkspaceTrackerOptions {
  /** `auto` (default): git inside a repository, the walk elsewhere. */
  mode?: 'auto' | 'git' | 'walk'
  walkLimits?: WalkLimits
  /**
   * Absolute paths (files or directories) that are never part of a snapshot, a diff or an
   * undo: the agent's own state (`$AGENT_HOME` with its sessions and history, caches), which
   * may well sit inside the workspace. Paths outside the workspace are simply irrelevant.
   */
  exclude?: readonly string[]
  /**
   * Git mode: a working tree with more untracked (not ignored) files than this gets no snapshot,
   * with an error that says so, instead of hashing them all on every turn. Default 20,000.
   */
  maxUntrackedFiles?: number
  /**
   * Run git through this spawn server (`@agent/exec`) once it is up, so that a snapshot does not
   * block the main thread for a fork of the whole process. The tracker never starts it: the
   * command runner does, at its first command.
   */
  spawnServer?: SpawnServer
}

export interface TrackedSnapshot extends WorkspaceSnapshot {
  /** How the snapshot was taken. */
  readonly kind: 'git' | 'walk'
}

export class WorkspaceTrackerError extends Error {
  readonly kind: 'unknown_snapshot' | 'not_a_repository'
  constructor(kind: 'unknown_snapshot' | 'not_a_repository', message: string) {
    super(message)
    this.name = 'WorkspaceTrackerError'
    this.kind = kind
  }
}

/** Core's WorkspaceTracker port, with snapshots that say how they were taken. */
export interface FileWorkspaceTracker extends WorkspaceTracker {
  snapshot(cwd: string, options?: { signal?: AbortSignal }): Promise<TrackedSnapshot>
}

/** Creates a tracker; snapshots live until `release` (or the process ends). */
export function createWorkspaceTracker(options: WorkspaceTrackerOptions = {}): FileWorkspaceTracker {
  const mode = options.mode ?? 'auto'
  const walker = new WalkTracker(options.walkLimits)
  const states = new Map<string, GitSnapshotState | WalkSnapshotState>()
  const repositories = new RepositoryCache()

  const stateOf = (snapshot: WorkspaceSnapshot) => {
    const state = states.get(snapshot.id)
    if (!state) {
      throw new WorkspaceTrackerError(
        'unknown_snapshot',
        `workspace snapshot ${snapshot.id} is unknown to this tracker (released, or taken by another tracker)`,
      )
    }
    return state
  }

  return {
    async snapshot(cwd, snapshotOptions = {}) {
      const root = await realpath(cwd)
      const repo = mode === 'walk' ? undefined : await repositories.lookup(root)
      if (mode === 'git' && !repo) {
        throw new WorkspaceTrackerError('not_a_repository', `${cwd} is not inside a git work tree`)
      }
      const excluded = await excludedUnder(root, options.exclude ?? [])
      const state = repo
        ? await gitSnapshot(
            root,
            repo,
            snapshotOptions.signal,
            excluded,
            options.maxUntrackedFiles,
            options.spawnServer,
          ).catch(async (error: unknown) => {
            // The repository moved or went away since it was looked up: look again, once.
            repositories.forget(root)
            const again = await repositories.lookup(root, { askGit: true })
            if (!again) {
              if (mode === 'git') throw error
              return walker.snapshot(root, snapshotOptions.signal, excluded)
            }
            return gitSnapshot(
              root,
              again,
              snapshotOptions.signal,
              excluded,
              options.maxUntrackedFiles,
              options.spawnServer,
            )
          })
        : await walker.snapshot(root, snapshotOptions.signal, excluded)
      const id = randomUUID()
      states.set(id, state)
      return { id, cwd, kind: state.kind }
    },
    async diff(snapshot, diffOptions = {}) {
      const state = stateOf(snapshot)
      return state.kind === 'git'
        ? gitDiff(state, diffOptions.signal)
        : walker.diff(state, diffOptions.signal)
    },
    async restore(snapshot) {
      const state = stateOf(snapshot)
      return state.kind === 'git' ? gitRestore(state) : walker.restore(state)
    },
    async release(snapshot) {
      const state = states.get(snapshot.id)
      if (!state) return
      states.delete(snapshot.id)
      if (state.kind === 'git') await gitRelease(state)
    },
  }
}

/**
 * The repository of each directory, found once (by a few `stat`s in the plain case, else by
 * `git rev-parse`) and checked with a few `stat`s after that (a git command is ~5 ms of the
 * first tool call of every turn). Only found
 * repositories are kept: a directory that becomes one (`git init`) is found at the next
 * snapshot. A kept one is looked up again when its `.git` is gone, or when a directory between
 * the cwd and its top level got a `.git` of its own (a nested repository).
 */
class RepositoryCache {
  private readonly found = new Map<string, { toplevel: string; indexPath: string }>()

  async lookup(
    root: string,
    { askGit = false } = {},
  ): Promise<{ toplevel: string; indexPath: string } | undefined> {
    const kept = this.found.get(root)
    if (kept && (await this.stillValid(root, kept.toplevel))) return kept
    const repo = (askGit ? undefined : await plainRepository(root)) ?? (await findRepository(root))
    if (repo) this.found.set(root, repo)
    else this.found.delete(root)
    return repo
  }

  forget(root: string): void {
    this.found.delete(root)
  }

  private async stillValid(root: string, toplevel: string): Promise<boolean> {
    if (!(await exists(join(toplevel, '.git')))) return false
    for (let dir = root; dir !== toplevel; dir = dirname(dir)) {
      if (await exists(join(dir, '.git'))) return false
      if (dirname(dir) === dir) return false
    }
    return true
  }
}

/**
 * The variables that change which repository, work tree or index git uses (git(1), "The Git
 * Repository"), and those that inject configuration (which could set `core.worktree`). Others,
 * such as `GIT_SSL_CAINFO` or `GIT_AUTHOR_NAME`, leave discovery alone: before, any `GIT_*`
 * variable sent every lookup to `git rev-parse`, a process start of ~5-10 ms in each turn.
 */
const STEERING_GIT_VARIABLES =
  /^GIT_(DIR|WORK_TREE|COMMON_DIR|INDEX_FILE|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|CONFIG.*)$/

/**
 * The repository of `root` without running git, in the plain case only: no variable that steers
 * discovery is set (`STEERING_GIT_VARIABLES`), and the nearest `.git` above is a directory with a
 * `HEAD`. Worktrees and submodules (a `.git` file), and everything else, are left to
 * `git rev-parse`. A snapshot that fails in a repository found this way is retried after a real
 * lookup (see `snapshot`).
 */
async function plainRepository(root: string): Promise<{ toplevel: string; indexPath: string } | undefined> {
  if (Object.keys(process.env).some((name) => STEERING_GIT_VARIABLES.test(name))) return undefined
  for (let dir = root; ; dir = dirname(dir)) {
    const found = await lstat(join(dir, '.git')).catch(() => undefined)
    if (found) {
      if (!found.isDirectory() || !(await exists(join(dir, '.git', 'HEAD')))) return undefined
      return { toplevel: dir, indexPath: join(dir, '.git', 'index') }
    }
    if (dirname(dir) === dir) return undefined
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/**
 * The excluded paths inside `root`, relative to it (`/`-separated). Symlinks are resolved, so an
 * agent home reached through a link is still recognised; a path that does not exist yet is
 * resolved through its nearest existing parent (the home may be created during the turn).
 */
async function excludedUnder(root: string, paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>()
  for (const path of paths) {
    if (!isAbsolute(path)) continue
    const rel = relative(root, await realpathOfNearest(path))
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue
    out.add(rel.split(sep).join('/'))
  }
  return [...out]
}

async function realpathOfNearest(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch {
    const parent = dirname(path)
    return parent === path ? path : join(await realpathOfNearest(parent), basename(path))
  }
}
