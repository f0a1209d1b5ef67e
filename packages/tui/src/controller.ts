// What the user's actions mean, apart from how they are drawn: prompts become `user_input` ops,
// slash commands run, `!cmd` runs a shell command, approvals are answered, and events from the
// current connection are folded into the store. Shared by the Ink UI and the plain-text mode.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ApprovalPolicy, Op, ReviewDecision, UserInput } from '@agent/protocol'
import {
  availableCommands,
  type CommandInfo,
  type HostActions,
  INIT_PROMPT,
  KEY_HELP,
  type PromptCommand,
  parseSlash,
  type ReviewRequest,
  type SessionChoice,
} from './commands.js'
import type { AgentConnection } from './connection.js'
import { mentionedImages } from './input/images.js'
import { displayPath, formatCommand } from './render/cells.js'
import type { ApprovalRequest } from './transcript/cells.js'
import type { TranscriptStore } from './transcript/store.js'

export interface ApprovalAnswer {
  decision: ReviewDecision
  /** With `approved_for_session`: remember this prefix instead of the exact command. */
  prefix?: string[] | undefined
  feedback?: string | undefined
}

export interface ControllerOptions {
  connection: AgentConnection
  store: TranscriptStore
  actions?: HostActions | undefined
  promptCommands?: readonly PromptCommand[] | undefined
  /** Shell for `!cmd` (default `$SHELL`, else bash). */
  shell?: string | undefined
  env?: NodeJS.ProcessEnv | undefined
  /** Called when the user asks to leave (or the agent's event stream ends). */
  onExit(reason: 'user' | 'agent_ended'): void
  /** Called with `/resume` and no argument, when the UI can show a picker. */
  onPickSession?: ((sessions: SessionChoice[]) => void) | undefined
}

const APPROVAL_POLICIES: readonly ApprovalPolicy[] = ['untrusted', 'on-failure', 'on-request', 'never']

export class SessionController {
  private connection: AgentConnection
  private generation = 0
  private readonly store: TranscriptStore
  private readonly actions: HostActions
  /** Set while a `/review` turn runs: shows its findings when it completes. */
  private pendingReview: ((answer: string) => string) | undefined
  private readonly pluginCommands: readonly PromptCommand[]
  private readonly shell: string
  private readonly env: NodeJS.ProcessEnv
  private readonly onExit: ControllerOptions['onExit']
  private readonly onPickSession: ControllerOptions['onPickSession']
  /** Output of `!cmd` runs, given to the model with the next prompt. */
  private shellContext: string[] = []
  private shellRuns = 0
  /** Prompts submitted so far; `send` compares it to tell whether a line started a turn. */
  private promptsSent = 0
  /** The host's late commands (`loadCommands`) of the current connection. */
  private loadedCommands: readonly PromptCommand[] = []
  /** Resolves when the current connection's late commands are in (or failed). */
  private commandsLoading: Promise<void> = Promise.resolve()
  private readonly commandListeners = new Set<() => void>()
  commands: CommandInfo[]

  constructor(options: ControllerOptions) {
    this.connection = options.connection
    this.store = options.store
    this.actions = options.actions ?? {}
    this.pluginCommands = options.promptCommands ?? []
    this.env = options.env ?? process.env
    this.shell = options.shell ?? this.env.SHELL ?? 'bash'
    this.onExit = options.onExit
    this.onPickSession = options.onPickSession
    this.commands = availableCommands(this.actions, this.pluginCommands)
  }

  /** Plugin commands, then the host's late ones (a plugin's command wins a name clash). */
  private get promptCommands(): readonly PromptCommand[] {
    const taken = new Set(this.pluginCommands.map((c) => c.name))
    return [...this.pluginCommands, ...this.loadedCommands.filter((c) => !taken.has(c.name))]
  }

  /** Tells `listener` when `commands` changes (late commands arrived); returns the unsubscribe. */
  subscribeCommands = (listener: () => void): (() => void) => {
    this.commandListeners.add(listener)
    return () => this.commandListeners.delete(listener)
  }

  getCommands = (): CommandInfo[] => this.commands

  private setLoadedCommands(commands: readonly PromptCommand[]): void {
    this.loadedCommands = commands
    this.commands = availableCommands(this.actions, this.promptCommands)
    for (const listener of this.commandListeners) listener()
  }

