// Reloading hooks when their files change, without a restart. Before each run the files are
// stat'ed (a few synchronous syscalls, far cheaper than a hook process) and, when any changed, appeared or
// disappeared, the hooks are loaded again. Polling on use means no watcher to leak or miss.
import { statSync } from 'node:fs'
import type { EventMsg } from '@agent/protocol'
import { formatDiagnostic, type PluginDiagnostic } from './diagnostics.js'
import type { HookRegistration } from './hook-config.js'

export interface HookReloadSource {
  /** Files to watch (typically `LoadedPlugins.hookFiles`). */
  files: string[]
  /** Loads the hooks again (typically `loadPlugins(...)`); may return new files to watch. */
  load(): Promise<{ hooks: HookRegistration[]; hookFiles?: string[]; diagnostics?: PluginDiagnostic[] }>
}

function describe(s: { mtimeMs: number; size: number; ino: number }): string {
  return `${s.mtimeMs}:${s.size}:${s.ino}`
}

/**
 * The files' stats as one string. Synchronous on purpose: it runs before every hook event of a
 * long-lived session (several per tool call), and a `stat` that finds nothing must not build an
 * exception — async stats through the thread pool, most of them failing, cost ~8 ms a step in an
 * `agent acp` profile; these cost microseconds. Taken when the runner is built too, so a change
 * right after is never missed.
 */
function fingerprintNow(files: string[]): string {
  return files
    .map((file) => {
      try {
        const found = statSync(file, { throwIfNoEntry: false })
        return found ? describe(found) : '-'
      } catch {
        return '-' // not a directory on the way, or not searchable
      }
    })
    .join('|')
}

export class HookReloader {
  private files: string[]
  private last: Promise<string>
  private inFlight: Promise<HookRegistration[] | undefined> | undefined

  constructor(private readonly source: HookReloadSource) {
    this.files = [...source.files]
    this.last = Promise.resolve(fingerprintNow(this.files))
  }

  /** New registrations when something changed since the last check, else undefined. */
  check(onEvent?: (msg: EventMsg) => void): Promise<HookRegistration[] | undefined> {
    // Concurrent runs share one check, so parallel tool calls do not reload twice.
    this.inFlight ??= this.checkNow(onEvent).finally(() => {
      this.inFlight = undefined
    })
    return this.inFlight
  }

  private async checkNow(onEvent?: (msg: EventMsg) => void): Promise<HookRegistration[] | undefined> {
    const before = await this.last
    const now = fingerprintNow(this.files)
    if (now === before) return undefined
    // Recorded before loading: a load that fails is not retried until the files change again,
    // and a change made while loading is seen by the next check.
    this.last = Promise.resolve(now)
    const loaded = await this.source.load()
    const files = loaded.hookFiles ?? this.files
    if (files.join('\n') !== this.files.join('\n')) {
      this.files = [...files]
      this.last = Promise.resolve(fingerprintNow(this.files))
    }
    const errors = (loaded.diagnostics ?? []).filter((d) => d.severity === 'error')
    const emit = (msg: EventMsg) => {
      try {
        onEvent?.(msg)
      } catch {
        // The new hooks are in force whatever a listener does.
      }
    }
    emit({ type: 'background_event', message: `hooks reloaded: ${loaded.hooks.length} hook(s) configured` })
    for (const diagnostic of errors) emit({ type: 'warning', message: formatDiagnostic(diagnostic) })
    return loaded.hooks
  }
}
