// Shared by one-shot runs and interactive sessions: request checks, start-failure messages a
// user can act on, and the stdio layout that carries extra descriptors.

import type { ChildProcess, StdioOptions } from 'node:child_process'
import { accessSync, constants as fsConstants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Readable } from 'node:stream'
import type { ServedChild } from './spawn-server.js'
import type { ExtraFd, RunErrorKind } from './types.js'

/** Exit code reported for each way a start can fail (shell conventions where one exists). */
export const EXIT_CODE_FOR_KIND: Record<RunErrorKind, number> = {
  invalid_request: 2,
  command_not_found: 127,
  permission_denied: 126,
  spawn_failed: 126,
  bad_cwd: 125,
  aborted_before_start: 130,
}

export function validateRequest(options: {
  argv: string[]
  cwd: string
  extraFds?: ExtraFd[]
}): string | undefined {
  if (!Array.isArray(options.argv) || options.argv.length === 0 || !options.argv[0]) {
    return 'argv is empty: pass at least the program name, e.g. ["ls", "-la"]'
  }
  if (options.argv.some((arg) => typeof arg !== 'string')) return 'argv must contain only strings'
  if (typeof options.cwd !== 'string' || options.cwd === '') return 'cwd is required: pass a directory path'
  const seen = new Set<number>()
  for (const extra of options.extraFds ?? []) {
    if (!Number.isInteger(extra.fd) || extra.fd < 3) {
      return `extraFds: fd ${extra.fd} is not allowed; use 3 or more (0-2 are stdin, stdout, stderr)`
    }
    if (seen.has(extra.fd)) return `extraFds: fd ${extra.fd} is given twice`
    seen.add(extra.fd)
  }
  return undefined
}

export function checkCwd(cwd: string): { kind: RunErrorKind; message: string } | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return { kind: 'bad_cwd', message: `not a directory: ${cwd}` }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES') return { kind: 'bad_cwd', message: `permission denied for directory: ${cwd}` }
    return { kind: 'bad_cwd', message: `no such directory: ${cwd}` }
  }
  return undefined
}

export function describeSpawnError(
  error: NodeJS.ErrnoException,
  program: string,
): { kind: RunErrorKind; message: string } {
  switch (error.code) {
    case 'ENOENT':
      return { kind: 'command_not_found', message: `command not found: ${program}` }
    case 'EACCES':
    case 'EPERM':
      return { kind: 'permission_denied', message: `permission denied: ${program} (is it executable?)` }
    case 'ENOEXEC':
      return { kind: 'spawn_failed', message: `cannot execute ${program}: not a valid executable format` }
    default:
      return { kind: 'spawn_failed', message: `could not start ${program}: ${error.message}` }
  }
}

/** Resolves once the child has started, or with the error that kept it from starting. */
export function waitForSpawn(
  child: Pick<ChildProcess, 'once'> | ServedChild,
): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    child.once('spawn', () => resolve(undefined))
    child.once('error', (error) => resolve(error as NodeJS.ErrnoException))
  })
}

export function streamClosed(stream: Readable | null | undefined): Promise<void> {
  if (!stream || stream.destroyed || stream.readableEnded) return Promise.resolve()
  return new Promise((resolve) => stream.once('close', () => resolve()))
}

export function delay(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref())
}

/** stdio for `spawn`: stdin as given (/dev/null or a descriptor), piped stdout/stderr, and a pipe at each extra fd. */
export function stdioFor(stdin: 'ignore' | number, extraFds: readonly ExtraFd[]): StdioOptions {
  const stdio: StdioOptions = [stdin, 'pipe', 'pipe']
  // Gaps between extra descriptors are filled with /dev/null.
  for (const extra of extraFds) {
    while (stdio.length < extra.fd) stdio.push('ignore')
    stdio[extra.fd] = 'pipe'
  }
  return stdio
}

/**
 * Where `program` would be found on `PATH` (as execvp looks), or the start failure. Needed where
 * the spawner cannot report ENOENT itself (a PTY child fails only after the fork).
 */
export function locateProgram(
  program: string,
  path: string | undefined,
  cwd: string,
): { file: string } | { kind: RunErrorKind; message: string } {
  const candidates = program.includes('/')
    ? [program.startsWith('/') ? program : join(cwd, program)]
    : (path ?? '').split(delimiter).map((dir) => join(dir || cwd, program))
  let sawNonExecutable = false
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue
      accessSync(file, fsConstants.X_OK)
      return { file }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') sawNonExecutable = true
    }
  }
  return sawNonExecutable
    ? { kind: 'permission_denied', message: `permission denied: ${program} (is it executable?)` }
    : { kind: 'command_not_found', message: `command not found: ${program}` }
}
