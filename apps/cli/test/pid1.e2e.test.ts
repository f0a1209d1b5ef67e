// The agent as PID 1 of its PID namespace (a container without --init): it runs itself under
// agent-init, which reaps the orphans its commands leave. Without it (the control run), those
// orphans stay zombies. Real processes in a real PID namespace (util-linux `unshare`, as root).
import { spawn, spawnSync } from 'node:child_process'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { agentInitPath } from '../src/launch/pid1.js'
import { bin, jsonLines, type RunResult, workspace } from './helpers.js'

const canUnshare =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' }).status === 0
const init = agentInitPath(bin)

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

// Three orphans that end at once, then a command that reports the zombies in the namespace:
// it waits until the orphans' end is settled (all reaped, or all three left as zombies).
const ORPHANS = 'for i in 1 2 3; do (sh -c "exit 0" &) ; done; true'
const COUNT_ZOMBIES =
  'for i in $(seq 1 100); do z=$(grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l); ' +
  '[ "$z" -ge 3 ] && break; [ "$z" -eq 0 ] && [ "$i" -ge 10 ] && break; sleep 0.05; done; echo "zombies=$z"'

function runAsPid1(env: Record<string, string>, cwd: string): Promise<RunResult> {
  const args = ['--pid', '--fork', '--mount-proc', process.execPath, bin, 'exec', '--json']
  const child = spawn('unshare', [...args, '-s', 'danger-full-access', '-a', 'never', 'leave orphans'], {
    cwd,
    env,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  child.stdin.end()
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
}

function zombiesReported(stdout: string): string | undefined {
  const outputs = jsonLines(stdout).flatMap((line) => {
    const item = (line as { type: string; item?: { type: string; aggregated_output?: string } }).item
    return (line as { type: string }).type === 'item.completed' && item?.type === 'command_execution'
      ? [item.aggregated_output ?? '']
      : []
  })
  return /zombies=(\d+)/.exec(outputs.at(-1) ?? '')?.[1]
}

describe.skipIf(!canUnshare || !init)('the agent as PID 1', () => {
  for (const underInit of [true, false]) {
    it(
      underInit
        ? 'runs under agent-init: no zombies'
        : 'control, without agent-init: the orphans stay zombies',
      async () => {
        const ws = workspace()
        server = await startMockProviderServer({
          wire: 'responses',
          turns: [
            { toolCalls: [{ name: 'shell', arguments: { command: ['sh', '-c', ORPHANS] } }] },
            { toolCalls: [{ name: 'shell', arguments: { command: ['sh', '-c', COUNT_ZOMBIES] } }] },
            { text: 'done' },
          ],
        })
        const env = ws.env({
          OPENAI_API_KEY: 'x',
          OPENAI_BASE_URL: server.baseUrl,
          ...(underInit ? {} : { AGENT_UNDER_INIT: '1' }),
        })
        const run = await runAsPid1(env, ws.repo)
        expect(run.code, run.stderr).toBe(0)
        expect(zombiesReported(run.stdout)).toBe(underInit ? '0' : '3')
      },
    )
  }
})
