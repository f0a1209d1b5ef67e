// The bottom line: model, directory, sandbox and approval mode, tokens used and context left.
import { Text } from 'ink'
import type { Theme } from '../render/theme.js'
import type { StatusInfo } from '../transcript/store.js'

export function statusText(status: StatusInfo, columns: number, hint?: string): string {
  const parts = [status.model, `sandbox ${status.sandbox}`, `approvals ${status.approval}`]
  if (status.totalTokens !== undefined) {
    let tokens = `${formatTokens(status.totalTokens)} tokens`
    if (status.contextWindow && status.contextTokens !== undefined) {
      const left = Math.max(0, Math.round(100 * (1 - status.contextTokens / status.contextWindow)))
      tokens += ` · ${left}% context left`
    }
    parts.push(tokens)
  }
  parts.push(shortenPath(status.cwd))
  let text = parts.join(' · ')
  if (hint) text = `${hint}  ${text}`
  return text.length > columns ? `${text.slice(0, Math.max(0, columns - 1))}…` : text
}

export interface StatusLineProps {
  status: StatusInfo
  theme: Theme
  columns: number
  hint?: string | undefined
  /** What the running turn is doing ("Working 12s"); shown first, with how to interrupt. */
  activity?: string | undefined
}

/** One line, always: the live region stays small, so redrawing it while text streams is cheap. */
export function StatusLine({ status, theme, columns, hint, activity }: StatusLineProps) {
  if (activity === undefined)
    return <Text wrap="truncate">{theme.dim(statusText(status, columns, hint))}</Text>
  const lead = `◌ ${activity} · esc to interrupt │ `
  const rest = statusText(status, Math.max(0, columns - lead.length), hint)
  return (
    <Text wrap="truncate">
      {theme.accent('◌')} {theme.bold(activity)}
      {theme.dim(` · esc to interrupt │ ${rest}`)}
    </Text>
  )
}

export function formatTokens(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

function shortenPath(path: string): string {
  const home = process.env.HOME
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path
}
