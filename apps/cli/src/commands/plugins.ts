// `agent plugins list`: what the plugin loader found (plugins, commands, skills, subagents,
// hooks, MCP servers) from every source, and every file it skipped, with the reason.
import { resolve } from 'node:path'
import { describeSkipped, loadConfig } from '@agent/sdk'

interface Io {
  stdout: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

export async function runPluginsList(flags: { cd?: string; pluginDir: string[] }, io: Io): Promise<number> {
  const cwd = resolve(io.cwd, flags.cd ?? '.')
  const { config, agentHome, trust } = loadConfig({ cwd, env: io.env })
  const { loadPlugins, formatDiagnostic } = await import('@agent/plugins')
  const loaded = await loadPlugins({
    cwd,
    agentHome,
    pluginDirs: [...config.plugin_dirs, ...flags.pluginDir].map((dir) => resolve(cwd, dir)),
    projectTrust: trust.trusted ? 'trusted' : 'untrusted',
  })
  const out = (text: string) => io.stdout.write(`${text}\n`)
  const skipped = describeSkipped(loaded.untrustedSkipped, trust.folder)
  if (skipped.length > 0) {
    out(`Not loaded: ${trust.folder} is not trusted (agent trust ${trust.folder} applies them)`)
    for (const line of skipped) out(`  ${line}`)
  }
  out(`Plugins (${loaded.plugins.length})`)
  for (const p of loaded.plugins) {
    const parts = [
      `${p.commands} commands`,
      `${p.agents} agents`,
      `${p.skills} skills`,
      `${p.hooks} hooks`,
      `${p.mcpServers} MCP servers`,
    ]
    out(`  ${p.id ?? p.name}${p.version ? ` ${p.version}` : ''}  ${p.root}\n    ${parts.join(', ')}`)
  }
  out(`Commands (${loaded.commands.length})`)
  for (const c of loaded.commands) out(`  /${c.name}  ${c.description}`)
  out(`Skills (${loaded.skills.length})`)
  for (const s of loaded.skills) out(`  ${s.name}  ${s.description}`)
  out(`Subagents (${loaded.agents.length})`)
  for (const a of loaded.agents) out(`  ${a.name}  ${a.description}`)
  out(`Hooks (${loaded.hooks.length})`)
  for (const h of loaded.hooks)
    out(`  ${h.event}${h.matcher ? ` [${h.matcher}]` : ''}  ${h.command}  (${h.origin.file})`)
  out(`MCP servers (${loaded.mcpServers.length})`)
  for (const m of loaded.mcpServers) out(`  ${m.name}  (${m.origin.file})`)
  if (loaded.diagnostics.length > 0) {
    out(`Problems (${loaded.diagnostics.length}); these files were skipped:`)
    for (const d of loaded.diagnostics) out(`  ${formatDiagnostic(d)}`)
  }
  return 0
}
