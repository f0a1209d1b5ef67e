import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AsyncQueue } from './async-queue.js'
import { estimateTokens } from './compaction.js'
import { findRepoRoot, renderEnvironmentContext } from './instructions.js'
import { abortable } from './sampling.js'

describe('AsyncQueue', () => {
  it('delivers in order to waiting and later readers, then rejects after close', async () => {
    const q = new AsyncQueue<number>()
    const first = q.shift()
    q.push(1)
    q.push(2)
    expect(await first).toBe(1)
    expect(q.size).toBe(1)
    q.close()
    q.push(3)
    expect(await q.shift()).toBe(2)
    await expect(q.shift()).rejects.toThrow('shut down')
  })
  it('stays correct across its internal compaction', async () => {
    const q = new AsyncQueue<number>()
    for (let i = 0; i < 5000; i++) q.push(i)
    for (let i = 0; i < 5000; i++) expect(await q.shift()).toBe(i)
    expect(q.size).toBe(0)
  })
})

describe('instructions', () => {
  it('finds the repository root from a nested directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'core-root-'))
    mkdirSync(join(root, '.git'))
    mkdirSync(join(root, 'a', 'b'), { recursive: true })
    expect(findRepoRoot(join(root, 'a', 'b'))).toBe(root)
    expect(findRepoRoot('/')).toBeUndefined()
  })
  it('renders the environment context for each sandbox', () => {
    expect(
      renderEnvironmentContext({
        cwd: '/w',
        approvalPolicy: 'never',
        sandboxPolicy: { type: 'read-only' },
        shell: 'zsh',
      }),
    ).toBe(
      [
        '<environment_context>',
        '  <cwd>/w</cwd>',
        '  <approval_policy>never</approval_policy>',
        '  <sandbox_mode>read-only</sandbox_mode>',
        '  <network_access>restricted</network_access>',
        '  <shell>zsh</shell>',
        '</environment_context>',
      ].join('\n'),
    )
    expect(
      renderEnvironmentContext({
        cwd: '/w',
        approvalPolicy: 'never',
        sandboxPolicy: { type: 'danger-full-access' },
      }),
    ).toContain('<network_access>enabled</network_access>')
  })
  it('estimates tokens at about four characters each', () => {
    expect(estimateTokens([{ type: 'compaction_summary', summary: 'x'.repeat(400) }])).toBeGreaterThan(100)
  })
})

describe('abortable', () => {
  it('stops a stream that ignores the signal', async () => {
    async function* stuck() {
      yield { type: 'created' as const }
      await new Promise(() => undefined)
    }
    const c = new AbortController()
    const seen: string[] = []
    const done = (async () => {
      for await (const e of abortable(stuck, c.signal)) seen.push(e.type)
    })()
    await new Promise((r) => setTimeout(r, 20))
    c.abort()
    await done
    expect(seen).toEqual(['created'])
  })

  it('turns a client that throws on open into an error event', async () => {
    const events = []
    for await (const e of abortable(() => {
      throw new Error('no api key')
    }, new AbortController().signal))
      events.push(e)
    expect(events).toEqual([
      { type: 'error', kind: 'other', message: 'model stream failed: no api key', retryable: false },
    ])
  })
})
