// The environment tag that lets a run find processes which left its session (opt-in
// `trackEscapes`): descendants inherit the variable even after a double fork and setsid.
import { randomUUID } from 'node:crypto'

/** Name of the variable `trackEscapes` adds to a child's environment. */
export const ESCAPE_MARKER_VAR = 'AGENT_EXEC_RUN_ID'

/** A fresh `NAME=value` marker. */
export function newEscapeMarker(): string {
  return `${ESCAPE_MARKER_VAR}=${randomUUID()}`
}

/** `env` plus the marker variable. */
export function withMarker(env: Record<string, string | undefined>, marker: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value
  out[ESCAPE_MARKER_VAR] = marker.slice(ESCAPE_MARKER_VAR.length + 1)
  return out
}
