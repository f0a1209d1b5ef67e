import { describe, expect, it } from 'vitest'
import { corpus } from './corpus.js'
import { bare, ctx, FULL_ACCESS } from './helpers.js'

describe('command corpus', () => {
  it('has at least 300 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300)
    expect(new Set(corpus.map((c) => c.script)).size).toBeGreaterThanOrEqual(300)
  })

  it.each(corpus.map((c) => [c.approval, c.fullAccess ? 'full' : 'ws', c.script, c]))(
    '%s/%s %j',
    async (_a, _s, _script, c) => {
      const policy = await bare()
      const d = policy.evaluateScript(c.script, ctx(c.approval, c.fullAccess ? FULL_ACCESS : undefined))
      expect({ decision: d.decision, reason: d.reason }).toEqual({
        decision: c.decision,
        reason: expect.stringContaining(c.reason),
      })
    },
  )
})
