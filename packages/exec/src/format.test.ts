import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countLines, formatForModel, truncateMiddle } from './format.js'

const result = (aggregatedOutput: string, extra: Partial<Parameters<typeof formatForModel>[0]> = {}) => ({
  exitCode: 0,
  durationMs: 1234,
  aggregatedOutput,
  ...extra,
})

describe('countLines', () => {
  it('counts like Rust str::lines', () => {
    expect(countLines('')).toBe(0)
    expect(countLines('a')).toBe(1)
    expect(countLines('a\n')).toBe(1)
    expect(countLines('a\n\nb')).toBe(3)
    expect(countLines('\n')).toBe(1)
    expect(countLines('a\r\nb\r\n')).toBe(2)
  })
})

describe('truncateMiddle', () => {
  it('leaves text within the budget alone', () => {
    expect(truncateMiddle('short', 5)).toEqual({ text: 'short', removedChars: 0 })
  })

  it('measures the budget in UTF-8 bytes, not characters', () => {
    const text = 'é✓😀' // 2 + 3 + 4 bytes in 4 UTF-16 units
    expect(truncateMiddle(text, 9)).toEqual({ text, removedChars: 0 })
    expect(truncateMiddle(text, 8).removedChars).toBeGreaterThan(0)
  })

  it('keeps half the budget at each end with a char-count marker', () => {
    expect(truncateMiddle('abcdefghij', 4).text).toBe('ab…6 chars truncated…ij')
    // An odd budget gives the tail the extra byte.
    expect(truncateMiddle('abcdefghij', 5).text).toBe('ab…5 chars truncated…hij')
  })

  it('never splits a multi-byte character', () => {
    // Each 世 is 3 bytes: a budget of 8 keeps one whole character at each end.
    expect(truncateMiddle('世世世世', 8).text).toBe('世…2 chars truncated…世')
    const emoji = '😀'.repeat(10)
    const cut = truncateMiddle(`${emoji}\nsecond line with text\n`, 20).text
    expect(cut).toBe('😀😀…21 chars truncated…with text\n')
    expect(cut).not.toContain('\uFFFD')
  })

  it('keeps whole characters within the budget and counts what it removed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.nat(80), (text, budget) => {
        const { text: cut, removedChars } = truncateMiddle(text, budget)
        if (Buffer.byteLength(text) <= budget) {
          expect(cut).toBe(text)
          return
        }
        const match = /^([\s\S]*)…(\d+) chars truncated…([\s\S]*)$/.exec(cut)!
        const [, head, removed, tail] = match
        expect(Number(removed)).toBe(removedChars)
        expect(text.startsWith(head!)).toBe(true)
        expect(text.endsWith(tail!)).toBe(true)
        expect(Buffer.byteLength(head!)).toBeLessThanOrEqual(Math.floor(budget / 2))
        expect(Buffer.byteLength(tail!)).toBeLessThanOrEqual(budget - Math.floor(budget / 2))
        expect([...head!].length + removedChars + [...tail!].length).toBe([...text].length)
      }),
    )
  })

  it('keeps only the marker for a zero budget', () => {
    expect(truncateMiddle('abcdef', 0).text).toBe('…6 chars truncated…')
  })
})

describe('formatForModel', () => {
  it('formats a short result like Codex: no line total when nothing was cut', () => {
    expect(formatForModel(result('hello\nworld\n'))).toBe(
      'Exit code: 0\nWall time: 1.2 seconds\nOutput:\nhello\nworld\n',
    )
  })

  it('rounds wall time to a tenth of a second', () => {
    expect(formatForModel(result('', { durationMs: 2000 }))).toContain('Wall time: 2 seconds')
    expect(formatForModel(result('', { durationMs: 49 }))).toContain('Wall time: 0 seconds')
    expect(formatForModel(result('', { durationMs: 150 }))).toContain('Wall time: 0.2 seconds')
  })

  it('truncates the middle and states the total line count', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n')
    const text = formatForModel(result(lines, { exitCode: 1 }), { maxBytes: 200 })
    const [header, body] = text.split('\nOutput:\n')
    expect(header).toBe('Exit code: 1\nWall time: 1.2 seconds\nTotal output lines: 1000')
    expect(body!.startsWith('line 0\nline 1\n')).toBe(true)
    expect(body!.endsWith('line 998\nline 999')).toBe(true)
    expect(body).toMatch(/…\d+ chars truncated…/)
    expect(Buffer.byteLength(body!.replace(/…\d+ chars truncated…/, ''))).toBeLessThanOrEqual(200)
  })

  it('states a timeout and a start failure in the output', () => {
    expect(formatForModel(result('partial', { exitCode: 124, timedOut: true, durationMs: 10_000 }))).toBe(
      'Exit code: 124\nWall time: 10 seconds\nOutput:\ncommand timed out after 10000 milliseconds\npartial',
    )
    expect(
      formatForModel(result('', { exitCode: 127, error: 'command not found: foo', durationMs: 1 })),
    ).toBe('Exit code: 127\nWall time: 0 seconds\nOutput:\ncommand not found: foo')
  })
})
