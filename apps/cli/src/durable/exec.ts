// `agent durable exec`: sends a prompt to a durable session through Restate's ingress and prints
// its turn exactly like `agent exec` (human progress, or `--json` ThreadEvent lines), with exec's
// exit codes. The prompt is submitted once under an idempotency key, so a client that loses
// Restate (a restart) re-attaches to the same turn. `--attach` follows a turn already running.
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Event } from '@agent/protocol'
import { ThreadEventMapper, UsageError } from '@agent/sdk'
import { HumanRenderer } from '../exec/human-output.js'
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, type ExecIo } from '../exec/run-exec.js'

export interface DurableExecFlags {
  ingress: string
  session?: string
  cd?: string
  json?: boolean
  attach?: boolean
  outputLastMessage?: string
}

export async function runDurableExec(
  promptArg: string | undefined,
  flags: DurableExecFlags,
  io: ExecIo,
): Promise<number> {
  const { DurableSessionClient } = await import('@agent/restate/client')
  const ingress = checkUrl(flags.ingress)
  const client = new DurableSessionClient(ingress, {
    onReconnecting: (reason) => io.stderr.write(`agent: lost Restate (${reason}); reconnecting\n`),
  })

  let sessionId: string
  let follow: { tag: string; from: number; invocationId: string }
  if (flags.attach) {
    if (!flags.session) throw new UsageError('--attach needs --session ID: the session whose turn to follow')
    if (promptArg !== undefined) throw new UsageError('--attach follows a running turn; it takes no prompt')
    sessionId = flags.session
    const page = await client.events(sessionId)
    if (!page.exists) throw new UsageError(`no session ${sessionId} at ${ingress}`)
    if (!page.current) {
      io.stderr.write(
        `agent: session ${sessionId} has no turn running; send one with \`agent durable exec --ingress ${ingress} --session ${sessionId} PROMPT\`\n`,
      )
      return EXIT_FAILED
    }
    follow = { tag: page.current.tag, from: page.current.firstSeq, invocationId: page.current.invocationId }
  } else {
    const prompt = await readPrompt(promptArg, io)
    const tag = randomUUID()
    if (flags.session) {
      sessionId = flags.session
      const page = await client.events(sessionId)
      if (!page.exists)
        throw new UsageError(`no session ${sessionId} at ${ingress}: leave out --session to start a new one`)
      const expectCwd = flags.cd === undefined ? undefined : resolve(io.cwd, flags.cd)
      const { invocationId } = await client.submit(
        sessionId,
        { prompt, tag, ...(expectCwd ? { expectCwd } : {}) },
        tag,
      )
      follow = { tag, from: page.next, invocationId }
    } else {
      sessionId = randomUUID()
      const cwd = resolve(io.cwd, flags.cd ?? '.')
      const { invocationId } = await client.submit(sessionId, { prompt, tag, create: { cwd } }, tag)
      follow = { tag, from: 0, invocationId }
    }
  }

  const mapper = new ThreadEventMapper()
  const human = new HumanRenderer(io.stderr, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR })
  let failure: string | undefined
  const emit = (event: Event) => {
    if (flags.json) for (const line of mapper.map(event)) io.stdout.write(`${JSON.stringify(line)}\n`)
    else human.render(event)
    const msg = event.msg
    if (msg.type === 'error') failure ??= msg.message
    if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request')
      io.stderr.write(
        `agent: waiting for approval of ${msg.call_id}: agent durable approve --ingress ${ingress} --session ${sessionId} ${msg.call_id} approve|approve-session|deny\n`,
      )
  }

  let interrupted = false
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED)
    interrupted = true
    client.interrupt(sessionId).catch((error: Error) => {
      io.stderr.write(`agent: could not interrupt: ${error.message}\n`)
    })
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  let result: Awaited<ReturnType<typeof client.follow>>
  try {
    result = await client.follow({ sessionId, ...follow, onEvent: (event) => emit(event) })
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
  }

  const lastMessage = result.type === 'completed' ? result.lastMessage : null
  if (flags.outputLastMessage) writeFileSync(resolve(io.cwd, flags.outputLastMessage), lastMessage ?? '')
  if (interrupted) return EXIT_INTERRUPTED
  if (result.type === 'aborted') failure ??= `turn aborted: ${result.reason}`
  if (result.type === 'failed') failure ??= result.message
  if (failure !== undefined) {
    if (!flags.json || result.type === 'failed') io.stderr.write(`agent: ${failure}\n`)
    return EXIT_FAILED
  }
  if (!flags.json && lastMessage) io.stdout.write(`${lastMessage}\n`)
  return EXIT_OK
}

export function checkUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url
  } catch {
    // reported below
  }
  throw new UsageError(`--ingress ${url}: expected Restate's ingress URL, e.g. http://127.0.0.1:8080`)
}

async function readPrompt(prompt: string | undefined, io: ExecIo): Promise<string> {
  if (prompt !== undefined && prompt !== '-') return prompt
  if (prompt === undefined && io.stdin.isTTY)
    throw new UsageError('no prompt: pass it as an argument, or `-` to read it from stdin')
  let text = ''
  for await (const chunk of io.stdin)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!text.trim()) throw new UsageError('the prompt read from stdin is empty')
  return text
}
