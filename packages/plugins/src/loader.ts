// `loadPlugins`: every source of commands, subagents, skills, hooks, MCP servers and
// permissions, merged in one documented order. Pure data out; nothing is started or run.
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { DiagnosticSink, type PluginDiagnostic } from './diagnostics.js'
import type { HookRegistration } from './hook-config.js'
import { type Enablement, type MarketplaceDeclaration, resolveEnabledPlugins } from './installed.js'
import type { AgentDefinition, Skill, SlashCommand } from './markdown-components.js'
import type { ComponentOrigin, SourceScope } from './origin.js'
import {
  type ComponentSet,
  emptyComponentSet,
  findPluginDirs,
  loadMarkdownLayout,
  loadPluginDir,
  type PluginDirOptions,
  type PluginInfo,
} from './plugin-dir.js'
import { type SkippedProjectSetting, withoutCodeOrWidening } from './project-trust.js'
import {
  type McpServerEntry,
  type PermissionsEntry,
  readMcpFile,
  readSettingsFile,
} from './settings-files.js'

export interface LoadPluginsOptions {
  /** The project directory: `.agent/`, `.claude/` and `.mcp.json` are looked up here. */
  cwd: string
  /** Our user directory (`$AGENT_HOME`, by default `~/.agent`). Omit to skip it. */
  agentHome?: string
  /** The user's home, for `~/.claude/` and `~/.claude.json`. Defaults to `os.homedir()`; `null` skips them. */
  home?: string | null
  /**
   * Plugins to load for this run (`agent --plugin-dir DIR`): each a plugin directory, or a
   * directory of plugin directories. `$AGENT_HOME/plugins/` is always searched too.
   */
  pluginDirs?: string[]
  /**
   * Whether the project's own files (`<cwd>/.claude/`, `<cwd>/.agent/`, `<cwd>/.mcp.json`) may run
   * code or widen permissions (default `'trusted'`: the caller decides, see the CLI's trust.ts).
   * `'untrusted'` leaves out their hooks, MCP servers and `permissions.allow` rules (listed in
   * `untrustedSkipped`); their commands, subagents and skills, which are text, still load.
   */
  projectTrust?: 'trusted' | 'untrusted'
}

export interface LoadedPlugins {
  plugins: PluginInfo[]
  commands: SlashCommand[]
  agents: AgentDefinition[]
  skills: Skill[]
  hooks: HookRegistration[]
  /** Files that define hooks (or would, when created): watch these to reload hooks. */
  hookFiles: string[]
  /** Raw MCP server configs, for `@agent/mcp`; later sources have replaced earlier same names. */
  mcpServers: McpServerEntry[]
  /** Raw `permissions` blocks, lowest precedence first, for `@agent/policy`. */
  permissions: PermissionsEntry[]
  /** With `projectTrust: 'untrusted'`: what the project's files set that was left out. */
  untrustedSkipped: SkippedProjectSetting[]
  diagnostics: PluginDiagnostic[]
}

interface Source {
  scope: SourceScope
  /** Directory with `commands/`, `agents/`, `skills/`, `settings.json`... */
  root: string
  settings: string[]
  mcp: { file: string; optional?: boolean; at?: string[]; userOwned?: boolean }[]
  /** A folder of the project (not the user's own), subject to `projectTrust`. */
  project?: boolean
}

/** The non-plugin sources, lowest precedence first. */
function sources(options: LoadPluginsOptions): Source[] {
  const cwd = resolve(options.cwd)
  const home = options.home === undefined ? homedir() : options.home
  const out: Source[] = []
  if (home !== null) {
    const claude = join(home, '.claude')
    out.push({
      scope: 'user-claude',
      root: claude,
      settings: [join(claude, 'settings.json')],
      mcp: [{ file: join(home, '.claude.json'), optional: true }],
    })
  }
  if (options.agentHome !== undefined) {
    const agentHome = resolve(options.agentHome)
    out.push({
      scope: 'user',
      root: agentHome,
      settings: [join(agentHome, 'settings.json')],
      mcp: [{ file: join(agentHome, '.mcp.json') }],
    })
  }
  const projectClaude = join(cwd, '.claude')
  // In the home directory, `<cwd>/.claude` is the user's own folder, not a project's.
  const ownFolders = new Set(out.map((source) => source.root))
  out.push({
    project: !ownFolders.has(projectClaude),
    scope: 'project-claude',
    root: projectClaude,
    settings: [join(projectClaude, 'settings.json'), join(projectClaude, 'settings.local.json')],
    mcp: [
      { file: join(cwd, '.mcp.json') },
      // Claude Code's "local" scope: servers added for this project only, kept in ~/.claude.json.
      ...(home !== null
        ? [{ file: join(home, '.claude.json'), optional: true, at: ['projects', cwd], userOwned: true }]
        : []),
    ],
  })
  const project = join(cwd, '.agent')
  out.push({
    project: !ownFolders.has(project),
    scope: 'project',
    root: project,
    settings: [join(project, 'settings.json'), join(project, 'settings.local.json')],
    mcp: [{ file: join(project, '.mcp.json') }],
  })
  return out
}

