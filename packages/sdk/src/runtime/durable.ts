// The agent factory for durable sessions (@agent/restate): each turn of a session gets a fresh
// agent composed like `agent exec`'s, rebuilt from the rollout the engine keeps, with the
// engine's step journal and approval gate injected. Its shape matches @agent/restate's
// `SessionFactory` structurally, so neither package imports the other.
import { existsSync, statSync } from 'node:fs'
import type { Agent, ApprovalGate, SessionGrant, SteeringInbox, StepJournal } from '@agent/core'
import type { ApprovalPolicy, Event, RolloutLine, SandboxMode } from '@agent/protocol'
import { loadConfig } from '../config/load.js'
import { composeRuntime } from './compose.js'
import type { ModelFlags } from './model.js'

export interface DurableWorkerSettings {
  env: NodeJS.ProcessEnv
  model: ModelFlags
  /** `-s`; default: the config's `sandbox_mode`, else read-only (as `agent exec`). */
  sandboxMode?: SandboxMode
  /** `-a`; default: the config's `approval_policy`, else never (as `agent exec`). */
  approvalPolicy?: ApprovalPolicy
  /** `-c key=value` overrides. */
  configOverrides?: string[]
  pluginDirs?: string[]
}

export interface DurableTurnInput {
  sessionId: string
  cwd: string
  history: RolloutLine[] | null
  journal: StepJournal
  approvals: ApprovalGate
  steering: SteeringInbox
  /** What the session's user approved for the session in earlier turns. */
  grants: SessionGrant[]
  /** Streaming deltas as they happen (a live preview; not journaled). */
  onStreamingEvent?: (event: Event) => void
}

export interface DurableTurnSession {
  agent: Agent
  history(): Promise<RolloutLine[]>
  /** Everything approved for the session so far (kept by the engine for the next turn). */
  grants(): SessionGrant[]
  /** Stops the session's MCP server processes while the turn waits long for a person. */
  idle(): Promise<void>
  /** Starts them again when the wait is over. */
  wake(): Promise<void>
  close(): Promise<void>
}

/** What `agent durable serve` hands to `createSessionObject({ createSession })`. */
export function durableSessionFactory(
  settings: DurableWorkerSettings,
): (input: DurableTurnInput) => Promise<DurableTurnSession> {
  return async (input) => {
    if (!existsSync(input.cwd) || !statSync(input.cwd).isDirectory())
      throw new Error(
        `the session's working directory ${input.cwd} does not exist on this worker: ` +
          'workers must see the sessions’ directories (one machine, or a shared volume mounted at the same path)',
      )
    const loaded = loadConfig({
      cwd: input.cwd,
      env: settings.env,
      overrides: settings.configOverrides ?? [],
    })
    const { MemorySessionStore } = await import('@agent/core')
    const store = new MemorySessionStore()
    const resumed = input.history ? store.import(input.history) : undefined
    const runtime = await composeRuntime({
      cwd: input.cwd,
      loaded,
      env: settings.env,
      model: settings.model,
      sandboxMode: settings.sandboxMode ?? loaded.config.sandbox_mode ?? 'read-only',
      approvalPolicy: settings.approvalPolicy ?? loaded.config.approval_policy ?? 'never',
      pluginDirs: settings.pluginDirs ?? [],
      ephemeral: false,
      reloadHooks: false,
      // A worker is long-lived and runs many sessions' commands.
      spawnServer: true,
      originator: 'agent_durable',
      store,
      journal: input.journal,
      approvals: input.approvals,
      steeringInbox: input.steering,
      sessionGrants: input.grants,
      ...(input.onStreamingEvent ? { onStreamingEvent: input.onStreamingEvent } : {}),
      ...(resumed ? { session: { type: 'resume', sessionId: resumed } } : { sessionId: input.sessionId }),
    })
    const agent = runtime.agent
    return {
      agent,
      history: async () => {
        await agent.flush()
        return (await store.load(agent.sessionId)).lines
      },
      grants: () => agent.sessionGrants(),
      idle: async () => {
        await runtime.mcpServers?.idle()
      },
      wake: async () => {
        await runtime.mcpServers?.wake()
      },
      close: () => runtime.close(),
    }
  }
}
