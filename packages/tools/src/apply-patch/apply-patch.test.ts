import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyChunks, commitPlanned, planPatch, toFileChanges } from './apply.js'
import { runApplyPatchCli } from './cli.js'
import { IMPLICIT_INVOCATION_MESSAGE, parseApplyPatchInvocation } from './invocation.js'
import { PatchParseError, parsePatch } from './parser.js'
import { normalisePunctuation, seekSequence } from './seek-sequence.js'

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-patch-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function cli(patch: string, cwd = dir) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d) => {
    out += d
  })
  stderr.on('data', (d) => {
    err += d
  })
  const code = await runApplyPatchCli({ stdin: patch, stdout, stderr, cwd })
  return { code, out, err }
}

describe('parsePatch', () => {
  it('parses add, delete, update with move and context', () => {
    const parsed = parsePatch(
      wrap(
        '*** Add File: a.txt\n+one\n+two\n*** Delete File: b.txt\n*** Update File: c.py\n*** Move to: d.py\n@@ def f():\n-    pass\n+    return 1',
      ),
    )
    expect(parsed.hunks).toEqual([
      { type: 'add', path: 'a.txt', contents: 'one\ntwo\n' },
      { type: 'delete', path: 'b.txt' },
      {
        type: 'update',
        path: 'c.py',
        movePath: 'd.py',
        chunks: [
          {
            changeContext: 'def f():',
            oldLines: ['    pass'],
            newLines: ['    return 1'],
            isEndOfFile: false,
          },
        ],
      },
    ])
  })

  it('gives Codex’s messages for bad boundaries and hunks', () => {
    expect(() => parsePatch('bad')).toThrow(
      "invalid patch: The first line of the patch must be '*** Begin Patch'",
    )
    expect(() => parsePatch('*** Begin Patch\nbad')).toThrow(
      "invalid patch: The last line of the patch must be '*** End Patch'",
    )
    expect(() => parsePatch(wrap('*** Update File: t.py'))).toThrow(
      "invalid hunk at line 2, Update file hunk for path 't.py' is empty",
    )
    try {
      parsePatch(wrap('*** Frobnicate File: x'))
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(PatchParseError)
      expect((error as PatchParseError).lineNumber).toBe(2)
      expect((error as PatchParseError).detail).toContain(
        "'*** Frobnicate File: x' is not a valid hunk header",
      )
    }
    expect(() => parsePatch(wrap('*** Update File: a\n@@\nxyz'))).toThrow(
      "Unexpected line found in update hunk: 'xyz'",
    )
  })

  it('accepts the heredoc wrapper and padded markers', () => {
    const parsed = parsePatch(`<<'EOF'\n${wrap('*** Add File: x\n+hi')}\nEOF\n`)
    expect(parsed.hunks).toEqual([{ type: 'add', path: 'x', contents: 'hi\n' }])
    expect(parsed.patch.startsWith('*** Begin Patch')).toBe(true)
    expect(parsePatch(' *** Begin Patch \n  *** Add File: y\n+a\n *** End Patch ').hunks).toHaveLength(1)
  })

  it('accepts a first chunk without @@ and an end-of-file marker', () => {
    const parsed = parsePatch(wrap('*** Update File: f\n import x\n+y\n*** End of File'))
    expect(parsed.hunks[0]).toMatchObject({
      chunks: [{ oldLines: ['import x'], newLines: ['import x', 'y'], isEndOfFile: true }],
    })
  })
})

describe('seekSequence', () => {
  it('matches exactly, then ignoring trailing, then surrounding whitespace, then punctuation', () => {
    expect(seekSequence(['a', 'b', 'c'], ['b', 'c'], 0, false)).toBe(1)
    expect(seekSequence(['a  ', 'b\t'], ['a', 'b'], 0, false)).toBe(0)
    expect(seekSequence(['   a  ', '\tb'], ['a', 'b'], 0, false)).toBe(0)
    expect(seekSequence(['say “hi” — now'], ['say "hi" - now'], 0, false)).toBe(0)
    expect(seekSequence(['x'], ['x', 'y'], 0, false)).toBe(-1)
    expect(seekSequence(['x', 'y', 'x'], ['x'], 0, true)).toBe(2)
  })

  it('normalises typographic punctuation', () => {
    expect(normalisePunctuation('\u00a0‘a’\u2013“b”\u3000')).toBe('\'a\'-"b"')
  })
})

