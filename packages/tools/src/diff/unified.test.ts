import { describe, expect, it } from 'vitest'
import { gitFileDiff, isBinary, unifiedHunks } from './unified.js'

const side = (path: string, text: string | Uint8Array, mode = '100644') => ({
  path,
  mode,
  content: typeof text === 'string' ? Buffer.from(text) : text,
})

describe('unifiedHunks', () => {
  it('writes git-style hunk headers', () => {
    expect(unifiedHunks('a\nb\nc\n', 'a\nB\nc\n', 1)).toBe('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n')
    expect(unifiedHunks('', 'x\n')).toBe('@@ -0,0 +1 @@\n+x\n')
    expect(unifiedHunks('x\n', 'x\n')).toBe('')
    expect(unifiedHunks('x\n', 'x')).toContain('\\ No newline at end of file')
  })
})

describe('gitFileDiff', () => {
  it('describes added, deleted and changed files like git', () => {
    expect(gitFileDiff(undefined, side('n.txt', 'hi\n'))).toBe(
      'diff --git a/n.txt b/n.txt\nnew file mode 100644\nindex 0000000..45b983b\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+hi\n',
    )
    expect(gitFileDiff(side('d.txt', 'hi\n'), undefined)).toContain(
      'deleted file mode 100644\nindex 45b983b..0000000\n--- a/d.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-hi\n',
    )
    expect(gitFileDiff(side('m.txt', 'a\n'), side('m.txt', 'b\n'))).toContain(
      'index 7898192..6178079 100644\n',
    )
  })

  it('reports mode changes, renames and binaries', () => {
    expect(gitFileDiff(side('x.sh', 'echo\n'), side('x.sh', 'echo\n', '100755'))).toBe(
      'diff --git a/x.sh b/x.sh\nold mode 100644\nnew mode 100755\n',
    )
    expect(gitFileDiff(side('a.txt', 'same\n'), side('b.txt', 'same\n'))).toBe(
      'diff --git a/a.txt b/b.txt\nsimilarity index 100%\nrename from a.txt\nrename to b.txt\n',
    )
    const edited = gitFileDiff(
      side('a.txt', 'one\ntwo\nthree\nfour\n'),
      side('b.txt', 'one\ntwo\nthree\nFOUR\n'),
    )
    expect(edited).toContain('similarity index 75%\nrename from a.txt\nrename to b.txt\n')
    expect(edited).toContain('-four\n+FOUR\n')
    expect(
      gitFileDiff(side('b.bin', new Uint8Array([0, 1])), side('b.bin', new Uint8Array([0, 2]))),
    ).toContain('Binary files a/b.bin and b/b.bin differ\n')
  })

  it('detects binary content by a NUL byte', () => {
    expect(isBinary(Buffer.from('text'))).toBe(false)
    expect(isBinary(new Uint8Array([65, 0, 66]))).toBe(true)
  })
})
