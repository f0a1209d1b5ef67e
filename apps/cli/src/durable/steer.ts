// `agent durable steer`: sends text to a durable session's running turn; it reaches the model at
// the turn's next request (sent after its last one, it runs as the next turn). Restate keeps it,
// so a worker killed meanwhile loses nothing: the replay takes the same input from the journal.
import { UsageError } from '@agent/sdk'
import { EXIT_FAILED, EXIT_OK } from '../exec/run-exec.js'
import { checkUrl } from './exec.js'

export interface DurableSteerFlags {
  ingress: string
  session: string
}

export async function runDurableSteer(
  text: string,
  flags: DurableSteerFlags,
  io: { stderr: { write(text: string): unknown } },
): Promise<number> {
  if (!text.trim())
    throw new UsageError('the steering text is empty: say what the turn should do differently')
  const { DurableSessionClient, DurableSessionError } = await import('@agent/restate/client')
  const client = new DurableSessionClient(checkUrl(flags.ingress), {
    onReconnecting: (reason) => io.stderr.write(`agent: waiting for Restate (${reason})\n`),
  })
  try {
    await client.steer(flags.session, { text })
  } catch (error) {
    if (error instanceof DurableSessionError && error.status === 409) {
      io.stderr.write(
        `agent: ${error.message}: agent durable exec --ingress ${flags.ingress} --session ${flags.session} PROMPT\n`,
      )
      return EXIT_FAILED
    }
    throw error
  }
  io.stderr.write(`agent: sent to the running turn of session ${flags.session}\n`)
  return EXIT_OK
}
