// One plugin directory in Claude Code's layout: `.claude-plugin/plugin.json` (only `name`
// required), `commands/`, `agents/`, `skills/<name>/SKILL.md`, `hooks/hooks.json`, `.mcp.json`,
// plus any extra paths or inline config the manifest names.
import { readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { DiagnosticSink } from './diagnostics.js'
import { isDirectory, isFile, subdirectories, walkFiles } from './files.js'
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
import { PluginManifestSchema } from './schemas.js'
import { type McpServerEntry, mcpEntriesFrom, readHooksFile, readMcpFile } from './settings-files.js'
import { loadTextParsers } from './text-parsers.js'

/** What `agent plugins list` shows about a plugin that loaded. */
export interface PluginInfo {
  name: string
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

/** Loads one plugin; undefined (with a diagnostic) when its manifest is missing or invalid. */
export async function loadPluginDir(
  dir: string,
  sink: DiagnosticSink,
): Promise<{ info: PluginInfo; components: ComponentSet } | undefined> {
  const root = resolve(dir)
  const file = manifestPath(root)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    sink.error(
      file,
      `not a plugin: ${root} has no .claude-plugin/plugin.json (it needs at least {"name": "..."})`,
    )
    return undefined
  }
  await loadTextParsers()
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
  const manifest = checked.value
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

/** Plugin directories: `dir` itself when it is a plugin, else its subdirectories that are. */
export async function findPluginDirs(dir: string): Promise<string[]> {
  if (await isFile(manifestPath(dir))) return [resolve(dir)]
  if (!(await isDirectory(dir))) return []
  const out: string[] = []
  for (const sub of await subdirectories(dir)) {
    if (await isFile(manifestPath(sub))) out.push(sub)
  }
  return out
}

function lineOf(text: string, needle: string): number | undefined {
  const index = text.indexOf(needle)
  if (index === -1) return undefined
  return text.slice(0, index).split('\n').length
}
