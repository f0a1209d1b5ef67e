// Reporting where a shell script ended up (`cd` in one Bash call holding for the next). The
// script is wrapped after the policy and the approval saw the command as the model wrote it: an
// EXIT trap prints the final directory between two random tokens on a private duplicate of the
// original stdout, so a script that redirects its own stdout (`exec >log`) or calls `exit` still
// reports it. The report is cut from the captured output and from the streamed deltas.
import { randomBytes } from 'node:crypto'

export interface CwdTracker {
  /** The argv to run instead of the model's `['bash', '-c', script]`. */
  argv: string[]
  /** Feeds stdout deltas through; returns what may be shown (a possible partial report is held back). */
  filterDelta(chunk: string): string
  /** What is held back at the end of the stream, minus any report. */
  flush(): string
  /** Cuts the report out of a captured text; returns the text and the directory it named. */
  extract(text: string): { text: string; cwd: string | undefined }
}

const SHELLS = new Set(['bash', '/bin/bash', '/usr/bin/bash'])

/** A tracker for `['bash', '-c' | '-lc', script]`, or undefined for any other command. */
export function trackCwd(command: readonly string[]): CwdTracker | undefined {
  if (command.length !== 3 || !SHELLS.has(command[0]!) || (command[1] !== '-c' && command[1] !== '-lc')) {
    return undefined
  }
  const token = `\u001eagent-cwd-${randomBytes(8).toString('hex')}\u001e`
  // `{fd}>&1` lets bash choose a free descriptor (10 or above), out of the way of the script's own.
  const prelude = `exec {__agent_cwd_fd}>&1; trap 'printf "%s%s%s" "${token}" "$PWD" "${token}" >&$__agent_cwd_fd' EXIT`
  const argv = [command[0]!, command[1]!, `${prelude}\n${command[2]!}`]
  let pending = ''
  let done = false
  return {
    argv,
    filterDelta(chunk) {
      if (done) return ''
      pending += chunk
      const at = pending.indexOf(token)
      if (at >= 0) {
        done = true
        const out = pending.slice(0, at)
        pending = ''
        return out
      }
      // Hold back the longest tail that could be the start of the token.
      let keep = Math.min(pending.length, token.length - 1)
      while (keep > 0 && !token.startsWith(pending.slice(pending.length - keep))) keep--
      const out = pending.slice(0, pending.length - keep)
      pending = pending.slice(pending.length - keep)
      return out
    },
    flush() {
      const out = done ? '' : pending
      pending = ''
      return out
    },
    extract(text) {
      const start = text.indexOf(token)
      if (start < 0) return { text, cwd: undefined }
      const end = text.indexOf(token, start + token.length)
      if (end < 0) return { text, cwd: undefined }
      return {
        text: text.slice(0, start) + text.slice(end + token.length),
        cwd: text.slice(start + token.length, end),
      }
    },
  }
}
