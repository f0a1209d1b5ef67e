// What the sdk benchmarks (sdk.ts, profile.ts) run: a 10-step thread (nine commands, then the
// answer) in a scratch git repository, with one environment for every variant.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { MockTurn } from '@agent/models/testing'

export const STEPS = 10

/**
 * The mock provider's turns: STEPS - 1 shell calls, then the final answer. The calls are
 * `echo`s (`read`: commands the policy knows to be read-only), or (`write`) each overwrites a
 * file with a shell redirection, so the turn takes its workspace snapshot before the first one.
 */
export function script(commands: 'read' | 'write' = 'read'): MockTurn[] {
  const turns: MockTurn[] = []
  for (let i = 1; i < STEPS; i++)
    turns.push({
      toolCalls: [
        {
          name: 'shell',
          arguments: {
            command: commands === 'read' ? ['echo', `step ${i}`] : ['sh', '-c', `echo step ${i} > step.txt`],
          },
        },
      ],
      usage: { input: 100 * i, output: 10 },
    })
  turns.push({ text: 'All steps done.', usage: { input: 1000, output: 5 } })
  return turns
}

/**
 * A scratch HOME with a git repository to work in, and the one environment every process of a
 * comparison gets (with the caller's NODE_EXTRA_CA_CERTS, which costs every Node start alike).
 */
export async function scratchWorkspace(): Promise<{
  root: string
  cwd: string
  env: Record<string, string>
}> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sdk-bench-')))
  const cwd = join(root, 'repo')
  mkdirSync(join(root, 'home'), { recursive: true })
  mkdirSync(cwd, { recursive: true })
  await promisify(execFile)('git', ['init', '-q'], { cwd })
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: root,
    AGENT_HOME: join(root, 'home'),
    OPENAI_API_KEY: 'sk-bench',
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
  }
  return { root, cwd, env }
}
