// `agent durable serve`: a worker for durable sessions. It serves the session object on
// 127.0.0.1:PORT (Restate calls it), builds each turn's agent like `agent exec` does (same model,
// sandbox and approval flags) and optionally registers itself with Restate's admin API.
import type { ApprovalPolicy, SandboxMode } from '@agent/protocol'
import { loadConfig, selectModel, UsageError } from '@agent/sdk'
import { checkUrl } from './exec.js'

export interface DurableServeFlags {
  port: number
  register?: string
  model?: string
  provider?: string
  baseUrl?: string
  sandbox?: SandboxMode
  approval?: ApprovalPolicy
  fullAuto?: boolean
  config?: string[]
  pluginDir?: string[]
  /** Restate's ingress, where streaming deltas are published (absent: not published). */
  ingress?: string
  /** Seconds a turn waits for an approval before its MCP server processes are stopped. */
  mcpIdleTimeout?: number
}

export interface ServeIo {
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

export async function runDurableServe(flags: DurableServeFlags, io: ServeIo): Promise<number> {
  if (flags.register !== undefined && !/^https?:\/\//.test(flags.register))
    throw new UsageError(
      `--register ${flags.register}: expected the admin API's URL, e.g. http://127.0.0.1:9070`,
    )
  const model = {
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.provider ? { provider: flags.provider } : {}),
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
  }
  // The model settings are checked now, not at the first turn: a worker that cannot ask a model
  // must not take sessions.
  const loaded = loadConfig({ cwd: io.cwd, env: io.env, overrides: flags.config ?? [] })
  await selectModel(model, loaded.config, io.env)

  const { createSessionObject, serveWorker, registerWorker } = await import('@agent/restate')
  const { durableSessionFactory } = await import('@agent/sdk')
  const sandboxMode = flags.sandbox ?? (flags.fullAuto ? 'workspace-write' : undefined)
  const object = createSessionObject({
    createSession: durableSessionFactory({
      env: io.env,
      model,
      ...(sandboxMode ? { sandboxMode } : {}),
      ...(flags.approval ? { approvalPolicy: flags.approval } : {}),
      configOverrides: flags.config ?? [],
      pluginDirs: flags.pluginDir ?? [],
    }),
    ...(flags.ingress ? { liveIngressUrl: checkUrl(flags.ingress) } : {}),
    ...(flags.mcpIdleTimeout !== undefined ? { idleAfterMs: Math.round(flags.mcpIdleTimeout * 1000) } : {}),
  })
  const worker = await serveWorker({ object, port: flags.port })
  io.stderr.write(`agent: durable worker listening on ${worker.url}\n`)
  if (flags.register) {
    await registerWorker(flags.register, worker.url, {
      onRetry: (reason, attempt) => {
        if (attempt === 1 || attempt % 10 === 0) io.stderr.write(`agent: waiting for Restate: ${reason}\n`)
      },
    })
    io.stderr.write(`agent: registered ${worker.url} with Restate at ${flags.register}\n`)
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await worker.close()
  return 0
}
