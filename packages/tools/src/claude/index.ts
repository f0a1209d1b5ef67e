// The Claude toolset: the tools Anthropic's models are trained on, with Claude Code's names and
// schemas.
import type { ToolDefinition } from '@agent/core'
import { eraseArgs } from '../shared/tool-kit.js'
import { createClaudeWebFetchTool, type WebFetchOptions } from '../shared/web-fetch.js'
import { bashOutputTool, bashTool, killShellTool } from './bash.js'
import { globTool } from './glob.js'
import { createGrepTool } from './grep.js'
import { readTool } from './read.js'
import { todoWriteTool } from './todo-write.js'
import { editTool, writeTool } from './write-edit.js'

export interface ClaudeToolsetOptions {
  /** Offer `WebFetch` with these limits and allowed domains; `false` leaves it out. Default: offered with the defaults. */
  webFetch?: WebFetchOptions | false
  /** The ripgrep binary Grep runs (default `rg` on PATH). */
  ripgrepPath?: string
  /** Offer `run_in_background` companions `BashOutput` and `KillShell`. Default true. */
  backgroundShells?: boolean
  /** Offer `TodoWrite`. Default true. */
  todos?: boolean
}

/** The Claude Code tools, ready for `createAgent({ tools })`. */
export function claudeToolset(options: ClaudeToolsetOptions = {}): ToolDefinition[] {
  const grep = options.ripgrepPath ? createGrepTool({ ripgrepPath: options.ripgrepPath }) : createGrepTool()
  const tools = [
    eraseArgs(bashTool),
    eraseArgs(readTool),
    eraseArgs(writeTool),
    eraseArgs(editTool),
    eraseArgs(globTool),
    eraseArgs(grep),
  ]
  if (options.todos !== false) tools.push(eraseArgs(todoWriteTool))
  if (options.backgroundShells !== false) tools.push(eraseArgs(bashOutputTool), eraseArgs(killShellTool))
  if (options.webFetch !== false) tools.push(eraseArgs(createClaudeWebFetchTool(options.webFetch ?? {})))
  return tools
}
