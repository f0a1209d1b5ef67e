// Find and kill every process a command started: its process group and session (children are
// spawned as session leaders), plus descendants that moved to a group or session of their own.
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

interface ProcInfo {
  pid: number
  ppid: number
  pgid: number
  sid: number
  /** Zombies are dead, only waiting for their parent to reap them. */
  zombie: boolean
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat')
    return true
  } catch {
    return false
  }
})()

function readStat(pid: number): ProcInfo | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return undefined
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    zombie: fields[0] === 'Z' || fields[0] === 'X',
  }
}

function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = []
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return out
  }
  for (const name of names) {
    const pid = Number(name)
    if (!Number.isInteger(pid) || pid <= 0) continue
    const info = readStat(pid)
    if (info) out.push(info)
  }
  return out
}

function hasEnvMarker(pid: number, marker: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${marker}\0`)
  } catch {
    return false
  }
}

/**
 * Live (non-zombie) processes of the tree rooted at `leader`: everything in its process group or
 * session, and the descendants (by parent link) of any of them. `extra` pids found earlier stay
 * in the set while they live, so a process that escaped after the first scan is still covered.
 * With `envMarker` (`NAME=value`), any process whose environment carries it is included too,
 * which finds daemons that left the session and lost their parent.
 */
export function collectProcessTree(
  leader: number,
  extra: Iterable<number> = [],
  envMarker?: string,
): number[] {
  if (!hasProc) return isAlive(leader) ? [leader] : []
  const all = listProcesses()
  const byParent = new Map<number, ProcInfo[]>()
  for (const p of all) {
    const siblings = byParent.get(p.ppid)
    if (siblings) siblings.push(p)
    else byParent.set(p.ppid, [p])
  }
  const known = new Set(extra)
  const found = new Set<number>()
  const queue: number[] = []
  for (const p of all) {
    const member = p.pid === leader || p.pgid === leader || p.sid === leader || known.has(p.pid)
    if (member || (envMarker !== undefined && !p.zombie && hasEnvMarker(p.pid, envMarker))) {
      found.add(p.pid)
      queue.push(p.pid)
    }
  }
  while (queue.length > 0) {
    const pid = queue.pop()!
    for (const child of byParent.get(pid) ?? []) {
      if (!found.has(child.pid)) {
        found.add(child.pid)
        queue.push(child.pid)
      }
    }
  }
  const alive: number[] = []
  for (const p of all) if (found.has(p.pid) && !p.zombie && p.pid !== process.pid) alive.push(p.pid)
  return alive
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  if (hasProc) {
    const info = readStat(pid)
    return info !== undefined && !info.zombie
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function signalAll(leader: number, pids: Iterable<number>, signal: NodeJS.Signals): void {
  try {
    process.kill(-leader, signal)
  } catch {
    // The group may already be gone; the individual pids below still get the signal.
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // Already exited between the scan and the signal.
    }
  }
}

export interface KillTreeResult {
  /** Processes that were alive when the kill started. */
  targeted: number
  /** Processes still alive at the end (0 unless something is unkillable, e.g. in D state). */
  survivors: number[]
  /** True when SIGKILL was needed because something outlived the grace period. */
  escalated: boolean
}

/**
 * SIGTERM the whole tree, wait up to `graceMs` for it to go, then SIGKILL what is left.
 * Rescans between signals, so children forked during the grace period are caught too.
 */
export async function killProcessTree(
  leader: number,
  options: { graceMs?: number; signal?: NodeJS.Signals; envMarker?: string } = {},
): Promise<KillTreeResult> {
  const graceMs = options.graceMs ?? 1000
  const marker = options.envMarker
  const seen = new Set(collectProcessTree(leader, [], marker))
  const targeted = seen.size
  signalAll(leader, seen, options.signal ?? 'SIGTERM')
  const deadline = Date.now() + graceMs
  let pause = 2
  let alive = collectProcessTree(leader, seen, marker)
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())))
    pause = Math.min(pause * 2, 25)
    alive = collectProcessTree(leader, seen, marker)
    for (const pid of alive) {
      if (!seen.has(pid)) {
        seen.add(pid)
        signalAll(leader, [pid], options.signal ?? 'SIGTERM')
      }
    }
  }
  if (alive.length === 0) return { targeted, survivors: [], escalated: false }
  // Keep killing until nothing is left: a process may fork between a scan and its SIGKILL.
  const killDeadline = Date.now() + 2000
  pause = 1
  while (alive.length > 0 && Date.now() < killDeadline) {
    for (const pid of alive) seen.add(pid)
    signalAll(leader, alive, 'SIGKILL')
    await sleep(pause)
    pause = Math.min(pause * 2, 20)
    alive = collectProcessTree(leader, seen, marker)
  }
  return { targeted, survivors: alive, escalated: true }
}

/**
 * True when a finished command left processes behind. The cheap check is its process group;
 * members that moved to another group still share the session, and are looked for with a /proc
 * scan only when `pipesClosed` is false (something still holds the output pipes), or always
 * when an `envMarker` is tracked.
 */
export function hasLeftovers(leader: number, pipesClosed: boolean, envMarker?: string): boolean {
  if (groupExists(leader)) return true
  if (envMarker !== undefined) return collectProcessTree(leader, [], envMarker).length > 0
  return !pipesClosed && collectProcessTree(leader).length > 0
}

/**
 * True while process group `leader` has a member we may signal. Asked after every command, where
 * the usual answer is ESRCH: that error's stack trace, deep in async frames, is never looked at,
 * and capturing it was most of the check's cost.
 */
function groupExists(leader: number): boolean {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    process.kill(-leader, 0)
    return true
  } catch {
    return false
  } finally {
    Error.stackTraceLimit = limit
  }
}

const liveLeaders = new Map<number, string | undefined>()
let exitHookInstalled = false

/**
 * Remember a running command's leader so that, if this process exits while the command runs,
 * its process group is SIGKILLed rather than orphaned (children are detached into their own
 * group, so nothing else would stop them).
 */
export function trackLeader(pid: number, envMarker?: string): void {
  liveLeaders.set(pid, envMarker)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const [leader, marker] of liveLeaders)
      signalAll(leader, collectProcessTree(leader, [], marker), 'SIGKILL')
  })
}

export function untrackLeader(pid: number): void {
  liveLeaders.delete(pid)
}
