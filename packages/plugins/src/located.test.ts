import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { lineOfPath, parseFrontmatter, parseJsonText, validateWith } from './located.js'
import { loadTextParsers } from './text-parsers.js'

// The parsers load lazily; the file readers await them, and so does this suite.
beforeAll(() => loadTextParsers())

describe('parseJsonText', () => {
  it('parses strict JSON and locates syntax errors by line', () => {
    expect(parseJsonText('{"a": [1]}')).toEqual({ ok: true, value: { a: [1] } })
    expect(parseJsonText('{\n  "a": 1,\n  "b": 2,\n}\n')).toMatchObject({ ok: false, line: 4 })
    expect(parseJsonText('{\n  // no comments\n  "a": 1\n}')).toMatchObject({ ok: false, line: 2 })
    const missing = parseJsonText('{\n  "a": [\n}\n')
    expect(missing).toMatchObject({ ok: false, line: 3, reason: expect.stringMatching(/^invalid JSON: /) })
  })
})

describe('validateWith / lineOfPath', () => {
  it('names the field and the line of the first issue', () => {
    const text = '{\n  "name": "x",\n  "list": [\n    1,\n    "two"\n  ]\n}\n'
    const result = validateWith(
      z.object({ name: z.string(), list: z.array(z.number()) }),
      JSON.parse(text),
      text,
    )
    expect(result).toMatchObject({ ok: false, line: 5, reason: expect.stringMatching(/^list\.1: /) })
    expect(lineOfPath(text, ['missing', 'deeper'])).toBe(1)
  })
})

describe('parseFrontmatter', () => {
  it('splits YAML frontmatter from the body', () => {
    const parsed = parseFrontmatter('---\nname: x\ntools:\n  - Read\n---\n\n# Body\n')
    expect(parsed).toMatchObject({
      ok: true,
      value: { data: { name: 'x', tools: ['Read'] }, body: '# Body\n' },
    })
  })

  it('accepts Windows line endings and a byte-order mark', () => {
    const parsed = parseFrontmatter('\uFEFF---\r\nname: x\r\ndescription: Fix: it\r\n---\r\n\r\nbody\r\n')
    expect(parsed).toMatchObject({
      ok: true,
      value: { data: { name: 'x', description: 'Fix: it' }, body: 'body\n' },
    })
    expect(parseFrontmatter('---\r\nname: y\r\n---\r\nb')).toMatchObject({
      ok: true,
      value: { data: { name: 'y' } },
    })
  })

  it('treats a file without frontmatter as all body', () => {
    expect(parseFrontmatter('Just do $ARGUMENTS\n')).toMatchObject({
      ok: true,
      value: { data: {}, body: 'Just do $ARGUMENTS\n' },
    })
  })

  it('reports YAML errors at their file line', () => {
    expect(parseFrontmatter('---\na: 1\nb:\n  - x\n - y\n---\n')).toMatchObject({ ok: false, line: 5 })
    expect(parseFrontmatter('---\n- a list\n---\n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('mapping'),
    })
  })
})
