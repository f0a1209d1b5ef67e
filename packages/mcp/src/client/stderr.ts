// The last lines a server wrote to stderr, kept to explain start-up failures to the user (never
// to the model).
const MAX_LINES = 20

export class StderrTail {
  private lines: string[] = []
  private partial = ''

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n')
    this.partial = parts.pop() ?? ''
    for (const line of parts) if (line.trim()) this.lines.push(line.trimEnd())
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES)
  }

  /** The last `n` non-empty lines joined with ` | `, or '' when the server wrote nothing. */
  lastLines(n: number): string {
    const all = this.partial.trim() ? [...this.lines, this.partial.trim()] : this.lines
    return all.slice(-n).join(' | ')
  }
}
