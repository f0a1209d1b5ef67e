// One plugin directory in Claude Code's layout: `.claude-plugin/plugin.json` (only `name`
// required), `commands/`, `agents/`, `skills/<name>/SKILL.md`, `hooks/hooks.json`, `.mcp.json`,
// plus any extra paths or inline config the manifest names.
import { basename, join, resolve } from 'node:path'
import type { DiagnosticSink } from './diagnostics.js'
import { isDirectory, isFile, readOptional, subdirectories, walkFiles } from './files.js'
import { type HookRegistration, registrationsFromConfig } from './hook-config.js'
import { parseJsonText, validateWith } from './located.js'
import {
  type AgentDefinition,
  loadAgentFile,
  loadCommandFile,
  loadSkillFile,
  type Skill,
  type SlashCommand,
} from './markdown-components.js'
import type { ComponentOrigin } from './origin.js'
import {
  type MarketplaceEntry,
  type PluginManifest,
  PluginManifestSchema,
  PluginNameSchema,
} from './schemas.js'
import { type McpServerEntry, mcpEntriesFrom, readHooksFile, readMcpFile } from './settings-files.js'
import { loadTextParsers } from './text-parsers.js'

/** What `agent plugins list` shows about a plugin that loaded. */
export interface PluginInfo {
  name: string
  /** `name@marketplace` for a plugin enabled in settings (from a marketplace or Claude Code's cache). */
  id?: string
  version?: string
  description?: string
  root: string
  commands: number
  agents: number
  skills: number
  hooks: number
  mcpServers: number
}

export interface ComponentSet {
  commands: SlashCommand[]
  agents: AgentDefinition[]
  skills: Skill[]
  hooks: HookRegistration[]
  mcpServers: McpServerEntry[]
  /** Files whose change should reload hooks (existing or not). */
  hookFiles: string[]
}

export const emptyComponentSet = (): ComponentSet => ({
  commands: [],
  agents: [],
  skills: [],
  hooks: [],
  mcpServers: [],
  hookFiles: [],
})

export const manifestPath = (dir: string) => join(dir, '.claude-plugin', 'plugin.json')

/** Commands, agents and skills under a root laid out as `commands/`, `agents/`, `skills/`. */
export async function loadMarkdownLayout(
  root: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
  into: ComponentSet,
  dirs: { commands?: string[]; agents?: string[]; skills?: string[] } = {},
): Promise<void> {
  const md = (name: string) => name.endsWith('.md')
  const all = async <T>(
    dirs: string[],
    list: (dir: string) => Promise<string[]>,
    load: (file: string) => Promise<T | undefined>,
  ) => {
    // A manifest path inside a default directory must not load its files twice.
    const files = [...new Set((await Promise.all(dirs.map(list))).flat())]
    // Loaded concurrently, kept in file order so the merge order stays deterministic.
    const loaded: (T | undefined)[] = await Promise.all(files.map(load))
    return loaded.filter((x): x is T => x !== undefined)
  }
  const [commands, agents, skills] = await Promise.all([
    all(
      [join(root, 'commands'), ...(dirs.commands ?? [])],
      (d) => filesOrFile(d, md),
      (f) => loadCommandFile(f, origin, sink),
    ),
    all(
      [join(root, 'agents'), ...(dirs.agents ?? [])],
      (d) => filesOrFile(d, md),
      (f) => loadAgentFile(f, origin, sink),
    ),
    all(
      [join(root, 'skills'), ...(dirs.skills ?? [])],
      async (d) => ((await isFile(d)) ? [d] : walkFiles(d, (name) => name === 'SKILL.md', 1)),
      (f) => loadSkillFile(f, origin, sink),
    ),
  ])
  into.commands.push(...commands)
  into.agents.push(...agents)
  into.skills.push(...skills)
}

async function filesOrFile(path: string, accept: (name: string) => boolean): Promise<string[]> {
  if (await isFile(path)) return [path]
  return walkFiles(path, accept)
}

/** How a plugin directory was found, for the ones a marketplace lists. */
export interface PluginDirOptions {
  /** `name@marketplace`. */
  id?: string
  /** The marketplace's entry: with `strict: false` it is the manifest; otherwise it adds to plugin.json. */
  entry?: { value: MarketplaceEntry; file: string; text: string }
}

const COMPONENT_FIELDS = ['commands', 'agents', 'skills', 'hooks', 'mcpServers'] as const
const DEFAULT_COMPONENT_PATHS = ['commands', 'agents', 'skills', join('hooks', 'hooks.json'), '.mcp.json']

