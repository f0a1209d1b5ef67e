import { describe, expect, it } from 'vitest'
import { SubagentJournal, type SubagentStep } from './subagent-journal.js'

describe('SubagentJournal', () => {
  it('records steps, replays them without running them, and stops saving once frozen', async () => {
    let saved: SubagentStep[] = []
    const first = new SubagentJournal(undefined, (steps) => {
      saved = steps
    })
    let runs = 0
    const step = async () => ({ n: ++runs })
    expect(await first.run('a', step)).toEqual({ n: 1 })
    expect(await first.run('b', step)).toEqual({ n: 2 })
    first.freeze()
    await first.run('shutdown', step)
    expect(saved.map((s) => s.name)).toEqual(['a', 'b'])

    const replay = new SubagentJournal(saved, () => undefined)
    expect(await replay.run('a', step)).toEqual({ n: 1 })
    expect(await replay.run('b', step)).toEqual({ n: 2 })
    expect(await replay.run('c', step)).toEqual({ n: 4 })
    expect(runs).toBe(4)
    await expect(new SubagentJournal(saved, () => undefined).run('x', step)).rejects.toThrow(
      'the subagent did not replay as recorded: step 1 was a, now x',
    )
  })
})
