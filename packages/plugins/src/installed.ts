// The plugins a user enabled the Claude Code way: `enabledPlugins: {"name@marketplace": true}`
// in settings, resolved to a directory through Claude Code's own records under
// `~/.claude/plugins/` (installed_plugins.json, known_marketplaces.json, the marketplaces/ and
// cache/ folders) or through a marketplace (`.claude-plugin/marketplace.json`) that is a local
// directory or git checkout, named in `extraKnownMarketplaces`. Nothing is fetched here.
import { dirname, join, resolve } from 'node:path'
import type { DiagnosticSink } from './diagnostics.js'
import { isDirectory, isFile, readOptional } from './files.js'
import { parseJsonText, validateWith } from './located.js'
import {
  InstalledPluginsSchema,
  KnownMarketplacesSchema,
  type MarketplaceEntry,
  MarketplaceFileSchema,
} from './schemas.js'
import { loadTextParsers } from './text-parsers.js'

/** One `enabledPlugins` key as the merged settings leave it. */
export interface Enablement {
  enabled: boolean
  /** The settings file whose value won. */
  file: string
  /** True when that file belongs to the project (not to the user). */
  project: boolean
  /** Where relative marketplace paths of that file are resolved from. */
  base: string
}

/** One `extraKnownMarketplaces` entry: `{"name": {"source": {"source": "directory", "path": ...}}}`. */
export interface MarketplaceDeclaration {
  source: Record<string, unknown>
  file: string
  base: string
}

/** A plugin to load from a marketplace or the Claude Code cache. */
export interface MarketplacePlugin {
  /** `name@marketplace`. */
  id: string
  root: string
  /** The marketplace's entry for the plugin, when the marketplace could be read. */
  entry?: { value: MarketplaceEntry; file: string; text: string }
  /** The settings file that enabled it. */
  enabledBy: string
  /** Whether the plugin may run code (hooks, MCP servers): false when only an untrusted project enabled it. */
  project: boolean
}

interface Marketplace {
  root: string
  file: string
  text: string
  entries: MarketplaceEntry[]
  pluginRoot?: string
}

async function readJsonFile(
  file: string,
  sink: DiagnosticSink,
): Promise<{ text: string; value: unknown } | undefined> {
  let text: string | undefined
  try {
    text = await readOptional(file)
  } catch (error) {
    sink.error(file, `cannot read: ${(error as Error).message}`)
    return undefined
  }
  if (text === undefined) return undefined
  await loadTextParsers()
  const parsed = parseJsonText(text)
  if (!parsed.ok) {
    sink.error(file, `${parsed.reason}; file skipped`, { line: parsed.line })
    return undefined
  }
  return { text, value: parsed.value }
}

/** Reads `<root>/.claude-plugin/marketplace.json` (or the file itself when `path` is one). */
export async function readMarketplace(path: string, sink: DiagnosticSink): Promise<Marketplace | undefined> {
  const file = path.endsWith('.json') ? path : join(path, '.claude-plugin', 'marketplace.json')
  // Relative plugin sources resolve from the folder holding `.claude-plugin/`, not from it.
  const root = dirname(file).endsWith('.claude-plugin') ? dirname(dirname(file)) : dirname(file)
  const json = await readJsonFile(file, sink)
  if (!json) return undefined
  const checked = validateWith(MarketplaceFileSchema, json.value, json.text)
  if (!checked.ok) {
    sink.error(file, `${checked.reason}; marketplace skipped`, { line: checked.line })
    return undefined
  }
  const pluginRoot = checked.value.metadata?.pluginRoot
  return {
    root,
    file,
    text: json.text,
    entries: checked.value.plugins,
    ...(pluginRoot !== undefined ? { pluginRoot } : {}),
  }
}

/** Directory of a marketplace entry whose `source` is a path; undefined for remote sources. */
export function entryDirectory(marketplace: Marketplace, entry: MarketplaceEntry): string | undefined {
  const source = entry.source
  let path: string | undefined
  if (typeof source === 'string') path = source
  else if (source.source === 'directory' && typeof source.path === 'string') path = source.path
  if (path === undefined) return undefined
  // `./x` and `../x` are relative to the marketplace root; a bare `x` to `metadata.pluginRoot`.
  if (path.startsWith('./') || path.startsWith('../') || path.startsWith('/'))
    return resolve(marketplace.root, path)
  return resolve(marketplace.root, marketplace.pluginRoot ?? '.', path)
}

function describeSource(source: MarketplaceEntry['source']): string {
  if (typeof source === 'string') return source
  const where = source.repo ?? source.url ?? source.package ?? source.path
  return `${String(source.source)}${where !== undefined ? ` ${String(where)}` : ''}`
}

/**
 * Resolves every enabled `name@marketplace` to a directory. Order of lookup, as Claude Code:
 * the install recorded in `installed_plugins.json` (its `installPath` in the cache), else the
 * marketplace's entry when its source is a path (a marketplace in `known_marketplaces.json`,
 * in `~/.claude/plugins/marketplaces/<name>/`, or a directory in `extraKnownMarketplaces`).
 * What cannot be resolved is reported with what to do.
 */
