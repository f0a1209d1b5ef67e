// `agent exec` and approvals, with the built binary: under the default `-a never` nothing asks;
// under `-a on-request` a request is denied with a message that says why (non-interactive) to
// the model and how to allow it to the user.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { detectSandbox } from '@agent/sandbox'
import { afterEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

const support = await detectSandbox()
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const wipe = { name: 'shell', arguments: { command: ['rm', '-rf', 'build'] } }
const escalate = {
  name: 'shell',
  arguments: {
    command: ['bash', '-c', 'echo out > ../outside.txt'],
    with_escalated_permissions: true,
    justification: 'write next to the repository',
  },
}

async function exec(args: string[], toolCall: typeof wipe | typeof escalate) {
  const ws = workspace({ 'build/keep.txt': 'x\n' })
  server = await startMockProviderServer({
    wire: 'responses',
    turns: [{ toolCalls: [toolCall] }, { text: 'Stopped.' }],
  })
  const run = await runAgent(['exec', ...args, 'clean up'], {
    cwd: ws.repo,
    env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
  })
  const toModel = JSON.stringify(server.requests[1]?.body ?? '')
  return { ws, run, toModel }
}

describe('agent exec approvals', () => {
  it('under -a on-request, denies a command the policy asks about and says why and how to allow it', async () => {
    const { ws, run, toModel } = await exec(['-s', 'danger-full-access', '-a', 'on-request'], wipe)
    expect(run.code, run.stderr).toBe(0)
    expect(existsSync(join(ws.repo, 'build', 'keep.txt'))).toBe(true)
    expect(run.stderr).toContain('approval needed to run `rm -rf build`')
    expect(run.stderr).toContain('agent exec is non-interactive and cannot ask')
    expect(run.stderr).toContain('add a rule that allows the command')
    expect(toModel).toContain('agent exec is a non-interactive run')
  })

  it('under the default -a never with no sandbox, nothing asks: everything runs (as in Codex)', async () => {
    const { ws, run } = await exec(['-s', 'danger-full-access'], wipe)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('approval never')
    expect(run.stderr).not.toContain('approval needed')
    expect(existsSync(join(ws.repo, 'build'))).toBe(false)
  })

  describe.skipIf(!support.available)('with the sandbox (--full-auto)', () => {
    it('denies an escalation under -a on-request, pointing at -s danger-full-access', async () => {
      const { ws, run, toModel } = await exec(['--full-auto', '-a', 'on-request'], escalate)
      expect(run.code, run.stderr).toBe(0)
      expect(existsSync(join(ws.root, 'outside.txt'))).toBe(false)
      expect(run.stderr).toContain('outside the sandbox')
      expect(run.stderr).toContain('run with -s danger-full-access')
      expect(toModel).toContain('Do not ask for escalation again')
    })

    it('--full-auto alone (approval never) refuses the escalation without asking', async () => {
      const { ws, run, toModel } = await exec(['--full-auto'], escalate)
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).toContain('sandbox workspace-write · approval never')
      expect(run.stderr).not.toContain('approval needed')
      expect(existsSync(join(ws.root, 'outside.txt'))).toBe(false)
      expect(toModel).toContain('the approval policy is never')
    })

    it('--full-auto alone refuses a command the policy would ask about, without asking', async () => {
      const { ws, run, toModel } = await exec(['--full-auto'], wipe)
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).not.toContain('approval needed')
      expect(existsSync(join(ws.repo, 'build', 'keep.txt'))).toBe(true)
      expect(toModel).toContain('approval policy `never` cannot ask, so it is refused')
    })
  })
})
