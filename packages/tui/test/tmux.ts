// Drives a program in a real pseudo-terminal through tmux: type keys, read the screen.
import { execFileSync } from 'node:child_process'

export class TmuxSession {
  private static count = 0
  /** One tmux server per session, so killing one never races starting the next. */
  readonly socket: string
  readonly name: string

  constructor(
    command: string,
    options: { cwd: string; env: Record<string, string>; columns?: number; rows?: number; after?: string },
  ) {
    this.name = `s${++TmuxSession.count}`
    this.socket = `agent-tui-${process.pid}-${TmuxSession.count}`
    const env = Object.entries(options.env).map(([k, v]) => `${k}=${shellQuote(v)}`)
    // A clean environment (no CI, which makes Ink print only the final frame), and a marker
    // with the exit code once the program ends, so tests can see it exit.
    const script = `env -i ${env.join(' ')} ${command}; echo "[exit $?]"; ${options.after ?? ''} sleep 600`
    this.tmux(
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(options.columns ?? 80),
      '-y',
      String(options.rows ?? 24),
      '-c',
      options.cwd,
      script,
    )
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' })
  }

  /** Types text literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text)
  }

  /** Presses keys by tmux name: Enter, Escape, C-c, Up... */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys)
  }

  /** The visible screen plus scrollback, wrapped lines joined; with `escapes`, colours kept. */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', this.name, '-S', '-2000')
  }

  /** Whether the terminal's cursor is visible. */
  cursorVisible(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{cursor_flag}').trim() === '1'
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows))
  }

  /** Waits until the screen satisfies `check` (e.g. a redraw after a resize has finished). */
  async waitUntil(check: (screen: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      last = this.screen()
      if (check(last)) return last
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`timed out waiting for ${what} on the screen:\n${last}`)
  }

  async waitFor(pattern: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      last = this.screen()
      if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`timed out waiting for ${pattern} on the screen:\n${last}`)
  }

  kill(): void {
    try {
      this.tmux('kill-server')
    } catch {
      // Already gone.
    }
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}
