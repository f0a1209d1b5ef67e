// Whatever happens (normal exit, a signal, a crash), the terminal is handed back as it was
// found: raw mode off, cursor visible, bracketed paste off.
const RESTORE = '\u001b[?2004l\u001b[?25h'

export interface TerminalGuard {
  /** Restores now and stops watching. */
  release(): void
}

export function guardTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): TerminalGuard {
  let released = false
  const restore = () => {
    if (released) return
    released = true
    try {
      if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(false)
    } catch {
      // The terminal may already be gone (hang-up); nothing left to restore.
    }
    try {
      if (stdout.isTTY) stdout.write(RESTORE)
    } catch {
      // As above.
    }
  }
  process.once('exit', restore)
  if (stdout.isTTY) stdout.write('\u001b[?2004h')
  return {
    release() {
      process.off('exit', restore)
      restore()
    },
  }
}