export async function resolveEnabledPlugins(
  options: {
    cwd: string
    home: string | null
    enabled: Map<string, Enablement>
    marketplaces: Map<string, MarketplaceDeclaration>
  },
  sink: DiagnosticSink,
): Promise<MarketplacePlugin[]> {
  const wanted = [...options.enabled].filter(([, e]) => e.enabled)
  if (wanted.length === 0) return []
  const pluginsHome = options.home === null ? undefined : join(options.home, '.claude', 'plugins')
  const [installed, known] = await Promise.all([
    pluginsHome ? readInstalled(join(pluginsHome, 'installed_plugins.json'), options.cwd, sink) : new Map(),
    pluginsHome ? readKnown(join(pluginsHome, 'known_marketplaces.json'), sink) : new Map<string, string>(),
  ])
  const marketplaceCache = new Map<string, Promise<Marketplace | undefined>>()
  const marketplace = (name: string): Promise<Marketplace | undefined> => {
    let found = marketplaceCache.get(name)
    if (!found) {
      found = (async () => {
        const declared = options.marketplaces.get(name)
        const candidates: string[] = []
        const location = declared ? declaredLocation(declared) : undefined
        if (location) candidates.push(location)
        const knownAt = known.get(name)
        if (knownAt) candidates.push(knownAt)
        if (pluginsHome) candidates.push(join(pluginsHome, 'marketplaces', name))
        for (const candidate of candidates) {
          const file = candidate.endsWith('.json')
            ? candidate
            : join(candidate, '.claude-plugin', 'marketplace.json')
          if (await isFile(file)) return readMarketplace(candidate, sink)
        }
        return undefined
      })()
      marketplaceCache.set(name, found)
    }
    return found
  }

  const out: MarketplacePlugin[] = []
  for (const [id, enablement] of wanted) {
    const at = id.lastIndexOf('@')
    if (at <= 0 || at === id.length - 1) {
      sink.error(
        enablement.file,
        `enabledPlugins: "${id}" is not "plugin@marketplace"; write the marketplace after "@" (as \`claude plugin list\` shows it)`,
      )
      continue
    }
    const name = id.slice(0, at)
    const marketplaceName = id.slice(at + 1)
    const market = await marketplace(marketplaceName)
    const entry = market?.entries.find((e) => e.name === name)
    const entryInfo = market && entry ? { value: entry, file: market.file, text: market.text } : undefined
    const installPath = installed.get(id)
    let root: string | undefined
    if (installPath !== undefined && (await isDirectory(installPath))) root = installPath
    else if (market && entry) {
      const dir = entryDirectory(market, entry)
      if (dir !== undefined && (await isDirectory(dir))) root = dir
      else if (dir !== undefined) {
        sink.error(
          market.file,
          `plugin "${name}": its source ${dir} does not exist; plugin ${id} not loaded`,
          {
            plugin: name,
          },
        )
        continue
      } else {
        sink.error(
          enablement.file,
          `plugin ${id} is enabled but not installed: its source is ${describeSource(entry.source)}, which this runtime does not fetch; run \`claude plugin install ${id}\` (Claude Code puts it in ~/.claude/plugins/cache/, where it is found)`,
          { plugin: name },
        )
        continue
      }
    } else if (installPath !== undefined) {
      sink.error(
        enablement.file,
        `plugin ${id} is recorded as installed at ${installPath}, which does not exist; reinstall it (\`claude plugin install ${id}\`)`,
        { plugin: name },
      )
      continue
    } else if (market) {
      sink.error(
        enablement.file,
        `plugin ${id} is enabled, but marketplace ${market.file} has no plugin "${name}"`,
        {
          plugin: name,
        },
      )
      continue
    } else {
      sink.error(
        enablement.file,
        `plugin ${id} is enabled, but neither ~/.claude/plugins/installed_plugins.json nor a known marketplace "${marketplaceName}" provides it; add the marketplace (extraKnownMarketplaces: {"${marketplaceName}": {"source": {"source": "directory", "path": "..."}}}) or install the plugin with Claude Code`,
        { plugin: name },
      )
      continue
    }
    if (root === undefined) continue
    out.push({
      id,
      root: resolve(root),
      ...(entryInfo ? { entry: entryInfo } : {}),
      enabledBy: enablement.file,
      project: enablement.project,
    })
  }
  return out
}

/** The directory (or marketplace.json file) a declared local marketplace lives in. */
function declaredLocation(declared: MarketplaceDeclaration): string | undefined {
  const source = declared.source
  const kind = source.source
  if ((kind === 'directory' || kind === 'file') && typeof source.path === 'string') {
    return resolve(declared.base, source.path)
  }
  return undefined
}

/** `installed_plugins.json`: id → install path (version 2 lists installs per scope; version 1 one per id). */
async function readInstalled(file: string, cwd: string, sink: DiagnosticSink): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const json = await readJsonFile(file, sink)
  if (!json) return out
  const checked = validateWith(InstalledPluginsSchema, json.value, json.text)
  if (!checked.ok) {
    sink.error(file, `${checked.reason}; installed plugins not read`, { line: checked.line })
    return out
  }
  for (const [id, value] of Object.entries(checked.value.plugins)) {
    const installs = Array.isArray(value) ? value : [value]
    // A project- or local-scope install counts only in its project; it beats a user install there.
    const here = installs.find(
      (i) =>
        (i.scope === 'project' || i.scope === 'local') &&
        i.projectPath !== undefined &&
        resolve(i.projectPath) === cwd,
    )
    const user = installs.find((i) => i.scope === undefined || i.scope === 'user' || i.scope === 'managed')
    const chosen = here ?? user
    if (chosen) out.set(id, chosen.installPath)
  }
  return out
}

/** `known_marketplaces.json`: name → installLocation. */
async function readKnown(file: string, sink: DiagnosticSink): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const json = await readJsonFile(file, sink)
  if (!json) return out
  const checked = validateWith(KnownMarketplacesSchema, json.value, json.text)
  if (!checked.ok) {
    sink.error(file, `${checked.reason}; known marketplaces not read`, { line: checked.line })
    return out
  }
  for (const [name, value] of Object.entries(checked.value)) {
    if (value.installLocation !== undefined) out.set(name, value.installLocation)
  }
  return out
}
