// Finds where a chunk's old lines sit in a file, in passes of decreasing strictness, so that a
// patch written with slightly different whitespace or ASCII punctuation still lands.

const PUNCTUATION: Record<string, string> = {}
for (const c of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212') PUNCTUATION[c] = '-'
for (const c of '\u2018\u2019\u201A\u201B') PUNCTUATION[c] = "'"
for (const c of '\u201C\u201D\u201E\u201F') PUNCTUATION[c] = '"'
for (const c of '\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000') {
  PUNCTUATION[c] = ' '
}
const PUNCTUATION_RE = new RegExp(`[${Object.keys(PUNCTUATION).join('')}]`, 'g')

/** Typographic dashes, quotes and odd spaces become their ASCII look-alikes. */
export function normalisePunctuation(line: string): string {
  return line.trim().replace(PUNCTUATION_RE, (c) => PUNCTUATION[c] ?? c)
}

const PASSES: ((line: string) => string)[] = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  normalisePunctuation,
]

/**
 * Index of the first occurrence of `pattern` in `lines` at or after `start`, or -1.
 * With `eof`, the match at the very end of the file is tried first.
 */
export function seekSequence(lines: string[], pattern: string[], start: number, eof: boolean): number {
  if (pattern.length === 0) return start
  if (pattern.length > lines.length) return -1
  const from = eof ? lines.length - pattern.length : start
  const last = lines.length - pattern.length
  for (const normalise of PASSES) {
    const wanted = pattern.map(normalise)
    for (let i = from; i <= last; i++) {
      let ok = true
      for (let j = 0; j < wanted.length; j++) {
        if (normalise(lines[i + j] as string) !== wanted[j]) {
          ok = false
          break
        }
      }
      if (ok) return i
    }
  }
  // An end-of-file chunk whose lines are not at the end may still be anywhere after `start`.
  if (eof && from !== start) return seekSequence(lines, pattern, start, false)
  return -1
}