  /** Asks the host for the current connection's late commands (MCP prompts) and offers them. */
  private loadCommands(generation: number): void {
    const load = this.actions.loadCommands
    if (!load) return
    this.setLoadedCommands([])
    this.commandsLoading = load().then(
      (commands) => {
        if (generation === this.generation) this.setLoadedCommands(commands)
      },
      (error: unknown) => {
        if (generation !== this.generation) return
        this.info(`Could not list the MCP servers' prompts: ${(error as Error).message}`, 'warning')
      },
    )
  }

  /** Reads the current connection's events into the store until it ends or is replaced. */
  start(): void {
    const generation = ++this.generation
    const connection = this.connection
    this.loadCommands(generation)
    void (async () => {
      try {
        for await (const event of connection.events()) {
          if (generation !== this.generation) return
          this.store.apply(event)
          if (
            this.pendingReview &&
            (event.msg.type === 'turn_complete' || event.msg.type === 'turn_aborted')
          ) {
            const present = this.pendingReview
            this.pendingReview = undefined
            if (event.msg.type === 'turn_complete') {
              this.info(present(event.msg.last_agent_message ?? ''))
            }
          }
        }
      } catch (error) {
        if (generation !== this.generation) return
        this.store.push({
          kind: 'notice',
          level: 'error',
          text: `The agent stopped: ${(error as Error).message}`,
        })
      }
      if (generation === this.generation) {
        this.store.flush()
        this.onExit('agent_ended')
      }
    })()
  }

  /** Stops reading events (the UI is closing). */
  stop(): void {
    this.generation++
  }

  async submit(op: Op): Promise<void> {
    try {
      await this.connection.submit(op)
    } catch (error) {
      this.store.push({
        kind: 'notice',
        level: 'error',
        text: `Could not send ${op.type}: ${(error as Error).message}`,
      })
    }
  }

  interrupt(): void {
    void this.submit({ type: 'interrupt' })
  }

  /**
   * Handles one line (or block) the user entered. Resolves true when it sent a prompt to the
   * agent (typed, or expanded from a plugin command), so a turn follows.
   */
  async send(text: string): Promise<boolean> {
    const before = this.promptsSent
    const trimmed = text.trim()
    if (trimmed === '') return false
    const slash = parseSlash(trimmed)
    // A command the host is still loading (an MCP prompt typed before its server was up) waits for it.
    if (slash && !this.commands.some((c) => c.name === slash.name)) await this.commandsLoading
    if (trimmed.startsWith('!')) await this.runShell(trimmed.slice(1).trim())
    else if (slash && (this.commands.some((c) => c.name === slash.name) || trimmed.indexOf(' ') === -1)) {
      await this.runCommand(slash.name, slash.args)
    } else await this.sendPrompt(text)
    return this.promptsSent > before
  }

  private async sendPrompt(text: string): Promise<void> {
    const context = this.shellContext.length ? `${this.shellContext.join('\n\n')}\n\n` : ''
    this.shellContext = []
    this.promptsSent++
    // `@path` mentions of image files (and pasted image chips, which expand to one) go to the
    // model as images too; core reads the files and sends them where the provider takes images.
    const mentioned = mentionedImages(text, this.store.getSnapshot().status.cwd)
    for (const written of mentioned.missing) {
      this.store.push({
        kind: 'notice',
        level: 'warning',
        text: `Image not attached: ${written} is not a file`,
      })
    }
    const items: UserInput[] = [
      { type: 'text', text: context + text },
      ...mentioned.images.map((path) => ({ type: 'local_image' as const, path })),
    ]
    if (!this.store.getSnapshot().turnRunning) return this.submit({ type: 'user_input', items })
    // While the agent works, Enter steers: the model reads it at its next request in this turn;
    // the store shows it as waiting until the agent's user_message for it arrives.
    try {
      const id = await this.connection.submit({ type: 'user_input', items, steer: true })
      this.store.addSteer(id, text)
    } catch (error) {
      this.store.push({
        kind: 'notice',
        level: 'error',
        text: `Could not send user_input: ${(error as Error).message}`,
      })
    }
  }

