// The text the model sees for a finished command, in Codex's freeform layout: a short header
// (exit code, wall time, line count when output was cut) and the output cut in the middle.

/** Default byte budget for the output part (Codex's default for exec output is about 10 KB). */
export const DEFAULT_MODEL_OUTPUT_BYTES = 10 * 1024

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80

/** Counts lines the way Rust's `str::lines` does: a trailing newline does not start a new line. */
export function countLines(text: string): number {
  if (text === '') return 0
  let count = 1
  let index = text.indexOf('\n')
  while (index !== -1) {
    if (index < text.length - 1) count++
    index = text.indexOf('\n', index + 1)
  }
  return count
}

/**
 * Cut `text` to at most `maxBytes` UTF-8 bytes plus a `…N chars truncated…` marker, keeping the
 * first half of the budget and the last half. Cuts fall on character boundaries only.
 */
export function truncateMiddle(text: string, maxBytes: number): { text: string; removedChars: number } {
  if (text === '') return { text, removedChars: 0 }
  const budget = Math.max(0, Math.floor(maxBytes))
  // The common case, output within budget, needs neither a copy nor (for short text) a count:
  // a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= budget || Buffer.byteLength(text, 'utf8') <= budget) return { text, removedChars: 0 }
  const bytes = Buffer.from(text, 'utf8')
  if (budget === 0) {
    const all = [...text].length
    return { text: `…${all} chars truncated…`, removedChars: all }
  }
  const left = Math.floor(budget / 2)
  const right = budget - left
  // Keep the characters that end within the head budget...
  let prefixEnd = left
  while (prefixEnd > 0 && isContinuation(bytes[prefixEnd])) prefixEnd--
  // ...and the ones that start within the tail budget.
  let suffixStart = bytes.length - right
  while (suffixStart < bytes.length && isContinuation(bytes[suffixStart])) suffixStart++
  if (suffixStart < prefixEnd) suffixStart = prefixEnd
  let removedChars = 0
  for (let i = prefixEnd; i < suffixStart; i++) if (!isContinuation(bytes[i])) removedChars++
  const head = bytes.subarray(0, prefixEnd).toString('utf8')
  const tail = bytes.subarray(suffixStart).toString('utf8')
  return { text: `${head}…${removedChars} chars truncated…${tail}`, removedChars }
}

/** The parts of a run result that the model's view is made of. */
export interface FormattableResult {
  exitCode: number
  durationMs: number
  aggregatedOutput: string
  timedOut?: boolean
  error?: string
}

export interface FormatForModelOptions {
  /** Byte budget for the output part (default 10 KiB). */
  maxBytes?: number
}

/**
 * Format a result for the model:
 * `Exit code: N\nWall time: S seconds\n[Total output lines: L\n]Output:\n<output>`.
 * As in Codex, the line total appears only when truncation changed the number of lines, a
 * timeout is stated at the top of the output, and wall time is rounded to a tenth of a second.
 * A start failure (`error`) is shown as the output, so the model learns why nothing ran.
 */
export function formatForModel(result: FormattableResult, options: FormatForModelOptions = {}): string {
  const seconds = Math.round(result.durationMs / 100) / 10
  let content = result.aggregatedOutput
  if (result.error) content = content ? `${result.error}\n${content}` : result.error
  if (result.timedOut)
    content = `command timed out after ${Math.round(result.durationMs)} milliseconds\n${content}`
  const totalLines = countLines(content)
  const output = truncateMiddle(content, options.maxBytes ?? DEFAULT_MODEL_OUTPUT_BYTES).text
  const sections = [`Exit code: ${result.exitCode}`, `Wall time: ${seconds} seconds`]
  if (totalLines !== countLines(output)) sections.push(`Total output lines: ${totalLines}`)
  sections.push('Output:', output)
  return sections.join('\n')
}
