// Session modes: the approval presets users know from Codex, offered to the client as ACP modes.
import type { SessionMode } from '@agentclientprotocol/sdk'
import type { ModeSettings } from './host.js'

export const MODES = [
  {
    id: 'read-only',
    name: 'Read only',
    description: 'Reads files and runs read-only commands; asks before any edit or command that writes.',
    settings: { approvalPolicy: 'on-request', sandboxMode: 'read-only' },
  },
  {
    id: 'auto',
    name: 'Auto',
    description: 'Edits the workspace and runs commands in the sandbox; asks to go beyond it.',
    settings: { approvalPolicy: 'on-request', sandboxMode: 'workspace-write' },
  },
  {
    id: 'full-access',
    name: 'Full access',
    description: 'Runs anything without asking, unconfined, network included. Use with care.',
    settings: { approvalPolicy: 'never', sandboxMode: 'danger-full-access' },
  },
] as const satisfies readonly (SessionMode & { settings: ModeSettings })[]

export type ModeId = (typeof MODES)[number]['id']

export function findMode(id: string) {
  return MODES.find((mode) => mode.id === id)
}

/** The preset closest to the configured settings: the sandbox decides, `auto` by default. */
export function modeFor(settings: ModeSettings | undefined): ModeId {
  if (!settings) return 'auto'
  if (settings.sandboxMode === 'danger-full-access') return 'full-access'
  if (settings.sandboxMode === 'read-only') return 'read-only'
  return 'auto'
}

export function availableModes(): SessionMode[] {
  return MODES.map(({ id, name, description }) => ({ id, name, description }))
}