  answer(request: ApprovalRequest, answer: ApprovalAnswer): void {
    const subject =
      request.kind === 'exec'
        ? `\`${formatCommand(request.command)}\``
        : Object.keys(request.changes).length
          ? `edit of ${Object.keys(request.changes)
              .map((path) => displayPath(path, this.store.getSnapshot().status.cwd))
              .join(', ')}`
          : 'the patch'
    const summary = {
      approved: `✓ Approved ${subject}`,
      approved_for_session: answer.prefix
        ? `✓ Approved ${subject}; commands starting with \`${formatCommand(answer.prefix)}\` run without asking this session`
        : request.kind === 'exec'
          ? `✓ Approved ${subject} for the rest of this session`
          : `✓ Approved ${subject}; edits run without asking this session`,
      denied: `✗ Denied ${subject}${answer.feedback ? ` — told the agent: ${answer.feedback}` : ''}`,
      abort: `✗ Denied ${subject} and stopped the turn`,
    }[answer.decision]
    this.store.resolveApproval(request.callId, summary)
    if (request.kind === 'exec') {
      void this.submit({
        type: 'exec_approval',
        id: request.callId,
        decision: answer.decision,
        ...(answer.prefix ? { prefix: answer.prefix } : {}),
        ...(answer.feedback ? { feedback: answer.feedback } : {}),
      })
    } else {
      void this.submit({
        type: 'patch_approval',
        id: request.callId,
        decision: answer.decision,
        ...(answer.feedback ? { feedback: answer.feedback } : {}),
      })
    }
  }

  /** Replaces the agent behind the UI (new or resumed session). */
  private switchTo(connection: AgentConnection): void {
    this.connection = connection
    this.start()
  }

  async resume(id: string): Promise<void> {
    if (!this.actions.resumeSession) return
    try {
      this.switchTo(await this.actions.resumeSession(id))
    } catch (error) {
      this.info(`Could not resume ${id}: ${(error as Error).message}`, 'error')
    }
  }

  private info(text: string, level: 'info' | 'error' | 'warning' = 'info'): void {
    this.store.push({ kind: 'notice', level, text })
  }

  async runCommand(name: string, args: string): Promise<void> {
    const snapshot = this.store.getSnapshot()
    switch (name) {
      case 'help': {
        const width = Math.max(...this.commands.map((c) => c.name.length)) + 2
        const commands = this.commands.map((c) => `  /${c.name.padEnd(width)}${c.description}`)
        const keys = KEY_HELP.map(([k, what]) => `  ${k}: ${what}`)
        this.info(['Commands:', ...commands, '', 'Keys:', ...keys].join('\n'))
        return
      }
      case 'review': {
        // Without the host's review, a plugin's /review (if any) runs.
        if (!this.actions.prepareReview) {
          if (await this.runPromptCommand(name, args)) return
          break
        }
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        let review: ReviewRequest
        try {
          review = await this.actions.prepareReview(args)
        } catch (error) {
          return this.info(`Cannot review: ${(error as Error).message}`, 'error')
        }
        this.promptsSent++
        this.pendingReview = review.present
        // The model answers in JSON; only the findings formatted from it are shown.
        this.store.hideJsonAnswers()
        return this.submit({
          type: 'user_input',
          items: [{ type: 'text', text: review.prompt }],
          output_schema: review.outputSchema,
        })
      }
      case 'init': {
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        if (args !== '' && args !== 'force') return this.info('Usage: /init [force]', 'error')
        const target = join(snapshot.status.cwd, 'AGENTS.md')
        if (args !== 'force' && existsSync(target)) {
          return this.info(
            `${target} already exists: /init force has the agent rewrite it (read it first: it is replaced).`,
            'warning',
          )
        }
        this.promptsSent++
        return this.submit({ type: 'user_input', items: [{ type: 'text', text: INIT_PROMPT }] })
      }
      case 'quit':
      case 'exit':
        this.onExit('user')
        return
      case 'new':
        if (!this.actions.newSession) break
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        try {
          this.switchTo(await this.actions.newSession())
        } catch (error) {
          this.info(`Could not start a new session: ${(error as Error).message}`, 'error')
        }
        return
      case 'resume': {
        if (!this.actions.resumeSession) break
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        if (args) return this.resume(args)
        const sessions = (await this.actions.listSessions?.()) ?? []
        if (sessions.length === 0) return this.info('No past sessions to resume.')
        if (this.onPickSession) return this.onPickSession(sessions)
        this.info(
          [
            'Recent sessions (resume one with /resume ID):',
            ...sessions.slice(0, 10).map((s) => `  ${s.id}  ${s.updatedAt}  ${s.title ?? ''}`),
          ].join('\n'),
        )
        return
      }
      case 'model':
        if (!args) return this.info(`Model: ${snapshot.status.model}. Change it with /model NAME.`)
        await this.submit({ type: 'override_turn_context', model: args })
        this.store.setStatus({ model: args })
        return this.info(`Model set to ${args} for the next turns.`)
      case 'approvals': {
        if (!args) {
          return this.info(
            `Approvals: ${snapshot.status.approval}. Change with /approvals ${APPROVAL_POLICIES.join('|')}:\n` +
              '  untrusted   ask before anything not known to be safe\n' +
              '  on-failure  run in the sandbox; ask to rerun outside it when it fails\n' +
              '  on-request  the agent asks when it needs to leave the sandbox\n' +
              '  never       never ask; failures go back to the agent',
          )
        }
        const policy = APPROVAL_POLICIES.find((p) => p === args)
        if (!policy)
          return this.info(
            `Unknown approval mode "${args}": use one of ${APPROVAL_POLICIES.join(', ')}.`,
            'error',
          )
        await this.submit({ type: 'override_turn_context', approval_policy: policy })
        this.store.setStatus({ approval: policy })
        return this.info(`Approvals set to ${policy}.`)
      }
      case 'diff':
        if (!snapshot.lastDiff) return this.info('No file changes in this session yet.')
        this.store.push({ kind: 'diff', title: 'Changes of the last turn', diff: snapshot.lastDiff })
        return
      case 'undo':
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        return this.submit({ type: 'undo' })
      case 'compact':
        if (snapshot.turnRunning) return this.info('A turn is running: interrupt it first (esc).', 'warning')
        this.info('Compacting the conversation…')
        return this.submit({ type: 'compact' })
      case 'status': {
        const s = snapshot.status
        const lines = [
          `Model:     ${s.model}`,
          `Directory: ${s.cwd}`,
          `Sandbox:   ${s.sandbox}`,
          `Approvals: ${s.approval}`,
          ...(s.sessionId ? [`Session:   ${s.sessionId}`] : []),
          `Tokens:    ${s.totalTokens ?? 0} used${s.contextWindow ? `, context window ${s.contextWindow}` : ''}`,
        ]
        return this.info(lines.join('\n'))
      }
      case 'mcp': {
        const servers =
          (await this.actions.describeMcpServers?.()) ??
          Object.entries(snapshot.mcpServers).map(([name, state]) => `${name}: ${state}`)
        if (servers.length) this.info(['MCP servers:', ...servers.map((l) => `  ${l}`)].join('\n'))
        return this.submit({ type: 'list_mcp_tools' })
      }
      case 'plugins': {
        if (!this.actions.describePlugins) break
        const lines = await this.actions.describePlugins()
        return this.info(
          lines.length ? ['Plugins:', ...lines.map((l) => `  ${l}`)].join('\n') : 'No plugins are loaded.',
        )
      }
      default:
        if (await this.runPromptCommand(name, args)) return
    }
    this.info(`Unknown command /${name}. Type /help for the list.`, 'error')
  }

