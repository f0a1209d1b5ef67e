// The line mode, for pipes and dumb terminals: each line read is a prompt (or /command, !cmd,
// or the answer to an approval, or input steering the running turn); finished transcript cells
// are printed as plain lines.
import { createInterface } from 'node:readline'
import type { HostActions, PromptCommand } from './commands.js'
import type { AgentConnection } from './connection.js'
import { type ApprovalAnswer, SessionController } from './controller.js'
import type { PromptHistory } from './input/history.js'
import { formatCommand, renderCell } from './render/cells.js'
import { renderFileChange } from './render/diff.js'
import type { Theme } from './render/theme.js'
import type { ApprovalRequest } from './transcript/cells.js'
import type { TranscriptStore } from './transcript/store.js'

export interface PlainOptions {
  connection: AgentConnection
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
  env: NodeJS.ProcessEnv
  store: TranscriptStore
  history: PromptHistory
  theme: Theme
  commands?: readonly PromptCommand[] | undefined
  actions?: HostActions | undefined
  initialPrompt?: string | undefined
}

/** Parses a typed approval answer: y, a, p, d, s, or n followed by what to do instead. */
export function parseApprovalAnswer(line: string, request: ApprovalRequest): ApprovalAnswer | undefined {
  const trimmed = line.trim()
  const key = trimmed.slice(0, 1).toLowerCase()
  const rest = trimmed.slice(1).trim()
  if (key === 'y') return { decision: 'approved' }
  if (key === 'a') return { decision: 'approved_for_session' }
  if (key === 'p' && request.kind === 'exec' && request.proposedPrefix?.length)
    return { decision: 'approved_for_session', prefix: request.proposedPrefix }
  if (key === 'd') return { decision: 'denied' }
  if (key === 's') return { decision: 'abort' }
  if (key === 'n') return { decision: 'denied', ...(rest ? { feedback: rest.replace(/^[:,-]\s*/, '') } : {}) }
  return undefined
}

export function approvalQuestion(request: ApprovalRequest, theme: Theme): string {
  const lines: string[] = []
  if (request.kind === 'exec') {
    lines.push(
      `${request.retryWithoutSandbox ? 'Run without the sandbox' : 'Run'}: $ ${formatCommand(request.command)}  (in ${request.cwd})`,
    )
  } else {
    lines.push('Apply these changes?')
    for (const [path, change] of Object.entries(request.changes))
      lines.push(...renderFileChange(path, change, theme, { maxLines: 200 }))
  }
  if (request.reason) lines.push(`Why: ${request.reason}`)
  const prefix =
    request.kind === 'exec' && request.proposedPrefix?.length
      ? `, p = always for \`${formatCommand(request.proposedPrefix)}\``
      : ''
  lines.push(
    `[y] yes, [a] always this session${prefix}, [n TEXT] no and do TEXT instead, [d] no, [s] no and stop`,
  )
  return lines.join('\n')
}

export async function runPlain(options: PlainOptions): Promise<{ reason: 'user' | 'agent_ended' }> {
  const { store, stdout, theme } = options
  let printed = 0
  let asked: string | undefined
  const lines: string[] = []
  let inputClosed = false
  let finish!: (reason: 'user' | 'agent_ended') => void
  const done = new Promise<'user' | 'agent_ended'>((resolve) => {
    finish = resolve
  })
  let waitingForTurn = -1
  // A line is being handled (a slash command may run a shell part before it sends its prompt):
  // the next line waits for it, and for the turn it starts.
  let sending = false
  /** Steering lines being submitted (not yet in the store's pending steers). */
  let steersSending = 0

  const controller = new SessionController({
    connection: options.connection,
    store,
    actions: options.actions,
    promptCommands: options.commands,
    env: options.env,
    onExit: (reason) => finish(reason),
  })

  const pump = () => {
    const snap = store.getSnapshot()
    const approval = snap.approvals[0]
    if (approval) {
      if (asked !== approval.callId) {
        asked = approval.callId
        stdout.write(`${approvalQuestion(approval, theme)}\n`)
      }
      const line = lines.shift()
      if (line === undefined) {
        if (inputClosed) controller.answer(approval, { decision: 'abort' })
        return
      }
      const answer = parseApprovalAnswer(line, approval)
      if (answer) controller.answer(approval, answer)
      else stdout.write('Answer y, a, n TEXT, d or s.\n')
      return
    }
    if (sending || snap.turnRunning || (waitingForTurn >= 0 && snap.turnsEnded <= waitingForTurn)) return
    waitingForTurn = -1
    const line = lines.shift()
    if (line === undefined) {
      // Steering the turn did not reach becomes the next turn: wait for it before leaving.
      if (inputClosed && steersSending === 0 && snap.pendingSteers.length === 0) finish('user')
      return
    }
    if (line.trim() === '') return pump()
    options.history.add(line)
    const turnsBefore = snap.turnsEnded
    sending = true
    void controller.send(line).then((prompted) => {
      sending = false
      if (prompted) waitingForTurn = turnsBefore
      setImmediate(pump)
    })
  }

  const unsubscribe = store.subscribe(() => {
    const snap = store.getSnapshot()
    for (; printed < snap.committed.length; printed++) {
      const cell = snap.committed[printed]
      if (cell) stdout.write(`${renderCell(cell, theme, { cwd: snap.status.cwd }).join('\n')}\n`)
    }
    pump()
  })

  /**
   * A line read while a turn runs steers it (as Enter does in the full UI): it reaches the model
   * at its next request. Not when lines read earlier still wait (their order holds), nor for
   * `/commands` and `!cmd`, nor while an approval is asked (the line is its answer). Lines that
   * arrive together before the turn starts (a piped script) stay separate turns.
   */
  const steers = (line: string): boolean => {
    const snap = store.getSnapshot()
    const trimmed = line.trim()
    return (
      snap.turnRunning &&
      !sending &&
      lines.length === 0 &&
      snap.approvals.length === 0 &&
      trimmed !== '' &&
      !trimmed.startsWith('/') &&
      !trimmed.startsWith('!')
    )
  }

  const rl = createInterface({ input: options.stdin, terminal: false })
  rl.on('line', (line) => {
    if (steers(line)) {
      options.history.add(line)
      stdout.write(`${theme.dim(`↳ ${line.trim()} · queued: the agent reads it at its next step`)}\n`)
      steersSending++
      void controller.send(line).finally(() => {
        steersSending--
        pump()
      })
      return
    }
    lines.push(line)
    pump()
  })
  rl.on('close', () => {
    inputClosed = true
    pump()
  })
  controller.start()
  if (options.initialPrompt) lines.unshift(options.initialPrompt)
  setImmediate(pump)
  try {
    return { reason: await done }
  } finally {
    store.flush()
    controller.stop()
    unsubscribe()
    rl.close()
    store.dispose()
  }
}
