// Hook configuration (`{"hooks": {Event: [{matcher, hooks: [{type, command, timeout}]}]}}`)
// flattened into registrations: one per command handler, with its origin and plugin root.
import type { DiagnosticSink } from './diagnostics.js'
import { validateWith } from './located.js'
import { type ComponentOrigin, substitutePluginRoot } from './origin.js'
import { HooksConfigSchema } from './schemas.js'

/** The events this runtime fires (Claude Code's, plus `BeforeModelRequest`/`AfterModelResponse`). */
export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'UserPromptSubmit',
  'Stop',
  'SubagentStop',
  'SessionStart',
  'SessionEnd',
  'PreCompact',
  'Notification',
  'PermissionRequest',
  'BeforeModelRequest',
  'AfterModelResponse',
] as const
export type HookEvent = (typeof HOOK_EVENTS)[number]

export interface HookRegistration {
  event: string
  /** '' when the group had no matcher (matches everything). */
  matcher: string
  /** The shell command, `${CLAUDE_PLUGIN_ROOT}` substituted; run as `bash -c command`. */
  command: string
  /** Seconds, from the handler's `timeout`. */
  timeoutSec?: number
  origin: ComponentOrigin
}

/**
 * Flattens a hooks event map. `text` is the file's text and `path` the location of the map in
 * it (`['hooks']` in settings files), both only for locating problems.
 */
export function registrationsFromConfig(
  config: unknown,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
  text: string,
  path: (string | number)[],
): HookRegistration[] {
  const checked = validateWith(HooksConfigSchema, config, text, { path })
  if (!checked.ok) {
    sink.error(origin.file, `hooks skipped: ${checked.reason}`, { line: checked.line, plugin: origin.plugin })
    return []
  }
  const out: HookRegistration[] = []
  const known = new Set<string>(HOOK_EVENTS)
  for (const [event, groups] of Object.entries(checked.value)) {
    if (!known.has(event)) {
      sink.warning(
        origin.file,
        `hook event "${event}" is not fired by this runtime (known: ${HOOK_EVENTS.join(', ')}); its hooks never run`,
        { plugin: origin.plugin },
      )
    }
    for (const group of groups) {
      for (const handler of group.hooks) {
        if (handler.type !== 'command') {
          sink.warning(
            origin.file,
            `${event}: hook type "${handler.type}" is not supported (only "command"); skipped`,
            { plugin: origin.plugin },
          )
          continue
        }
        if (handler.command === undefined || handler.command.trim() === '') {
          sink.error(origin.file, `${event}: a "command" hook needs a non-empty "command"; skipped`, {
            plugin: origin.plugin,
          })
          continue
        }
        out.push({
          event,
          matcher: group.matcher ?? '',
          command: substitutePluginRoot(handler.command, origin.pluginRoot),
          ...(handler.timeout !== undefined ? { timeoutSec: handler.timeout } : {}),
          origin,
        })
      }
    }
  }
  return out
}
