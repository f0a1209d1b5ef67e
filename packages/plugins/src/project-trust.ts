// What an untrusted project may not contribute: anything that runs code (hooks, MCP servers) or
// widens what the agent may do (`permissions.allow`). Deny and ask rules narrow, so they stay;
// commands, subagents and skills are text and stay too.
import type { ComponentSet } from './plugin-dir.js'
import type { SettingsFileContent } from './settings-files.js'

/** One kind of setting a project file had that was left out, for the message that says so. */
export interface SkippedProjectSetting {
  kind: 'hooks' | 'mcp_servers' | 'permissions.allow'
  /** The file it is written in. */
  file: string
  /** Hook events, server names, or the allow rules as written. */
  names: string[]
}

/**
 * Removes, in place, the hooks, MCP servers (except those of `userOwnedMcpFiles`, which the user
 * wrote for this project in their own files) and allow rules of one project source, and says
 * what it removed.
 */
export function withoutCodeOrWidening(
  loaded: { set: ComponentSet; settings: (SettingsFileContent & { file: string })[] },
  userOwnedMcpFiles: ReadonlySet<string>,
): SkippedProjectSetting[] {
  const skipped: SkippedProjectSetting[] = []
  const byFile = <T>(items: T[], fileOf: (item: T) => string, name: (item: T) => string) => {
    const out = new Map<string, string[]>()
    for (const item of items) {
      const names = out.get(fileOf(item)) ?? []
      if (!names.includes(name(item))) names.push(name(item))
      out.set(fileOf(item), names)
    }
    return out
  }
  for (const [file, names] of byFile(
    loaded.set.hooks,
    (h) => h.origin.file,
    (h) => h.event,
  ))
    skipped.push({ kind: 'hooks', file, names })
  loaded.set.hooks = []
  const servers = loaded.set.mcpServers.filter((entry) => !userOwnedMcpFiles.has(entry.origin.file))
  for (const [file, names] of byFile(
    servers,
    (s) => s.origin.file,
    (s) => s.name,
  ))
    skipped.push({ kind: 'mcp_servers', file, names })
  loaded.set.mcpServers = loaded.set.mcpServers.filter((entry) => userOwnedMcpFiles.has(entry.origin.file))
  for (const settings of loaded.settings) {
    settings.hooks = []
    const permissions = settings.permissions?.permissions
    if (!permissions || !settings.permissions) continue
    // Only the narrowing lists survive (`defaultMode`, `additionalDirectories`... widen too).
    const { deny, ask, allow } = permissions
    if (Array.isArray(allow) && allow.length > 0)
      skipped.push({ kind: 'permissions.allow', file: settings.file, names: allow.map(String) })
    settings.permissions = {
      origin: settings.permissions.origin,
      permissions: { ...(deny !== undefined ? { deny } : {}), ...(ask !== undefined ? { ask } : {}) },
    }
  }
  return skipped
}
