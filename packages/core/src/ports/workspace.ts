// Port: snapshots of the workspace taken at turn start, diffed at turn end (`turn_diff`) and
// restored by `undo`. Implemented by `@agent/tools` (git temporary index, or a bounded stat walk).
export interface WorkspaceSnapshot {
  /** Opaque to core; the tracker decides what it holds. */
  readonly id: string
  readonly cwd: string
}

export interface WorkspaceTracker {
  snapshot(cwd: string, options?: { signal?: AbortSignal }): Promise<WorkspaceSnapshot>
  /** One git-style unified diff of everything that changed since `snapshot` ('' when nothing did). */
  diff(snapshot: WorkspaceSnapshot, options?: { signal?: AbortSignal }): Promise<string>
  /** Puts the workspace back as it was at `snapshot`; returns the paths it touched. */
  restore(snapshot: WorkspaceSnapshot): Promise<{ restored: string[] }>
  /** Frees what the snapshot holds (temporary files, git objects are left to gc). */
  release?(snapshot: WorkspaceSnapshot): Promise<void>
}
