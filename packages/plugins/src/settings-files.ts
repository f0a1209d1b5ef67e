// Claude-format JSON files of a source: settings (hooks, permissions), hooks files and
// `.mcp.json`. Each is parsed strictly and validated; problems are reported with their line.
import type { DiagnosticSink } from './diagnostics.js'
import { readOptional } from './files.js'
import { type HookRegistration, registrationsFromConfig } from './hook-config.js'
import { parseJsonText, validateWith } from './located.js'
import { type ComponentOrigin, substituteInJson } from './origin.js'
import { McpFileSchema, SettingsSchema } from './schemas.js'
import { loadTextParsers } from './text-parsers.js'

/** A settings file's raw `permissions`, for `@agent/policy` (which owns the rule syntax). */
export interface PermissionsEntry {
  origin: ComponentOrigin
  permissions: Record<string, unknown>
}

/** One MCP server's raw config, for `@agent/mcp` (which owns the server config syntax). */
export interface McpServerEntry {
  /** The server's name; `plugin:name` for a plugin's server. */
  name: string
  config: Record<string, unknown>
  origin: ComponentOrigin
}

async function readJson(file: string, origin: ComponentOrigin, sink: DiagnosticSink) {
  let text: string | undefined
  try {
    text = await readOptional(file)
  } catch (error) {
    sink.error(file, `cannot read: ${(error as Error).message}`, { plugin: origin.plugin })
    return undefined
  }
  if (text === undefined) return undefined
  await loadTextParsers()
  const parsed = parseJsonText(text)
  if (!parsed.ok) {
    sink.error(file, `${parsed.reason}; file skipped`, { line: parsed.line, plugin: origin.plugin })
    return undefined
  }
  return { text, value: parsed.value }
}

export interface SettingsFileContent {
  hooks: HookRegistration[]
  permissions?: PermissionsEntry
  disableAllHooks?: boolean
  enabledPlugins?: Record<string, unknown>
  extraKnownMarketplaces?: Record<string, { source: Record<string, unknown> }>
}

/** `settings.json` / `settings.local.json`: hooks and permissions; a missing file is empty. */
export async function readSettingsFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
): Promise<SettingsFileContent> {
  const json = await readJson(file, origin, sink)
  if (!json) return { hooks: [] }
  if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) {
    sink.error(file, 'settings must be a JSON object; file skipped', { line: 1, plugin: origin.plugin })
    return { hooks: [] }
  }
  // Validate the rest apart from hooks so a bad hook does not hide good permissions.
  const { hooks: rawHooks, ...rest } = json.value as Record<string, unknown>
  const checked = validateWith(SettingsSchema, rest, json.text)
  if (!checked.ok) {
    sink.error(file, `${checked.reason}; file skipped`, { line: checked.line, plugin: origin.plugin })
    return { hooks: [] }
  }
  const withOrigin = { ...origin, file }
  const hooks =
    rawHooks === undefined ? [] : registrationsFromConfig(rawHooks, withOrigin, sink, json.text, ['hooks'])
  return {
    hooks,
    ...(checked.value.permissions
      ? { permissions: { origin: withOrigin, permissions: checked.value.permissions } }
      : {}),
    ...(checked.value.disableAllHooks !== undefined
      ? { disableAllHooks: checked.value.disableAllHooks }
      : {}),
    ...(checked.value.enabledPlugins ? { enabledPlugins: checked.value.enabledPlugins } : {}),
    ...(checked.value.extraKnownMarketplaces
      ? { extraKnownMarketplaces: checked.value.extraKnownMarketplaces }
      : {}),
  }
}

/** A hooks file (`hooks/hooks.json`): `{description?, hooks: {...}}`. */
export async function readHooksFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
): Promise<HookRegistration[]> {
  const json = await readJson(file, origin, sink)
  if (!json) return []
  const value = json.value as { hooks?: unknown } | null
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.hooks === undefined) {
    sink.error(
      file,
      'a hooks file must be an object with a "hooks" field: {"hooks": {"PreToolUse": [...]}}',
      {
        line: 1,
        plugin: origin.plugin,
      },
    )
    return []
  }
  return registrationsFromConfig(value.hooks, { ...origin, file }, sink, json.text, ['hooks'])
}

/** An `.mcp.json`-style file: `{"mcpServers": {name: config}}`, plugin root substituted. */
export async function readMcpFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
  options: {
    /** For files that hold much else (`~/.claude.json`): no `mcpServers` is not an error. */
    optional?: boolean
    /** Where the `{"mcpServers": ...}` object sits in the file (`["projects", "/repo"]`). */
    at?: string[]
  } = {},
): Promise<McpServerEntry[]> {
  const json = await readJson(file, origin, sink)
  if (!json) return []
  let value: unknown = json.value
  for (const key of options.at ?? []) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
  }
  const holder = value as { mcpServers?: unknown } | null | undefined
  if (
    options.optional &&
    (typeof holder !== 'object' || holder === null || holder.mcpServers === undefined)
  ) {
    return []
  }
  return mcpEntriesFrom(value, { ...origin, file }, sink, json.text, options.at ?? [])
}

/** Entries from an `{"mcpServers": {...}}` value (also used for inline plugin.json config). */
export function mcpEntriesFrom(
  value: unknown,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
  text: string,
  path: (string | number)[] = [],
): McpServerEntry[] {
  const checked = validateWith(McpFileSchema, value, text, { path })
  if (!checked.ok) {
    sink.error(origin.file, `MCP servers skipped: ${checked.reason}`, {
      line: checked.line,
      plugin: origin.plugin,
    })
    return []
  }
  return Object.entries(checked.value.mcpServers).map(([name, config]) => ({
    name: origin.plugin === undefined ? name : `${origin.plugin}:${name}`,
    config: substituteInJson(config, origin.pluginRoot) as Record<string, unknown>,
    origin,
  }))
}
