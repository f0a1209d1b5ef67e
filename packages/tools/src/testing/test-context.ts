// Test support (not exported): a ToolContext whose commands are real processes (`@agent/exec`'s
// runCommand) and whose interactive sessions are real child processes, with approvals and
// policy decided by the test. Used until tests can go through core's real orchestrator.
import { type ChildProcess, spawn } from 'node:child_process'
import type {
  ApprovalAnswer,
  ApprovalQuestion,
  ExecRequest,
  PatchApproval,
  PatchApprovalRequest,
  ProcessSessions,
  ToolContext,
} from '@agent/core'
import { formatForModel, runCommand } from '@agent/exec'
import type { ApprovalPolicy, EventMsg, SandboxPolicy } from '@agent/protocol'

interface Session {
  child: ChildProcess
  buffer: string
  exited: boolean
  exitCode: number | null
  waiters: (() => void)[]
}

/** Pipes-only interactive processes (no PTY), enough to exercise exec_command/write_stdin. */
export function pipeSessions(refuse?: (argv: string[]) => string | undefined): ProcessSessions & {
  killAll(): void
} {
  const sessions = new Map<string, Session>()
  let next = 1
  const wake = (s: Session) => {
    for (const w of s.waiters.splice(0)) w()
  }
  return {
    async start(request) {
      const reason = refuse?.(request.argv)
      if (reason) throw Object.assign(new Error(reason), { name: 'ToolRejectedError' })
      const [program, ...args] = request.argv as [string, ...string[]]
      const child = spawn(program, args, { cwd: request.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      const session: Session = { child, buffer: '', exited: false, exitCode: null, waiters: [] }
      const onData = (d: Buffer) => {
        session.buffer += d.toString('utf8')
        wake(session)
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.on('close', (code) => {
        session.exited = true
        session.exitCode = code
        wake(session)
      })
      const id = `s${next++}`
      sessions.set(id, session)
      return { sessionId: id }
    },
    async write(id, chars) {
      const s = sessions.get(id)
      if (!s) throw new Error(`no session ${id}`)
      s.child.stdin?.write(chars)
    },
    async read(id, { yieldTimeMs, maxBytes }) {
      const s = sessions.get(id)
      if (!s) throw new Error(`no session ${id}`)
      const deadline = Date.now() + yieldTimeMs
      while (!s.exited && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
          s.waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
      let output = s.buffer
      s.buffer = ''
      const truncated = maxBytes !== undefined && output.length > maxBytes
      if (truncated) output = output.slice(0, maxBytes)
      if (s.exited) sessions.delete(id)
      return { output, exited: s.exited, exitCode: s.exitCode, truncated }
    },
    async kill(id) {
      sessions.get(id)?.child.kill('SIGKILL')
    },
    killAll() {
      for (const s of sessions.values()) s.child.kill('SIGKILL')
    },
  }
}

export interface TestContextOptions {
  cwd: string
  sandboxPolicy?: SandboxPolicy
  /** Returns a refusal reason for commands the test's "policy" rejects. */
  refuse?: (argv: string[]) => string | undefined
  approve?: (request: PatchApprovalRequest) => PatchApproval
  sessionState?: Map<string, unknown>
  /** The user's answer to `askApproval` (default: denied). */
  answer?: (question: ApprovalQuestion) => ApprovalAnswer
  approvalPolicy?: ApprovalPolicy
}

export function testContext(options: TestContextOptions) {
  const events: EventMsg[] = []
  const execRequests: ExecRequest[] = []
  const approvals: PatchApprovalRequest[] = []
  const questions: ApprovalQuestion[] = []
  const processes = pipeSessions(options.refuse)
  const context: ToolContext = {
    callId: 'call_1',
    toolName: 'test',
    sessionId: 'session_1',
    turnId: 'turn_1',
    cwd: options.cwd,
    sandboxPolicy: options.sandboxPolicy ?? {
      type: 'workspace-write',
      writable_roots: [],
      network_access: false,
    },
    approvalPolicy: options.approvalPolicy ?? 'on-request',
    signal: new AbortController().signal,
    async exec(request) {
      execRequests.push(request)
      const reason = options.refuse?.(request.command)
      if (reason) return { status: 'rejected', reason }
      const runOptions: Parameters<typeof runCommand>[0] = {
        argv: request.command,
        cwd: request.cwd ?? options.cwd,
      }
      if (request.timeoutMs !== undefined) runOptions.timeoutMs = request.timeoutMs
      if (request.stdin !== undefined) runOptions.stdin = request.stdin
      const result = await runCommand(runOptions)
      return { status: 'completed', result, sandboxed: false, formatted: formatForModel(result) }
    },
    async approvePatch(request) {
      approvals.push(request)
      return options.approve?.(request) ?? { approved: true, autoApproved: true }
    },
    async askApproval(question) {
      questions.push(question)
      return options.answer?.(question) ?? { decision: 'denied' }
    },
    processes,
    emit(msg) {
      events.push(msg)
    },
    sessionState: options.sessionState ?? new Map(),
  }
  return { context, events, execRequests, approvals, questions, processes }
}
