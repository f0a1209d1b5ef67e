// Child stdin that is not a socket. Node creates every 'pipe' as a UNIX socketpair, and bash
// treats a socket on stdin as a remote-shell login and sources ~/.bashrc (slow, with side
// effects and stray output). So fixed input comes from an unlinked temp file, and interactive
// input goes through a private FIFO.
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A read-only descriptor holding `text`, for a child's stdin; close it after the spawn. */
export function stdinFromText(text: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'agent-exec-stdin-'))
  const file = join(dir, 'stdin')
  try {
    writeFileSync(file, text, { mode: 0o600 })
    return openSync(file, 'r')
  } finally {
    // The open descriptor keeps the data; the name disappears at once.
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface StdinPipe {
  /** Blocking read end, for the child; close it in the parent after the spawn. */
  childFd: number
  /** Our non-blocking write end; `end()` gives the child EOF. */
  writer: Socket
}

/** A FIFO whose read end is the child's stdin. */
export function openStdinPipe(): StdinPipe {
  const dir = mkdtempSync(join(tmpdir(), 'agent-exec-fifo-'))
  const fifo = join(dir, 'stdin')
  try {
    execFileSync('mkfifo', ['-m', '600', fifo])
    // Opening read-write first never blocks on Linux; the read-only open then finds a writer.
    // They are separate open file descriptions, so making ours non-blocking leaves the child's
    // blocking, as programs expect.
    const writeFd = openSync(fifo, constants.O_RDWR)
    const childFd = openSync(fifo, constants.O_RDONLY)
    unlinkSync(fifo)
    const writer = new Socket({ fd: writeFd, readable: false, writable: true })
    return { childFd, writer }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already closed.
  }
}
