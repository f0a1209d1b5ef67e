import { describe, expect, it } from 'vitest'
import { PendingApprovals, SessionApprovals } from './approvals.js'
import { formatExecResult, truncateMiddle } from './format.js'
import { isWritable } from './orchestrator.js'

const result = {
  exitCode: 2,
  signal: null,
  stdout: 'a\nb\n',
  stderr: 'oops\n',
  aggregatedOutput: 'a\nb\noops\n',
  durationMs: 1234,
  timedOut: false,
  aborted: false,
  truncated: false,
}

describe('formatExecResult', () => {
  it('uses Codex’s layout', () => {
    expect(formatExecResult(result)).toBe(
      'Exit code: 2\nWall time: 1.2 seconds\nTotal output lines: 3\nOutput:\na\nb\noops\n',
    )
  })
  it('mentions timeouts and start errors, and truncates the middle', () => {
    const text = formatExecResult(
      { ...result, timedOut: true, error: 'command not found: x', aggregatedOutput: 'y'.repeat(100) },
      40,
    )
    expect(text).toContain('Timed out')
    expect(text).toContain('command not found: x')
    expect(text).toMatch(/…\d+ chars truncated…/)
  })
  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(50)
    const cut = truncateMiddle(text, 21)
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(cut).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/)
    expect(truncateMiddle('short', 10)).toBe('short')
  })
})

describe('approvals', () => {
  it('remembers exact commands and prefixes', () => {
    const s = new SessionApprovals()
    s.approveCommand(['npm', 'test'])
    s.approveCommand(['git', 'commit', '-m', 'x'], ['git', 'commit'])
    expect(s.isCommandApproved(['npm', 'test'])).toBe(true)
    expect(s.isCommandApproved(['npm', 'test', '--watch'])).toBe(false)
    expect(s.isCommandApproved(['git', 'commit', '-am', 'y'])).toBe(true)
    expect(s.isCommandApproved(['git', 'push'])).toBe(false)
  })
  it('remembers paths and grant roots', () => {
    const s = new SessionApprovals()
    s.approvePaths(['/a/b.txt'], '/srv')
    expect(s.arePathsApproved(['/a/b.txt', '/srv/x/y'])).toBe(true)
    expect(s.arePathsApproved(['/a/c.txt'])).toBe(false)
  })
  it('resolves a pending request once, and as abort when the turn aborts', async () => {
    const p = new PendingApprovals()
    const c = new AbortController()
    const waiting = p.wait('x', c.signal)
    expect(p.size).toBe(1)
    c.abort()
    expect(await waiting).toEqual({ decision: 'abort' })
    expect(p.answer('x', { decision: 'approved' })).toBe(false)
    const second = p.wait('y', new AbortController().signal)
    expect(p.answer('y', { decision: 'denied', feedback: 'no' })).toBe(true)
    expect(await second).toEqual({ decision: 'denied', feedback: 'no' })
  })
})

describe('isWritable', () => {
  it('follows the sandbox policy with protected paths', () => {
    const ws = { type: 'workspace-write' as const, writable_roots: ['/data'], network_access: false }
    expect(isWritable('/w/a.txt', ws, '/w')).toBe(true)
    expect(isWritable('/data/x', ws, '/w')).toBe(true)
    expect(isWritable('/etc/passwd', ws, '/w')).toBe(false)
    expect(isWritable('/w/.git/config', ws, '/w')).toBe(false)
    expect(isWritable('/w/.agent/x', ws, '/w')).toBe(false)
    expect(isWritable('/tmp/x', ws, '/w')).toBe(true)
    expect(isWritable('/tmp/x', { ...ws, exclude_tmp: true }, '/w')).toBe(false)
    expect(isWritable('/w/a', { type: 'read-only' }, '/w')).toBe(false)
    expect(isWritable('/etc/a', { type: 'danger-full-access' }, '/w')).toBe(true)
  })
})
