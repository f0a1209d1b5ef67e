// The WorkspaceTracker core uses for `turn_diff` and `undo`: git snapshots inside a repository,
// a bounded .gitignore-aware walk elsewhere. Chosen per snapshot, so a session whose cwd becomes
// a repository mid-way just works.
import { randomUUID } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import type { WorkspaceSnapshot, WorkspaceTracker } from '@agent/core'
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
   * Git mode: a working tree with more untracked (not ignored) files than this gets no snapshot,
   * with an error that says so, instead of hashing them all on every turn. Default 20,000.
   */
  maxUntrackedFiles?: number
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
      const repo = mode === 'walk' ? undefined : await findRepository(root)
      if (mode === 'git' && !repo) {
        throw new WorkspaceTrackerError('not_a_repository', `${cwd} is not inside a git work tree`)
      }
      const state = repo
        ? await gitSnapshot(root, repo, snapshotOptions.signal, options.maxUntrackedFiles)
        : await walker.snapshot(root, snapshotOptions.signal)
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
