// Problems found while loading plugins and settings: each names the file, the line when known,
// and what to fix. A broken file is skipped and reported; loading never throws for bad input.

export interface PluginDiagnostic {
  /** `error`: the file or component was skipped; `warning`: loaded, but something was ignored. */
  severity: 'error' | 'warning'
  /** Absolute path of the file at fault. */
  file: string
  /** 1-based line, when the problem can be located. */
  line?: number
  /** The plugin the file belongs to, when it belongs to one. */
  plugin?: string
  /** What is wrong and how to fix it. */
  reason: string
}

/** `file:line: reason`, the way compilers print it, so editors can jump to it. */
export function formatDiagnostic(diagnostic: PluginDiagnostic): string {
  const where = diagnostic.line === undefined ? diagnostic.file : `${diagnostic.file}:${diagnostic.line}`
  const plugin = diagnostic.plugin === undefined ? '' : ` [plugin ${diagnostic.plugin}]`
  return `${where}: ${diagnostic.severity}${plugin}: ${diagnostic.reason}`
}

/** Collects diagnostics while a loader walks files; `plugin` is stamped on everything it adds. */
export class DiagnosticSink {
  readonly items: PluginDiagnostic[] = []

  add(diagnostic: PluginDiagnostic): void {
    this.items.push(diagnostic)
  }

  error(file: string, reason: string, extra: { line?: number; plugin?: string } = {}): void {
    this.items.push({ severity: 'error', file, reason, ...definedOnly(extra) })
  }

  warning(file: string, reason: string, extra: { line?: number; plugin?: string } = {}): void {
    this.items.push({ severity: 'warning', file, reason, ...definedOnly(extra) })
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
