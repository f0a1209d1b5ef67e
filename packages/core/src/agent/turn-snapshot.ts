// A turn's workspace snapshot (steps 4f and 5 of turn.ts): when it is taken, the turn diff
// from it, and what `undo` is left with. In-process it is taken while a slow model answers
// (`SnapshotPrefetch`) or before the first call that may change files (`env.workspaceReady`);
// a turn that ran nothing able to change files has no diff and leaves nothing to undo. With a
// journal it is a step before the calls, and every turn has its diff step.
import type { WorkspaceSnapshot } from '../ports/workspace.js'
import { errorText } from './items.js'
import type { Turn } from './turn-state.js'

/**
 * When the snapshot is taken while the model answers: 50 ms after its answer began (its first
 * event), if the answer is still coming, or 500 ms after the request started if nothing came
 * yet. From then on the wait is idle time. A model (or a mock server) that answers sooner
 * would have the snapshot's processes compete with the calls for the CPU; and the first
 * request of a process, which loads the provider's modules before anything is sent, is not
 * mistaken for a model taking its time.
 */
export class SnapshotPrefetch {
  static readonly AFTER_ANSWER_BEGAN_MS = 50
  static readonly AFTER_REQUEST_MS = 500
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly take: () => void) {
    this.timer = setTimeout(take, SnapshotPrefetch.AFTER_REQUEST_MS)
  }

  /** The model's first event: the answer is coming. */
  answering(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(this.take, SnapshotPrefetch.AFTER_ANSWER_BEGAN_MS)
  }

  cancel(): void {
    clearTimeout(this.timer)
  }
}

/** Step 4f: the snapshot `undo` and the turn diff start from (taken once per turn). */
export function takeSnapshot(turn: Turn): Promise<WorkspaceSnapshot | undefined> {
  const { session, signal } = turn
  const tracker = session.options.workspace
  turn.snapshotTask ??= tracker
    ? session.step(turn.subId, `turn/${turn.id}/snapshot`, (sink) =>
        // An interrupted turn still records where it started (undo goes back there).
        tracker.snapshot(turn.settings.cwd, signal.aborted ? {} : { signal }).catch((error: unknown) => {
          sink.emit({
            type: 'warning',
            message: `could not snapshot the workspace (no turn diff or undo for this turn): ${errorText(error)}`,
          })
          return undefined
        }),
      )
    : Promise.resolve(undefined)
  return turn.snapshotTask
}

/** Step 5's first part: the turn diff, or, for a turn that changed nothing, no diff and no undo. */
export async function closeSnapshot(turn: Turn): Promise<void> {
  // With a journal every turn has its snapshot and diff steps (a replay must find them).
  if (turn.mayChangeFiles || turn.session.steps.journaled) await diffTurn(turn, await takeSnapshot(turn))
  else await forgetSnapshots(turn, 'the last turn ran nothing that could change the workspace')
}

async function diffTurn(turn: Turn, snapshot: WorkspaceSnapshot | undefined): Promise<void> {
  const { session, signal } = turn
  const tracker = session.options.workspace
  if (!tracker) return
  if (!snapshot) {
    await forgetSnapshots(turn, 'the last turn has no workspace snapshot (it could not be taken)')
    return
  }
  const previous = session.lastSnapshot
  session.lastSnapshot = snapshot
  await session.step(turn.subId, `turn/${turn.id}/diff`, async (sink) => {
    if (previous && previous.id !== snapshot.id) await tracker.release?.(previous).catch(() => undefined)
    if (signal.aborted) return
    try {
      const diff = await tracker.diff(snapshot)
      if (diff) sink.emit({ type: 'turn_diff', unified_diff: diff })
    } catch (error) {
      sink.emit({ type: 'warning', message: `could not compute the turn diff: ${errorText(error)}` })
    }
  })
}

/**
 * The end of a turn with nothing to undo (it changed nothing, or its snapshot failed): a
 * snapshot taken while the model answered is let go, and so is the previous turn's (undo
 * reverts the last turn only: going further back would also revert what the user did since).
 */
async function forgetSnapshots(turn: Turn, why: string): Promise<void> {
  const { session } = turn
  const tracker = session.options.workspace
  if (!tracker) return
  const taken = turn.snapshotTask ? await turn.snapshotTask : undefined
  const previous = session.lastSnapshot
  session.lastSnapshot = undefined
  session.undoUnavailable = why
  for (const snapshot of [taken, previous])
    if (snapshot) await tracker.release?.(snapshot).catch(() => undefined)
}