describe('applyChunks', () => {
  it('keeps CRLF files CRLF', () => {
    const out = applyChunks('a\r\nb\r\n', [{ oldLines: ['b'], newLines: ['c'], isEndOfFile: false }], 'f')
    expect(out).toBe('a\r\nc\r\n')
  })

  it('inserts a pure addition after its @@ context line', () => {
    const out = applyChunks(
      'class A:\n  x = 1\nclass B:\n  y = 2\n',
      [{ changeContext: 'class B:', oldLines: [], newLines: ['  z = 3'], isEndOfFile: false }],
      'f',
    )
    expect(out).toBe('class A:\n  x = 1\nclass B:\n  z = 3\n  y = 2\n')
  })

  it('reports a missing context with Codex’s message', () => {
    expect(() =>
      applyChunks(
        'a\n',
        [{ changeContext: 'nope', oldLines: ['a'], newLines: ['b'], isEndOfFile: false }],
        'f.txt',
      ),
    ).toThrow("Failed to find context 'nope' in f.txt")
    expect(() =>
      applyChunks('a\n', [{ oldLines: ['zz'], newLines: ['b'], isEndOfFile: false }], 'f.txt'),
    ).toThrow('Failed to find expected lines in f.txt:\nzz')
  })
})

describe('planPatch / commitPlanned', () => {
  it('refuses a whole patch when one hunk conflicts, leaving files untouched', async () => {
    await writeFile(join(dir, 'keep.txt'), 'one\n')
    const parsed = parsePatch(wrap('*** Add File: new.txt\n+x\n*** Update File: keep.txt\n@@\n-two\n+three'))
    await expect(planPatch(parsed, dir)).rejects.toThrow('Failed to find expected lines in keep.txt')
    expect(existsSync(join(dir, 'new.txt'))).toBe(false)
    expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe('one\n')
  })

  it('composes several hunks on one file and describes the changes', async () => {
    await writeFile(join(dir, 'f.txt'), 'a\nb\nc\n')
    const parsed = parsePatch(
      wrap('*** Update File: f.txt\n@@\n-a\n+A\n*** Update File: f.txt\n*** Move to: g/h.txt\n@@\n-c\n+C'),
    )
    const planned = await planPatch(parsed, dir)
    const changes = toFileChanges(planned)
    expect(changes[join(dir, 'f.txt')]).toMatchObject({ type: 'update', move_path: join(dir, 'g/h.txt') })
    const outcome = await commitPlanned(planned)
    expect(outcome.success).toBe(true)
    expect(outcome.stdout).toBe('Success. Updated the following files:\nM f.txt\nM g/h.txt\n')
    expect(existsSync(join(dir, 'f.txt'))).toBe(false)
    expect(await readFile(join(dir, 'g/h.txt'), 'utf8')).toBe('A\nb\nC\n')
  })

  it('refuses an empty patch', async () => {
    await expect(planPatch(parsePatch('*** Begin Patch\n*** End Patch'), dir)).rejects.toThrow(
      'No files were modified.',
    )
  })
})

