// Starting a session: a new rollout, or one loaded for resume or cut for a fork; SessionStart
// hooks; session_configured; MCP providers started in the background.
import { randomUUID } from 'node:crypto'
import type { EventMsg, ResponseItem, SessionMeta } from '@agent/protocol'
import { forkLines, restoreFromRollout } from '../store/rollout-history.js'
import { runHookStep } from './hook-step.js'
import { danglingCallOutputs, errorText } from './items.js'
import type { SessionContext } from './session-context.js'

export async function startSession(session: SessionContext): Promise<void> {
  const start = session.options.session ?? { type: 'new' }
  const store = session.options.store
  let initial: ResponseItem[] | undefined
  // The id a new session gets and the start time (with a journal, the session's clock until the
  // first turn's steps) are the step `session/start`.
  const newId = await session.step('', 'session/start', async () =>
    start.type === 'resume' ? '' : (session.options.sessionId ?? randomUUID()),
  )
  if (start.type === 'new') {
    session.id = newId
    if (store) session.writer = await store.create(sessionMeta(session))
  } else {
    if (!store) throw new Error(`cannot ${start.type} a session without a session store`)
    const loaded = await store.load(start.sessionId)
    for (const warning of loaded.warnings) session.emit('', { type: 'warning', message: warning })
    let lines = loaded.lines
    if (start.type === 'resume') {
      session.id = loaded.meta.id
      session.writer = await store.openForAppend(loaded.meta.id)
    } else {
      lines = forkLines(loaded.lines, start.userMessages)
      session.id = newId
      session.writer = await store.create({ ...sessionMeta(session), forked_from: loaded.meta.id })
      await session.writer.append(lines)
    }
    const restored = restoreFromRollout(lines)
    session.history = restored.history
    session.hasPreamble = restored.hasPreamble
    session.totalUsage = restored.totalUsage
    session.lastUsage = restored.lastUsage
    initial = restored.history
    // A session killed mid-call left calls without results; providers reject such a history.
    session.record(
      danglingCallOutputs(session.history, 'aborted: the session ended before this call finished'),
    )
  }
  session.rolloutPath = session.writer?.path
  const configured: EventMsg = {
    type: 'session_configured',
    session_id: session.id,
    model: session.settings.model,
    model_provider: session.options.modelProvider ?? session.options.model.provider,
    cwd: session.settings.cwd,
    approval_policy: session.settings.approvalPolicy,
    sandbox_policy: session.settings.sandboxPolicy,
  }
  if (session.settings.effort) configured.effort = session.settings.effort
  if (session.rolloutPath) configured.rollout_path = session.rolloutPath
  if (initial) configured.initial_messages = initial
  session.emit('', configured)
  // After session_configured, so clients see the session before any hook activity.
  const startHook = await runHookStep(
    session,
    '',
    'session/hook/SessionStart/1',
    session.hookEnv('', new AbortController().signal),
    {
      hook_event_name: 'SessionStart',
      source: start.type === 'new' ? 'startup' : start.type,
    },
  )
  session.startContext = startHook.additionalContext ?? []
  session.toolsReady = startProviders(session)
}

function sessionMeta(session: SessionContext): SessionMeta {
  const meta: SessionMeta = {
    id: session.id,
    timestamp: session.now(),
    cwd: session.settings.cwd,
    originator: session.options.originator ?? 'agent',
    model: session.settings.model,
    model_provider: session.options.modelProvider ?? session.options.model.provider,
  }
  if (session.options.cliVersion) meta.cli_version = session.options.cliVersion
  if (session.options.instructions) meta.instructions = session.options.instructions
  return meta
}

async function startProviders(session: SessionContext): Promise<void> {
  await Promise.all(
    (session.options.toolProviders ?? []).map(async (provider) => {
      try {
        await provider.start?.((msg) => session.emit('', msg))
        const tools = await provider.listTools()
        for (const warning of session.router.addProvidedTools(provider, tools)) {
          session.emit('', { type: 'warning', message: warning })
        }
      } catch (error) {
        session.emit('', { type: 'warning', message: `a tool provider failed to start: ${errorText(error)}` })
      }
    }),
  )
}
