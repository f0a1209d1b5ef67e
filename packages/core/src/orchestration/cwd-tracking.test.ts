import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { trackCwd } from './cwd-tracking.js'

const dir = mkdtempSync(join(tmpdir(), 'cwd-tracking-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8' })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status }
}

describe('trackCwd', () => {
  it('leaves commands other than bash -c / -lc alone', () => {
    expect(trackCwd(['sh', '-c', 'cd /'])).toBeUndefined()
    expect(trackCwd(['bash', 'script.sh'])).toBeUndefined()
    expect(trackCwd(['bash', '-c', 'cd /', 'extra'])).toBeUndefined()
  })

  it('reports the final directory of a real bash, after exit and a redirected stdout', () => {
    for (const script of ['mkdir -p a/b && cd a/b && echo out', 'cd a; exec >/dev/null; echo gone; exit 7']) {
      const tracker = trackCwd(['bash', '-c', script])!
      const r = run(tracker.argv)
      const { text, cwd } = tracker.extract(r.stdout)
      expect(cwd).toBe(script.startsWith('mkdir') ? join(dir, 'a/b') : join(dir, 'a'))
      expect(text).toBe(script.startsWith('mkdir') ? 'out\n' : '')
      if (!script.startsWith('mkdir')) expect(r.status).toBe(7)
    }
  })

  it('keeps the script’s exit status and reports its syntax errors', () => {
    const tracker = trackCwd(['bash', '-c', 'echo one\nfalse'])!
    expect(run(tracker.argv).status).toBe(1)
    const broken = trackCwd(['bash', '-c', 'echo ok; if then'])!
    const r = run(broken.argv)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('syntax error')
  })

  it('cuts the report out of streamed deltas however the stream is split', () => {
    for (let size = 1; size <= 7; size++) {
      const tracker = trackCwd(['bash', '-c', 'printf "x%.0s" {1..50}; cd a'])!
      const stream = run(tracker.argv).stdout
      let shown = ''
      for (let i = 0; i < stream.length; i += size) shown += tracker.filterDelta(stream.slice(i, i + size))
      shown += tracker.flush()
      expect(shown).toBe('x'.repeat(50))
    }
    // A stream without a report (a killed command) loses nothing held back.
    const tracker = trackCwd(['bash', '-c', 'x'])!
    const partial = token(tracker).slice(0, 3)
    expect(tracker.filterDelta(`abc${partial}`) + tracker.flush()).toBe(`abc${partial}`)
  })
})

function token(t: NonNullable<ReturnType<typeof trackCwd>>): string {
  return /\u001eagent-cwd-[0-9a-f]+\u001e/.exec(t.argv[2]!)![0]
}