/**
 * Loads everything, in this order (a later source replaces an earlier one's component of the
 * same name; hooks and permissions accumulate): plugins, `~/.claude/`, `$AGENT_HOME/`,
 * `<cwd>/.claude/`, `<cwd>/.agent/`. Never throws for bad files: see `diagnostics`.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<LoadedPlugins> {
  const sink = new DiagnosticSink()
  const all = emptyComponentSet()
  const plugins: PluginInfo[] = []
  const permissions: PermissionsEntry[] = []
  let hooksDisabledBy: string | undefined

  // Every source is read at once (a start should not wait for ~20 file checks one after
  // another), then merged in the documented order, which decides what wins. Settings come
  // first because their `enabledPlugins` say which installed plugins to load.
  const allSources = sources(options)
  const loadedSources = await Promise.all(allSources.map((source) => loadSource(source, sink)))
  const cwd = resolve(options.cwd)
  const home = options.home === undefined ? homedir() : options.home
  const untrusted = options.projectTrust === 'untrusted'
  const enabled = new Map<string, Enablement>()
  const userEnabled = new Set<string>()
  const marketplaces = new Map<string, MarketplaceDeclaration>()
  for (const [index, loaded] of loadedSources.entries()) {
    const source = allSources[index] as Source
    const base = dirname(source.root)
    for (const settings of loaded.settings) {
      for (const [id, value] of Object.entries(settings.enabledPlugins ?? {})) {
        enabled.set(id, {
          enabled: value === true,
          file: settings.file,
          project: source.project === true,
          base,
        })
        if (value === true && !source.project) userEnabled.add(id)
      }
      for (const [name, declared] of Object.entries(settings.extraKnownMarketplaces ?? {})) {
        marketplaces.set(name, { source: declared.source, file: settings.file, base })
      }
    }
  }
  const fromMarketplaces = await resolveEnabledPlugins({ cwd, home, enabled, marketplaces }, sink)

  const pluginRoots = new Map<string, PluginDirOptions & { codeAllowed: boolean; enabledBy?: string }>()
  const searchDirs = [
    ...(options.agentHome !== undefined ? [join(resolve(options.agentHome), 'plugins')] : []),
    ...(options.pluginDirs ?? []),
  ]
  for (const dir of searchDirs) {
    const explicit = options.pluginDirs?.includes(dir) ?? false
    const found = await findPluginDirs(dir, explicit ? sink : undefined)
    if (found.length === 0 && explicit) {
      sink.error(
        resolve(dir),
        'no plugin here: expected .claude-plugin/plugin.json in it or in its subdirectories',
      )
    }
    for (const root of found) pluginRoots.set(root, { codeAllowed: true })
  }
  for (const plugin of fromMarketplaces) {
    if (pluginRoots.has(plugin.root)) continue
    pluginRoots.set(plugin.root, {
      id: plugin.id,
      ...(plugin.entry ? { entry: plugin.entry } : {}),
      // Hooks and MCP servers run code: a plugin only an untrusted project enabled gets neither.
      codeAllowed: !(untrusted && plugin.project && !userEnabled.has(plugin.id)),
      enabledBy: plugin.enabledBy,
    })
  }
  const seenPlugins = new Map<string, string>()
  const untrustedSkipped: SkippedProjectSetting[] = []
  const roots = [...pluginRoots]
  const loadedPlugins = await Promise.all(roots.map(([root, how]) => loadPluginDir(root, sink, how)))
  for (const [index, loaded] of loadedPlugins.entries()) {
    const [root, how] = roots[index] as (typeof roots)[number]
    if (!loaded) continue
    const previous = seenPlugins.get(loaded.info.name)
    if (previous !== undefined) {
      sink.error(
        root,
        `plugin "${loaded.info.name}" is already loaded from ${previous}; this copy is skipped`,
        {
          plugin: loaded.info.name,
        },
      )
      continue
    }
    seenPlugins.set(loaded.info.name, root)
    if (!how.codeAllowed) {
      const { hooks, mcpServers } = loaded.components
      const file = how.enabledBy ?? root
      if (hooks.length > 0)
        untrustedSkipped.push({
          kind: 'hooks',
          file,
          names: [...new Set(hooks.map((h) => `${h.event} (plugin ${loaded.info.name})`))],
        })
      if (mcpServers.length > 0)
        untrustedSkipped.push({ kind: 'mcp_servers', file, names: mcpServers.map((m) => m.name) })
      loaded.components.hooks = []
      loaded.components.mcpServers = []
      loaded.info.hooks = 0
      loaded.info.mcpServers = 0
    }
    plugins.push(loaded.info)
    append(all, loaded.components)
  }

  for (const [index, loaded] of loadedSources.entries()) {
    const source = allSources[index] as Source
    if (source.project && untrusted) {
      const userOwned = new Set(source.mcp.filter((m) => m.userOwned).map((m) => m.file))
      untrustedSkipped.push(...withoutCodeOrWidening(loaded, userOwned))
    }
    for (const settings of loaded.settings) {
      if (settings.permissions) permissions.push(settings.permissions)
      if (settings.disableAllHooks === true) hooksDisabledBy = settings.file
      if (settings.disableAllHooks === false) hooksDisabledBy = undefined
    }
    append(all, loaded.set)
  }

  if (hooksDisabledBy !== undefined && all.hooks.length > 0) {
    sink.warning(
      hooksDisabledBy,
      `"disableAllHooks": true: ${all.hooks.length} configured hook(s) will not run`,
    )
  }
  return {
    plugins,
    commands: lastWins(all.commands, 'command', sink),
    agents: lastWins(all.agents, 'subagent', sink),
    skills: lastWins(all.skills, 'skill', sink),
    hooks: hooksDisabledBy === undefined ? all.hooks : [],
    hookFiles: [...new Set(all.hookFiles)],
    mcpServers: lastWins(all.mcpServers, 'MCP server', sink),
    permissions,
    untrustedSkipped,
    // Files load concurrently; sorting keeps the report stable from run to run.
    diagnostics: [...sink.items].sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0),
    ),
  }
}

/** One source's markdown components, settings files (in order) and MCP files, read concurrently. */
async function loadSource(source: Source, sink: DiagnosticSink) {
  const origin: ComponentOrigin = { scope: source.scope, file: source.root }
  const set = emptyComponentSet()
  const [, settingsFiles, mcpFiles] = await Promise.all([
    loadMarkdownLayout(source.root, origin, sink, set),
    Promise.all(
      source.settings.map(async (file) => ({
        file,
        ...(await readSettingsFile(file, { scope: source.scope, file }, sink)),
      })),
    ),
    Promise.all(
      source.mcp.map((mcp) =>
        readMcpFile(mcp.file, { scope: source.scope, file: mcp.file }, sink, {
          ...(mcp.optional !== undefined ? { optional: mcp.optional } : {}),
          ...(mcp.at !== undefined ? { at: mcp.at } : {}),
        }),
      ),
    ),
  ])
  for (const settings of settingsFiles) {
    set.hookFiles.push(settings.file)
    set.hooks.push(...settings.hooks)
  }
  for (const servers of mcpFiles) set.mcpServers.push(...servers)
  return { set, settings: settingsFiles }
}

function append(into: ComponentSet, from: ComponentSet): void {
  into.commands.push(...from.commands)
  into.agents.push(...from.agents)
  into.skills.push(...from.skills)
  into.hooks.push(...from.hooks)
  into.mcpServers.push(...from.mcpServers)
  into.hookFiles.push(...from.hookFiles)
}

/** Keeps the last of each name, in first-seen order, and says what was shadowed. */
function lastWins<T extends { name: string; origin: ComponentOrigin }>(
  items: T[],
  kind: string,
  sink: DiagnosticSink,
): T[] {
  const byName = new Map<string, T>()
  for (const item of items) {
    const previous = byName.get(item.name)
    if (previous) {
      sink.warning(item.origin.file, `${kind} "${item.name}" replaces the one from ${previous.origin.file}`)
      byName.delete(item.name)
    }
    byName.set(item.name, item)
  }
  return [...byName.values()]
}