describe('runApplyPatchCli', () => {
  it('prints Codex’s summary on success', async () => {
    await writeFile(join(dir, 'm.txt'), 'x\n')
    await writeFile(join(dir, 'd.txt'), 'gone\n')
    const result = await cli(
      wrap('*** Add File: a/new.txt\n+hi\n*** Update File: m.txt\n@@\n-x\n+y\n*** Delete File: d.txt'),
    )
    expect(result).toEqual({
      code: 0,
      out: 'Success. Updated the following files:\nA a/new.txt\nM m.txt\nD d.txt\n',
      err: '',
    })
  })

  it('reports parse errors and failures on stderr with exit code 1', async () => {
    expect(await cli('nonsense')).toEqual({
      code: 1,
      out: '',
      err: "Invalid patch: The first line of the patch must be '*** Begin Patch'\n",
    })
    const hunk = await cli(wrap('*** Frobnicate File: foo'))
    expect(hunk.err.startsWith("Invalid patch hunk on line 2: '*** Frobnicate File: foo' is not")).toBe(true)
    const missing = await cli(wrap('*** Update File: nope.txt\n@@\n-a\n+b'))
    expect(missing).toEqual({
      code: 1,
      out: '',
      err: 'Failed to read file to update nope.txt: No such file or directory (os error 2)\n',
    })
    await mkdir(join(dir, 'sub'))
    expect((await cli(wrap('*** Delete File: sub'))).err).toBe('Failed to delete file sub\n')
  })

  it('prints usage for empty input', async () => {
    expect((await cli('')).code).toBe(2)
  })

  it('reads the patch from a stream', async () => {
    const stdin = new PassThrough()
    stdin.end(wrap('*** Add File: s.txt\n+streamed'))
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    expect(await runApplyPatchCli({ stdin, stdout, stderr, cwd: dir })).toBe(0)
    expect(await readFile(join(dir, 's.txt'), 'utf8')).toBe('streamed\n')
  })
})

describe('parseApplyPatchInvocation', () => {
  const patch = wrap('*** Add File: foo\n+hi')
  const heredoc = (prefix: string, suffix = '') => `${prefix}apply_patch <<'PATCH'\n${patch}\nPATCH${suffix}`

  it('recognises the direct and heredoc forms', () => {
    expect(parseApplyPatchInvocation(['apply_patch', patch])).toMatchObject({ type: 'patch' })
    expect(parseApplyPatchInvocation(['applypatch', patch])).toMatchObject({ type: 'patch' })
    expect(parseApplyPatchInvocation(['bash', '-lc', heredoc('')])).toMatchObject({
      type: 'patch',
      patch: { hunks: [{ type: 'add', path: 'foo', contents: 'hi\n' }] },
    })
    expect(parseApplyPatchInvocation(['/bin/sh', '-c', heredoc('')])).toMatchObject({ type: 'patch' })
    expect(parseApplyPatchInvocation(['bash', '-lc', heredoc('cd foo && ')])).toMatchObject({
      workdir: 'foo',
    })
    expect(parseApplyPatchInvocation(['bash', '-lc', heredoc("cd 'foo bar' && ")])).toMatchObject({
      workdir: 'foo bar',
    })
    expect(parseApplyPatchInvocation(['bash', '-lc', heredoc('cd "foo bar" && ')])).toMatchObject({
      workdir: 'foo bar',
    })
    expect(parseApplyPatchInvocation(['bash', '-lc', `apply_patch <<EOF\n${patch}\nEOF\n`])).toMatchObject({
      type: 'patch',
    })
  })

  it('leaves other scripts alone', () => {
    for (const script of [
      heredoc('cd foo; '),
      heredoc('cd bar || '),
      heredoc('echo foo && '),
      heredoc('cd foo && cd bar && '),
      heredoc('cd foo bar && '),
      heredoc('cd bar && ', ' && echo done'),
      `apply_patch foo <<'PATCH'\n${patch}\nPATCH`,
      'ls -la',
    ]) {
      expect(parseApplyPatchInvocation(['bash', '-lc', script])).toEqual({ type: 'not_patch' })
    }
    expect(parseApplyPatchInvocation(['ls', '-la'])).toEqual({ type: 'not_patch' })
  })

  it('reports a raw patch run as a command, and a broken patch', () => {
    expect(parseApplyPatchInvocation([patch])).toEqual({
      type: 'error',
      message: IMPLICIT_INVOCATION_MESSAGE,
    })
    expect(parseApplyPatchInvocation(['bash', '-lc', patch])).toEqual({
      type: 'error',
      message: IMPLICIT_INVOCATION_MESSAGE,
    })
    expect(parseApplyPatchInvocation(['apply_patch', 'garbage'])).toEqual({
      type: 'error',
      message: "invalid patch: The first line of the patch must be '*** Begin Patch'",
    })
  })
})
