// Entry point: runs the interactive session over a connection until the user leaves. A TTY
// gets the Ink UI; anything else (a pipe, a dumb terminal) gets the plain-text mode.
import { render } from 'ink'
import type { HostActions, PromptCommand, SessionChoice } from './commands.js'
import type { AgentConnection } from './connection.js'
import { SessionController } from './controller.js'
import { listProjectFiles } from './input/completion.js'
import { PromptHistory } from './input/history.js'
import { runPlain } from './plain.js'
import { createTheme, wantsColor } from './render/theme.js'
import { guardTerminal } from './terminal-guard.js'
import { type StatusInfo, TranscriptStore } from './transcript/store.js'
import { App } from './ui/App.js'
import { SessionPicker } from './ui/SessionPicker.js'

export interface InteractiveOptions {
  connection: AgentConnection
  /** What the status line shows until the session says otherwise. */
  status: Pick<StatusInfo, 'model' | 'cwd' | 'sandbox' | 'approval'>
  stdin?: NodeJS.ReadStream
  stdout?: NodeJS.WriteStream
  env?: NodeJS.ProcessEnv
  /** Slash commands from plugins. */
  commands?: readonly PromptCommand[]
  /** What the host can do for `/new`, `/resume`, `/plugins`, `/mcp`. */
  actions?: HostActions
  /** Prompt history file, shared across sessions (e.g. `$AGENT_HOME/history.jsonl`). */
  historyFile?: string
  /** A prompt to send right away. */
  initialPrompt?: string
  /** `plain` forces the line mode; default: Ink on a TTY, plain otherwise. */
  mode?: 'auto' | 'plain' | 'ink'
  /** UI frame interval (default 1000/12 ms): events are coalesced to this rate. */
  frameMs?: number
}

export interface InteractiveResult {
  /** Why the UI ended: the user left, or the agent's event stream ended. */
  reason: 'user' | 'agent_ended'
}

export async function runInteractive(options: InteractiveOptions): Promise<InteractiveResult> {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const env = options.env ?? process.env
  const tty = Boolean(stdin.isTTY && stdout.isTTY) && env.TERM !== 'dumb'
  const mode = options.mode === 'auto' || options.mode === undefined ? (tty ? 'ink' : 'plain') : options.mode
  const theme = createTheme(wantsColor(env, Boolean(stdout.isTTY)))
  const store = new TranscriptStore({
    theme,
    status: { ...options.status },
    ...(options.frameMs !== undefined
      ? { frameMs: options.frameMs }
      : mode === 'plain'
        ? { frameMs: 0 }
        : {}),
  })
  const history = new PromptHistory({ file: options.historyFile })

  if (mode === 'plain') {
    return runPlain({ ...options, stdin, stdout, env, store, history, theme })
  }

  let files: readonly string[] = []
  void listProjectFiles(options.status.cwd).then(
    (list) => {
      files = list
    },
    () => undefined,
  )

  const guard = guardTerminal(stdin, stdout)
  let finish!: (result: InteractiveResult) => void
  const done = new Promise<InteractiveResult>((resolve) => {
    finish = resolve
  })
  let openPicker: ((sessions: SessionChoice[]) => void) | undefined
  const controller = new SessionController({
    connection: options.connection,
    store,
    actions: options.actions,
    promptCommands: options.commands,
    env,
    onExit: (reason) => finish({ reason }),
    onPickSession: (sessions) => openPicker?.(sessions),
  })
  const instance = render(
    <App
      store={store}
      controller={controller}
      theme={theme}
      history={history}
      files={() => files}
      registerPicker={(open) => {
        openPicker = open
      }}
      onExit={() => finish({ reason: 'user' })}
    />,
    { stdin, stdout, exitOnCtrlC: false, patchConsole: true, maxFps: 30 },
  )
  controller.start()
  if (options.initialPrompt) void controller.send(options.initialPrompt)
  try {
    const result = await Promise.race([
      done,
      // An error thrown while rendering ends the UI too; the terminal is still restored below.
      instance.waitUntilExit().then(() => ({ reason: 'user' as const })),
    ])
    store.flush()
    return result
  } finally {
    controller.stop()
    store.dispose()
    instance.unmount()
    await instance.waitUntilExit().catch(() => undefined)
    guard.release()
  }
}

export interface PickSessionOptions {
  sessions: readonly SessionChoice[]
  stdin?: NodeJS.ReadStream
  stdout?: NodeJS.WriteStream
  env?: NodeJS.ProcessEnv
}

/** Asks the user to pick one of `sessions` (for `agent resume`); `undefined` when they cancel. */
export async function pickSession(options: PickSessionOptions): Promise<string | undefined> {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const env = options.env ?? process.env
  const theme = createTheme(wantsColor(env, Boolean(stdout.isTTY)))
  const guard = guardTerminal(stdin, stdout)
  let picked: string | undefined
  const instance = render(
    <SessionPicker
      sessions={options.sessions}
      theme={theme}
      maxRows={Math.min(15, (stdout.rows || 24) - 2)}
      onPick={(id) => {
        picked = id
        instance.unmount()
      }}
    />,
    { stdin, stdout, exitOnCtrlC: false, patchConsole: false },
  )
  try {
    await instance.waitUntilExit()
  } finally {
    guard.release()
  }
  return picked
}
