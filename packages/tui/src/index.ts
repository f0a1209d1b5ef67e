// @agent/tui: the interactive terminal UI of the agent runtime (Ink + React). It talks to an
// agent only through protocol ops and events, so it can drive an in-process or a remote agent.
export type { CommandInfo, HostActions, PromptCommand, ReviewRequest, SessionChoice } from './commands.js'
export { BUILTIN_COMMANDS, INIT_PROMPT } from './commands.js'
export type { AgentConnection } from './connection.js'
export type { InteractiveOptions, InteractiveResult, PickSessionOptions } from './run.js'
export { pickSession, runInteractive } from './run.js'
export type { StatusInfo } from './transcript/store.js'
