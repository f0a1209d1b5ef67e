// `agent sessions`: the recorded sessions, most recent first, with what each was about.
import { JsonlSessionStore } from '@agent/core'
import { resolveAgentHome } from '@agent/sdk'

export async function runSessions(
  flags: { limit: number; json?: boolean },
  io: { stdout: { write(text: string): unknown }; env: NodeJS.ProcessEnv },
): Promise<number> {
  const store = new JsonlSessionStore({ home: resolveAgentHome(io.env) })
  const sessions = await store.list({ limit: flags.limit })
  if (flags.json) {
    for (const s of sessions) io.stdout.write(`${JSON.stringify(s)}\n`)
    return 0
  }
  if (sessions.length === 0) {
    io.stdout.write('No sessions recorded yet.\n')
    return 0
  }
  for (const s of sessions) {
    const when = s.updatedAt.replace('T', ' ').slice(0, 16)
    const what = (s.firstUserMessage ?? '').replace(/\s+/g, ' ').slice(0, 60)
    io.stdout.write(`${s.id}  ${when}  ${s.model ?? '-'}  ${s.cwd}\n    ${what}\n`)
  }
  io.stdout.write('\nContinue one with: agent exec resume ID "next prompt"  (or --last)\n')
  return 0
}
