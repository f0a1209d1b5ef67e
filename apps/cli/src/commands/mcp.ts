// `agent mcp list|add|remove`: the MCP servers of config.toml (and plugins), and editing them.
import { join, resolve } from 'node:path'
import {
  addMcpServer,
  ConfigError,
  describeSkipped,
  formatTrustNotice,
  loadConfig,
  removeMcpServer,
  sessionMcpServers,
  UsageError,
} from '@agent/sdk'

interface Io {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

function targetFile(project: boolean | undefined, io: Io): string {
  const loaded = loadConfig({ cwd: io.cwd, env: io.env })
  if (!project) return join(loaded.agentHome, 'config.toml')
  return join(loaded.projectAgentDir ?? join(io.cwd, '.agent'), 'config.toml')
}

/**
 * The servers a session here would start: config.toml's, then those of plugins and `.mcp.json`
 * files (see runtime/mcp-servers.ts). `--check` starts each and shows its state and tools.
 */
export async function runMcpList(
  flags: { check?: boolean; config?: string[]; pluginDir?: string[] },
  io: Io,
): Promise<number> {
  const { config, agentHome, trust, untrustedSkipped } = loadConfig({
    cwd: io.cwd,
    env: io.env,
    overrides: flags.config ?? [],
  })
  const [mcp, plugins] = await Promise.all([import('@agent/mcp'), import('@agent/plugins')])
  const loaded = await plugins.loadPlugins({
    cwd: io.cwd,
    agentHome,
    pluginDirs: [...config.plugin_dirs, ...(flags.pluginDir ?? [])].map((dir) => resolve(io.cwd, dir)),
    // An untrusted folder's servers are not started here either (`--check` starts them).
    projectTrust: trust.trusted ? 'trusted' : 'untrusted',
  })
  const notice = formatTrustNotice(trust, [
    ...untrustedSkipped,
    ...describeSkipped(loaded.untrustedSkipped, trust.folder),
  ])
  if (notice) io.stderr.write(`agent: warning: ${notice}\n`)
  const { servers, warnings } = sessionMcpServers(
    config.mcp_servers,
    loaded.mcpServers,
    mcp.parseMcpServerConfig,
  )
  for (const warning of warnings) io.stderr.write(`agent: warning: ${warning}\n`)
  if (!flags.check) {
    io.stdout.write(`${mcp.formatStatusTable(mcp.describeServers(servers))}\n`)
    return 0
  }
  const manager = mcp.createMcpManager(servers, { cwd: io.cwd, env: { ...io.env } })
  try {
    await manager.start().catch(() => undefined) // failures show in the table
    io.stdout.write(`${mcp.formatStatusTable(manager.status())}\n`)
    return manager.status().some((s) => s.state === 'failed') ? 1 : 0
  } finally {
    await manager.close()
  }
}

export async function runMcpAdd(
  name: string,
  command: string[],
  flags: { url?: string; env?: string[]; bearerTokenEnvVar?: string; project?: boolean },
  io: Io,
): Promise<number> {
  if (flags.url && command.length > 0) throw new UsageError('give either --url or a command, not both')
  if (!flags.url && command.length === 0) {
    throw new UsageError(
      'give the server: agent mcp add NAME -- COMMAND [ARGS...]  or  agent mcp add NAME --url URL',
    )
  }
  const entry: Record<string, unknown> = {}
  if (flags.url) {
    entry.url = flags.url
    if (flags.bearerTokenEnvVar) entry.bearer_token_env_var = flags.bearerTokenEnvVar
  } else {
    const [program, ...args] = command
    entry.command = program
    if (args.length > 0) entry.args = args
  }
  if (flags.env?.length) {
    const env: Record<string, string> = {}
    for (const pair of flags.env) {
      const eq = pair.indexOf('=')
      if (eq <= 0) throw new UsageError(`--env ${pair}: expected KEY=VALUE`)
      env[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    entry.env = env
  }
  const { parseMcpServerConfig } = await import('@agent/mcp')
  try {
    parseMcpServerConfig(entry, `mcp_servers.${name}`)
  } catch (error) {
    throw new ConfigError((error as Error).message)
  }
  const file = targetFile(flags.project, io)
  addMcpServer(file, name, entry)
  io.stdout.write(`Added MCP server ${name} to ${file}\n`)
  return 0
}

export async function runMcpRemove(name: string, flags: { project?: boolean }, io: Io): Promise<number> {
  const file = targetFile(flags.project, io)
  if (!removeMcpServer(file, name)) {
    io.stderr.write(`agent: no MCP server named ${name} in ${file}\n`)
    return 1
  }
  io.stdout.write(`Removed MCP server ${name} from ${file}\n`)
  return 0
}
