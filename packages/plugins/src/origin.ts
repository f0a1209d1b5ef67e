// Where a loaded component came from: which source of the merge order, which file, which plugin.

/** The sources, lowest precedence first (see README "Sources and merge order"). */
export type SourceScope = 'plugin' | 'user-claude' | 'user' | 'project-claude' | 'project'

export interface ComponentOrigin {
  scope: SourceScope
  /** Absolute path of the file that defined the component. */
  file: string
  /** The plugin's name, for plugin components (their names are `plugin:name`). */
  plugin?: string
  /** The plugin's directory, substituted for `${CLAUDE_PLUGIN_ROOT}` / `${AGENT_PLUGIN_ROOT}`. */
  pluginRoot?: string
}

/** Replaces `${CLAUDE_PLUGIN_ROOT}` and `${AGENT_PLUGIN_ROOT}` with the plugin's directory. */
export function substitutePluginRoot(text: string, pluginRoot: string | undefined): string {
  if (pluginRoot === undefined) return text
  return text.replace(/\$\{(?:CLAUDE|AGENT)_PLUGIN_ROOT\}/g, () => pluginRoot)
}

/** Applies `substitutePluginRoot` to every string inside a JSON value. */
export function substituteInJson(value: unknown, pluginRoot: string | undefined): unknown {
  if (pluginRoot === undefined) return value
  if (typeof value === 'string') return substitutePluginRoot(value, pluginRoot)
  if (Array.isArray(value)) return value.map((v) => substituteInJson(v, pluginRoot))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteInJson(v, pluginRoot)]))
  }
  return value
}

/** `plugin:name` for plugin components, the bare name otherwise. */
export function qualifiedName(name: string, plugin: string | undefined): string {
  return plugin === undefined ? name : `${plugin}:${name}`
}
