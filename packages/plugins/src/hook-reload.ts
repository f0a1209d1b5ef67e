// Reloading hooks when their files change, without a restart. Before each run the files are
// stat'ed (a few syscalls, cheaper than a hook process) and, when any changed, appeared or
// disappeared, the hooks are loaded again. Polling on use means no watcher to leak or miss.
import { stat } from 'node:fs/promises'
import type { EventMsg } from '@agent/protocol'
import { formatDiagnostic, type PluginDiagnostic } from './diagnostics.js'
import type { HookRegistration } from './hook-config.js'

export interface HookReloadSource {
  /** Files to watch (typically `LoadedPlugins.hookFiles`). */
  files: string[]
  /** Loads the hooks again (typically `loadPlugins(...)`); may return new files to watch. */
  load(): Promise<{ hooks: HookRegistration[]; hookFiles?: string[]; diagnostics?: PluginDiagnostic[] }>
}

async function fingerprint(files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (file) => {
      try {
        const s = await stat(file)
        return `${s.mtimeMs}:${s.size}:${s.ino}`
      } catch {
        return '-'
      }
    }),
  )
  return parts.join('|')
}

export class HookReloader {
  private files: string[]
  private last: Promise<string>
  private inFlight: Promise<HookRegistration[] | undefined> | undefined

  constructor(private readonly source: HookReloadSource) {
    this.files = [...source.files]
    this.last = fingerprint(this.files)
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
    const now = await fingerprint(this.files)
    if (now === before) return undefined
    // Recorded before loading: a load that fails is not retried until the files change again.
    this.last = Promise.resolve(now)
    const loaded = await this.source.load()
    if (loaded.hookFiles) this.files = [...loaded.hookFiles]
    this.last = fingerprint(this.files)
    await this.last
    const errors = (loaded.diagnostics ?? []).filter((d) => d.severity === 'error')
    onEvent?.({
      type: 'background_event',
      message: `hooks reloaded: ${loaded.hooks.length} hook(s) configured`,
    })
    for (const diagnostic of errors) onEvent?.({ type: 'warning', message: formatDiagnostic(diagnostic) })
    return loaded.hooks
  }
}
