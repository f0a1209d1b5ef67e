// `agent mcp-server`: the agent as an MCP server. Each `agent` tool call composes a real runtime
// (the same composition root as `agent exec`) in the cwd it names; approvals go back to the MCP
// client as elicitation requests (handled by @agent/mcp).
import { resolve } from 'node:path'
import type { AgentSessionHandle, StartSessionOptions } from '@agent/mcp'
import { composeRuntime, loadConfig, UsageError } from '@agent/sdk'
import type { ExecFlags } from '../exec/run-exec.js'
import { VERSION } from '../version.js'

interface Io {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

export async function runMcpServer(flags: ExecFlags & { http?: number }, io: Io): Promise<number> {
  if (flags.json) throw new UsageError('--json does not apply to mcp-server (events are MCP notifications)')
  const baseCwd = resolve(io.cwd, flags.cd ?? '.')
  // Read once up front so a broken config fails now, not on the first tool call.
  loadConfig({ cwd: baseCwd, env: io.env, overrides: flags.config ?? [] })
  const mcp = await import('@agent/mcp')
  const sessions = new Set<AgentSessionHandle>()

  const port = {
    async startSession(options: StartSessionOptions): Promise<AgentSessionHandle> {
      const cwd = resolve(baseCwd, options.cwd ?? '.')
      const loaded = loadConfig({ cwd, env: io.env, overrides: flags.config ?? [] })
      const runtime = await composeRuntime({
        cwd,
        loaded,
        env: io.env,
        model: {
          ...((options.model ?? flags.model) ? { model: options.model ?? flags.model } : {}),
          ...(flags.provider ? { provider: flags.provider } : {}),
          ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
          ...(flags.replay ? { replay: resolve(io.cwd, flags.replay) } : {}),
        },
        sandboxMode:
          options.sandbox ??
          flags.sandbox ??
          (flags.fullAuto ? 'workspace-write' : undefined) ??
          loaded.config.sandbox_mode ??
          'read-only',
        approvalPolicy:
          options.approval_policy ?? flags.approval ?? loaded.config.approval_policy ?? 'on-request',
        pluginDirs: flags.pluginDir ?? [],
        ephemeral: Boolean(flags.ephemeral),
        originator: 'agent_mcp_server',
      })
      for (const warning of runtime.warnings) io.stderr.write(`agent mcp-server: warning: ${warning}\n`)
      const handle: AgentSessionHandle = {
        threadId: runtime.agent.sessionId,
        submit: (op) => runtime.agent.submit(op),
        events: () => runtime.agent.events(),
        shutdown: async () => {
          sessions.delete(handle)
          await runtime.close()
        },
      }
      sessions.add(handle)
      await runtime.agent.submit({ type: 'user_input', items: [{ type: 'text', text: options.prompt }] })
      return handle
    },
  }

  const serving = await mcp.serveAgentMcp(port, {
    transport: flags.http === undefined ? 'stdio' : { http: flags.http },
    name: 'agent',
    version: VERSION,
  })
  if (serving.url) io.stderr.write(`agent mcp-server: listening on ${serving.url}\n`)
  const stop = () => void serving.close()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  await serving.closed
  await Promise.allSettled([...sessions].map((s) => s.shutdown?.()))
  return 0
}