/** Whether a directory without manifest still holds plugin components where Claude Code looks. */
export async function hasDefaultComponents(dir: string): Promise<boolean> {
  for (const path of DEFAULT_COMPONENT_PATHS) {
    const full = join(dir, path)
    if ((await isDirectory(full)) || (await isFile(full))) return true
  }
  return false
}

/**
 * The manifest to load a plugin with: plugin.json, the marketplace entry (`strict: false`), both
 * merged (the default), or (no manifest at all, as Claude Code allows) the directory's name.
 * Undefined, with a diagnostic, when none works.
 */
async function resolveManifest(
  root: string,
  sink: DiagnosticSink,
  options: PluginDirOptions,
): Promise<{ manifest: PluginManifest; file: string; text: string } | undefined> {
  const file = manifestPath(root)
  const text = await readOptional(file).catch((error: Error) => {
    sink.error(file, `cannot read: ${error.message}`)
    return null
  })
  if (text === null) return undefined
  await loadTextParsers()
  const entry = options.entry
  let fromFile: PluginManifest | undefined
  if (text !== undefined) {
    const parsed = parseJsonText(text)
    if (!parsed.ok) {
      sink.error(file, `${parsed.reason}; plugin skipped`, { line: parsed.line, plugin: basename(root) })
      return undefined
    }
    const checked = validateWith(PluginManifestSchema, parsed.value, text)
    if (!checked.ok) {
      sink.error(file, `${checked.reason}; plugin skipped`, { line: checked.line, plugin: basename(root) })
      return undefined
    }
    fromFile = checked.value
  }
  if (entry) {
    const { source: _source, strict, ...fields } = entry.value
    const declaredInFile = fromFile ? COMPONENT_FIELDS.filter((f) => fromFile?.[f] !== undefined) : []
    if (strict === false) {
      // The entry is the whole definition; components declared in both places conflict.
      if (declaredInFile.length > 0) {
        sink.error(
          file,
          `the marketplace entry of "${entry.value.name}" in ${entry.file} has "strict": false, but plugin.json also declares ${declaredInFile.join(', ')}; declare components in one place only (Claude Code refuses this plugin too); plugin skipped`,
          { plugin: entry.value.name },
        )
        return undefined
      }
      return { manifest: fields as PluginManifest, file: entry.file, text: entry.text }
    }
    if (!fromFile) return { manifest: fields as PluginManifest, file: entry.file, text: entry.text }
    // strict (the default): plugin.json rules; the entry's component paths add to its own.
    const merged: PluginManifest = { ...fromFile }
    for (const field of ['commands', 'agents', 'skills'] as const) {
      const extra = fields[field]
      if (extra === undefined) continue
      const own = fromFile[field]
      const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])
      merged[field] = [...list(own), ...list(extra)]
    }
    for (const field of ['hooks', 'mcpServers'] as const) {
      if (merged[field] === undefined && fields[field] !== undefined) merged[field] = fields[field]
    }
    return { manifest: merged, file, text: text ?? '' }
  }
  if (fromFile && text !== undefined) return { manifest: fromFile, file, text }
  if (await hasDefaultComponents(root)) {
    sink.warning(
      file,
      `${root} has no .claude-plugin/plugin.json; loaded as plugin "${basename(root)}" from its default directories, as Claude Code does (add {"name": "..."} there to name it)`,
      { plugin: basename(root) },
    )
    const name = PluginNameSchema.safeParse(basename(root))
    if (!name.success) {
      sink.error(
        file,
        `the directory name "${basename(root)}" is not a valid plugin name; add a plugin.json with a "name"`,
      )
      return undefined
    }
    return { manifest: { name: name.data }, file, text: '' }
  }
  sink.error(
    file,
    `not a plugin: ${root} has no .claude-plugin/plugin.json (it needs at least {"name": "..."}) and none of commands/, agents/, skills/, hooks/hooks.json, .mcp.json`,
  )
  return undefined
}

