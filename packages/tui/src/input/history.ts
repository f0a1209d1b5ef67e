// Prompt history shared by every session: one JSON string per line in a file, appended as each
// prompt is sent, read once at start. ↑/↓ walk it like a shell's history.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface PromptHistoryOptions {
  /** The history file; absent: history lives only for this session. */
  file?: string | undefined
  /** Entries kept in memory (default 1,000). */
  limit?: number
}

export class PromptHistory {
  private entries: string[] = []
  private readonly file: string | undefined
  private readonly limit: number
  /** Problem reading or writing the file, reported once by the UI. */
  error: string | undefined

  constructor(options: PromptHistoryOptions = {}) {
    this.file = options.file
    this.limit = options.limit ?? 1000
    if (this.file) {
      try {
        const lines = readFileSync(this.file, 'utf8').split('\n')
        for (const line of lines) {
          if (line.trim() === '') continue
          try {
            const value = JSON.parse(line) as unknown
            if (typeof value === 'string') this.entries.push(value)
          } catch {
            // A torn or foreign line is skipped; the rest of the history is still useful.
          }
        }
        this.entries = this.entries.slice(-this.limit)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          this.error = `cannot read history ${this.file}: ${(error as Error).message}`
      }
    }
  }

  get size(): number {
    return this.entries.length
  }

  /** The entry `back` steps from the newest (1 = newest). */
  at(back: number): string | undefined {
    return this.entries[this.entries.length - back]
  }

  add(entry: string): void {
    if (entry.trim() === '' || this.entries.at(-1) === entry) return
    this.entries.push(entry)
    if (this.entries.length > this.limit) this.entries.shift()
    if (!this.file) return
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
    } catch (error) {
      this.error = `cannot write history ${this.file}: ${(error as Error).message}`
    }
  }
}

/** Walks a PromptHistory with ↑/↓, keeping the draft the user was typing. */
export class HistoryCursor {
  private index = 0
  private draft = ''

  constructor(private readonly history: PromptHistory) {}

  /** The older entry, or undefined at the oldest. */
  up(current: string): string | undefined {
    if (this.index >= this.history.size) return undefined
    if (this.index === 0) this.draft = current
    this.index++
    return this.history.at(this.index)
  }

  /** The newer entry; back at the newest, the saved draft. */
  down(): string | undefined {
    if (this.index === 0) return undefined
    this.index--
    return this.index === 0 ? this.draft : this.history.at(this.index)
  }

  reset(): void {
    this.index = 0
    this.draft = ''
  }
}
