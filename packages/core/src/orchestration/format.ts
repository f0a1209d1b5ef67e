// The default text a model sees for a finished command (Codex's layout). Embedders normally
// inject `@agent/exec`'s `formatForModel` instead; this keeps core usable on its own.
import type { RunResult } from '../ports/runner.js'

export type ExecOutputFormatter = (result: RunResult) => string

const DEFAULT_MAX_CHARS = 16 * 1024

export function formatExecResult(result: RunResult, maxChars = DEFAULT_MAX_CHARS): string {
  const output = result.error ? `${result.error}\n${result.aggregatedOutput}` : result.aggregatedOutput
  const lines = output.length === 0 ? 0 : output.split('\n').length - (output.endsWith('\n') ? 1 : 0)
  const parts = [
    `Exit code: ${result.exitCode}`,
    `Wall time: ${(result.durationMs / 1000).toFixed(1)} seconds`,
  ]
  if (result.timedOut) parts.push('Timed out: the command was killed when its time limit passed')
  if (lines > 0) parts.push(`Total output lines: ${lines}`)
  parts.push('Output:', truncateMiddle(output, maxChars))
  return parts.join('\n')
}

/** Keeps the head and the tail, never splitting a surrogate pair. */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const half = Math.floor(maxChars / 2)
  let headEnd = half
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--
  let tailStart = text.length - half
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++
  return `${text.slice(0, headEnd)}\n…${tailStart - headEnd} chars truncated…\n${text.slice(tailStart)}`
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff
