import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { runFixture, tagged } from '../test/processes.js'
import { collectProcessTree, isAlive, killProcessTree } from './process-tree.js'

/** Starts a detached tree and resolves with its leader once `ready` is printed. */
function startTree(script: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { detached: true, env, stdio: ['ignore', 'pipe', 'ignore'] })
    child.once('error', reject)
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child.pid!)
    })
  })
}

describe('process tree', () => {
  it('finds and kills a 50-process tree, including members of other groups', async () => {
    const tag = tagged()
    const leader = await startTree(
      `for i in $(seq 1 45); do sleep 100 & done
       set -m; for i in 1 2 3 4; do sleep 100 & done
       echo ready; wait`,
      tag.env,
    )
    // Forked children may still be between fork and exec on a loaded machine: let them settle.
    let tree = collectProcessTree(leader)
    const deadline = Date.now() + 10_000
    while ((tree.length !== 50 || tag.survivors().length !== 50) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      tree = collectProcessTree(leader)
    }
    expect(tree).toContain(leader)
    expect(tree.length).toBe(50)
    expect(new Set(tree)).toEqual(new Set(tag.survivors()))
    const result = await killProcessTree(leader, { graceMs: 2000 })
    expect(result).toMatchObject({ targeted: 50, survivors: [], escalated: false })
    expect(tag.survivors()).toEqual([])
    expect(isAlive(leader)).toBe(false)
  })

  it('escalates to SIGKILL for processes that ignore SIGTERM', async () => {
    const tag = tagged()
    const leader = await startTree(
      `trap '' TERM; (trap '' TERM; exec sleep 100) & (trap '' TERM; exec sleep 100) & echo ready; wait`,
      tag.env,
    )
    const result = await killProcessTree(leader, { graceMs: 200 })
    expect(result).toMatchObject({ escalated: true, survivors: [] })
    expect(tag.survivors()).toEqual([])
  })

  it('takes running commands and sessions down when the host process exits', async () => {
    const tag = tagged()
    const result = await runFixture('exit-while-running.ts', tag.env)
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(tag.survivors()).toEqual([])
  })
})
