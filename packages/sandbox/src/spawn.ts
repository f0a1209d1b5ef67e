// Starts a wrapped command the way `@agent/exec` does: extra descriptors (bwrap's seccomp
// program) are pipes on their fd numbers, fed with their bytes and closed.
import { type ChildProcess, spawn } from 'node:child_process'
import type { WrappedCommand } from './types.js'

/** Spawns `wrapped` (from `wrapCommand`) with its descriptors attached. */
export function spawnWrapped(
  wrapped: WrappedCommand,
  options: { cwd: string; stdio?: ('ignore' | 'inherit' | 'pipe')[] },
): ChildProcess {
  const [program, ...args] = wrapped.argv
  if (program === undefined) throw new Error('spawnWrapped: empty argv')
  const base = options.stdio ?? ['ignore', 'pipe', 'pipe']
  const stdio: ('ignore' | 'inherit' | 'pipe')[] = [...base]
  const maxFd = Math.max(2, ...wrapped.fds.map((f) => f.fd))
  for (let fd = 3; fd <= maxFd; fd++) stdio[fd] = 'ignore'
  for (const { fd } of wrapped.fds) stdio[fd] = 'pipe'
  const child = spawn(program, args, { cwd: options.cwd, env: wrapped.env, stdio })
  for (const { fd, data } of wrapped.fds) {
    const stream = child.stdio[fd] as NodeJS.WritableStream | null
    if (!stream) continue
    // The child may exit before reading (bad arguments); that EPIPE is not our error to report.
    stream.on('error', () => {})
    stream.end(Buffer.from(data))
  }
  return child
}