  /** A plugin's command of that name: sends its expanded prompt. False when there is none. */
  private async runPromptCommand(name: string, args: string): Promise<boolean> {
    const command = this.promptCommands.find((c) => c.name === name)
    if (!command) return false
    try {
      await this.sendPrompt(await command.expand(args))
    } catch (error) {
      const message = (error as Error).message
      this.info(message.startsWith(`/${name}`) ? message : `/${name} failed: ${message}`, 'error')
    }
    return true
  }

  /** `!cmd`: runs in the session's directory, shown like the agent's commands; the agent sees it with the next prompt. */
  async runShell(command: string): Promise<void> {
    if (command === '') return this.info('Type a command after !, e.g. !git status', 'warning')
    const cwd = this.store.getSnapshot().status.cwd
    const callId = `user-shell-${++this.shellRuns}`
    const argv = [this.shell, '-c', command]
    const started = Date.now()
    this.store.apply({ id: callId, msg: { type: 'exec_command_begin', call_id: callId, command: argv, cwd } })
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      let output = ''
      const child = spawn(this.shell, ['-c', command], {
        cwd,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        output += text
        this.store.apply({
          id: callId,
          msg: { type: 'exec_command_output_delta', call_id: callId, stream, chunk: text },
        })
      }
      child.stdout.on('data', onData('stdout'))
      child.stderr.on('data', onData('stderr'))
      child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}\n` }))
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 + 15 : 1), output }))
    })
    this.store.apply({
      id: callId,
      msg: {
        type: 'exec_command_end',
        call_id: callId,
        exit_code: result.code,
        stdout: '',
        stderr: '',
        aggregated_output: result.output,
        duration_ms: Date.now() - started,
      },
    })
    const clipped =
      result.output.length > 16_000
        ? `${result.output.slice(0, 8000)}\n…\n${result.output.slice(-8000)}`
        : result.output
    this.shellContext.push(
      `<user_shell_command>\n$ ${command}\nexit ${result.code}\n${clipped}</user_shell_command>`,
    )
  }
}