/** Loads one plugin; undefined (with a diagnostic) when its manifest is missing or invalid. */
export async function loadPluginDir(
  dir: string,
  sink: DiagnosticSink,
  options: PluginDirOptions = {},
): Promise<{ info: PluginInfo; components: ComponentSet } | undefined> {
  const root = resolve(dir)
  const resolved = await resolveManifest(root, sink, options)
  if (!resolved) return undefined
  const { manifest, file, text } = resolved
  const origin: ComponentOrigin = { scope: 'plugin', file, plugin: manifest.name, pluginRoot: root }
  const components = emptyComponentSet()
  const paths = (value: string | string[] | undefined) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((p) => resolve(root, p))

  const existing = async (field: 'commands' | 'agents' | 'skills') => {
    const out: string[] = []
    for (const path of paths(manifest[field])) {
      if ((await isFile(path)) || (await isDirectory(path))) out.push(path)
      else
        sink.error(file, `${field}: ${path} does not exist`, {
          line: lineOf(text, `"${field}"`),
          plugin: manifest.name,
        })
    }
    return out
  }
  await loadMarkdownLayout(root, origin, sink, components, {
    commands: await existing('commands'),
    agents: await existing('agents'),
    skills: await existing('skills'),
  })

  // Hooks: the default file, then manifest paths or inline config.
  const defaultHooks = join(root, 'hooks', 'hooks.json')
  components.hookFiles.push(defaultHooks, file)
  components.hooks.push(...(await readHooksFile(defaultHooks, origin, sink)))
  if (typeof manifest.hooks === 'string' || Array.isArray(manifest.hooks)) {
    for (const path of paths(manifest.hooks)) {
      if (path === defaultHooks) continue
      components.hookFiles.push(path)
      if (!(await isFile(path))) {
        sink.error(file, `hooks: ${path} does not exist`, {
          line: lineOf(text, '"hooks"'),
          plugin: manifest.name,
        })
        continue
      }
      components.hooks.push(...(await readHooksFile(path, origin, sink)))
    }
  } else if (manifest.hooks !== undefined) {
    const inline = manifest.hooks
    const [map, at] = 'hooks' in inline ? [inline.hooks, ['hooks', 'hooks']] : [inline, ['hooks']]
    components.hooks.push(...registrationsFromConfig(map, origin, sink, text, at))
  }

  // MCP servers: `.mcp.json`, then manifest paths or inline config.
  components.mcpServers.push(...(await readMcpFile(join(root, '.mcp.json'), origin, sink)))
  if (typeof manifest.mcpServers === 'string' || Array.isArray(manifest.mcpServers)) {
    for (const path of paths(manifest.mcpServers)) {
      if (path === join(root, '.mcp.json')) continue
      if (!(await isFile(path))) {
        sink.error(file, `mcpServers: ${path} does not exist`, {
          line: lineOf(text, '"mcpServers"'),
          plugin: manifest.name,
        })
        continue
      }
      components.mcpServers.push(...(await readMcpFile(path, origin, sink)))
    }
  } else if (manifest.mcpServers !== undefined) {
    const inline = manifest.mcpServers
    const value = 'mcpServers' in inline ? inline : { mcpServers: inline }
    const at = 'mcpServers' in inline ? ['mcpServers'] : []
    components.mcpServers.push(...mcpEntriesFrom(value, origin, sink, text, at))
  }

  const info: PluginInfo = {
    name: manifest.name,
    ...(options.id !== undefined ? { id: options.id } : {}),
    ...(manifest.version !== undefined ? { version: manifest.version } : {}),
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    root,
    commands: components.commands.length,
    agents: components.agents.length,
    skills: components.skills.length,
    hooks: components.hooks.length,
    mcpServers: components.mcpServers.length,
  }
  return { info, components }
}

/**
 * Plugin directories: `dir` itself when it is a plugin, else its subdirectories that are. A
 * subdirectory without manifest is taken when it has components where Claude Code looks (it
 * loads such plugins by their directory name; `loadPluginDir` warns); one with neither is
 * reported, not silently passed over.
 */
export async function findPluginDirs(dir: string, sink?: DiagnosticSink): Promise<string[]> {
  if (await isFile(manifestPath(dir))) return [resolve(dir)]
  if (!(await isDirectory(dir))) return []
  const subs = await subdirectories(dir)
  const out: string[] = []
  const bare: string[] = []
  for (const sub of subs) {
    if (await isFile(manifestPath(sub))) out.push(sub)
    else if (await hasDefaultComponents(sub)) bare.push(sub)
    else
      sink?.warning(
        sub,
        'not loaded as a plugin: no .claude-plugin/plugin.json and no commands/, agents/, skills/, hooks/hooks.json or .mcp.json in it',
      )
  }
  // The directory itself as a manifest-less plugin, when nothing below it is one.
  if (out.length === 0 && bare.length === 0 && (await hasDefaultComponents(dir))) return [resolve(dir)]
  return [...out, ...bare]
}

function lineOf(text: string, needle: string): number | undefined {
  const index = text.indexOf(needle)
  if (index === -1) return undefined
  return text.slice(0, index).split('\n').length
}
