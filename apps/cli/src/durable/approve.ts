// `agent durable approve`: answers a durable session's pending approval through Restate. The answer
// is stored by Restate first, so it also works while every worker is down (it takes effect once one
// is up again).
import { UsageError } from '@agent/sdk'
import { EXIT_OK } from '../exec/run-exec.js'
import { checkUrl } from './exec.js'

export interface DurableApproveFlags {
  ingress: string
  session: string
}

const DECISIONS = { approve: 'approved', 'approve-session': 'approved_for_session', deny: 'denied' } as const

export async function runDurableApprove(
  callId: string,
  answer: string,
  flags: DurableApproveFlags,
  io: { stderr: { write(text: string): unknown } },
): Promise<number> {
  const decision = DECISIONS[answer as keyof typeof DECISIONS]
  if (!decision)
    throw new UsageError(
      `expected approve, approve-session (this command for the rest of the session) or deny, got ${JSON.stringify(answer)}`,
    )
  const { DurableSessionClient } = await import('@agent/restate/client')
  const client = new DurableSessionClient(checkUrl(flags.ingress), {
    onReconnecting: (reason) => io.stderr.write(`agent: waiting for Restate (${reason})\n`),
  })
  const result = await client.approve(flags.session, callId, { decision })
  io.stderr.write(
    result.status === 'answered'
      ? `agent: ${decision} ${callId} in session ${flags.session}\n`
      : `agent: Restate holds the answer for ${callId}; it reaches session ${flags.session} when a worker is up\n`,
  )
  return EXIT_OK
}
