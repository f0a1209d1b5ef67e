// The Codex toolset: the tools OpenAI's models are trained on, with Codex's names and schemas.
import type { ToolDefinition } from '@agent/core'
import { eraseArgs } from '../shared/tool-kit.js'
import { createCodexWebFetchTool, type WebFetchOptions } from '../shared/web-fetch.js'
import { applyPatchTool } from './apply-patch-tool.js'
import { execCommandTool, writeStdinTool } from './exec-command.js'
import { shellTool } from './shell.js'
import { updatePlanTool } from './update-plan.js'
import { viewImageTool } from './view-image.js'

export interface CodexToolsetOptions {
  /** Offer `web_fetch` with these limits and allowed domains; `false` leaves it out. Default: offered with the defaults. */
  webFetch?: WebFetchOptions | false
  /** Offer `exec_command`/`write_stdin` (interactive processes). Default true. */
  unifiedExec?: boolean
  /** Offer `view_image`; only for models that accept images. Default true. */
  viewImage?: boolean
  /** Offer `update_plan`. Default true. */
  plan?: boolean
}

/** The Codex tools, ready for `createAgent({ tools })`. */
export function codexToolset(options: CodexToolsetOptions = {}): ToolDefinition[] {
  const tools = [eraseArgs(shellTool), eraseArgs(applyPatchTool)]
  if (options.unifiedExec !== false) tools.push(eraseArgs(execCommandTool), eraseArgs(writeStdinTool))
  if (options.plan !== false) tools.push(eraseArgs(updatePlanTool))
  if (options.viewImage !== false) tools.push(eraseArgs(viewImageTool))
  if (options.webFetch !== false) tools.push(eraseArgs(createCodexWebFetchTool(options.webFetch ?? {})))
  return tools
}
