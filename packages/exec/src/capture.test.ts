import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HeadTailCapture } from './capture.js'

describe('HeadTailCapture', () => {
  it('keeps everything within the limit', () => {
    const capture = new HeadTailCapture(16)
    capture.push(Buffer.from('hello '))
    capture.push(Buffer.from('world'))
    expect(capture.text()).toBe('hello world')
    expect(capture.truncated).toBe(false)
    expect(capture.totalBytes).toBe(11)
  })

  it('keeps the first and last half of the limit, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.nat(64),
        fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 12 }),
        (limit, chunks) => {
          const capture = new HeadTailCapture(limit)
          for (const chunk of chunks) capture.push(chunk)
          const all = Buffer.concat(chunks)
          const head = Math.floor(limit / 2)
          const expected =
            all.length <= limit
              ? all
              : Buffer.concat([all.subarray(0, head), all.subarray(all.length - (limit - head))])
          expect(capture.bytes().equals(expected)).toBe(true)
          expect(capture.totalBytes).toBe(all.length)
          expect(capture.truncated).toBe(all.length > limit)
          expect(capture.droppedBytes).toBe(all.length - expected.length)
        },
      ),
    )
  })

  it('marks the cut and never splits a character at either side of it', () => {
    const capture = new HeadTailCapture(10)
    // 'é' is 2 bytes, '€' is 3: the 5-byte head ends inside a character, as does the tail start.
    capture.push(Buffer.from('abcdé€€€€€xyz€wv'))
    const text = capture.text()
    expect(text).not.toContain('\uFFFD')
    expect(text).toMatch(/^abcd…\d+ bytes truncated…wv$|^abcd…\d+ bytes truncated…€wv$/)
    const dropped = Number(/…(\d+) bytes truncated…/.exec(text)![1])
    expect(Buffer.byteLength(text.replace(/…\d+ bytes truncated…/, '')) + dropped).toBe(capture.totalBytes)
  })

  it('decodes invalid UTF-8 to replacement characters', () => {
    const capture = new HeadTailCapture()
    capture.push(Uint8Array.from([0x61, 0xff, 0x00, 0x62]))
    expect(capture.text()).toBe('a\uFFFD\0b')
  })
})
