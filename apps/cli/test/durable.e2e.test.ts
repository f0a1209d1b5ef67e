// `agent durable` end to end: a real restate-server, workers that are the built `agent` binary
// (`agent durable serve`), a mock provider speaking the Responses wire, real commands in a temp
// directory, and `agent durable exec` as the client. Workers and the server are SIGKILLed mid-turn.

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { ThreadEvent } from '@agent/protocol'
import { freePort, type RestateServer, startRestateServer } from '@agent/restate/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bin, jsonLines, runAgent, type Workspace, workspace } from './helpers.js'

let restate: RestateServer
let mock: MockProviderServer | undefined
const workers: ChildProcess[] = []

// Starting restate-server takes a few seconds on this small shared machine.
beforeAll(async () => {
  restate = await startRestateServer()
}, 120_000)
afterAll(async () => {
  await restate?.stop()
})
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => killProcess(w)))
  await mock?.close()
  mock = undefined
})

async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  await gone
}

/** `agent durable serve` as a subprocess; resolves once it listens (and registered, with `register`). */
async function serve(ws: Workspace, port: number, options: { register?: string; args?: string[] } = {}) {
  const args = ['durable', 'serve', '--port', String(port), '--provider', 'openai', '-m', 'test-model']
  args.push('-s', 'danger-full-access', ...(options.args ?? []))
  if (options.register) args.push('--register', options.register)
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: ws.repo,
    env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: mock?.baseUrl ?? 'http://127.0.0.1:1/v1' }),
  })
  workers.push(child)
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    const ready = options.register ? /registered/ : /listening on/
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      if (ready.test(stderr)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`agent durable serve exited ${code}:\n${stderr}`)))
  })
  return { child, stderr: () => stderr }
}

const shell = (script: string) => ({ name: 'shell', arguments: { command: ['bash', '-lc', script] } })
const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > 90_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

// Each test starts real processes (agent workers, clients) on a small shared machine: minutes, not seconds.
describe('agent durable', { timeout: 180_000 }, () => {
  it('a worker SIGKILLed mid-turn is replaced: finished tool calls and model requests are not repeated', async () => {
    const ws = workspace({}, { git: false })
    const effects = join(ws.repo, 'effects.log')
    const step = (n: number, hold = false) =>
      shell(
        `echo "${n} $AGENT_STEP_ID" >> effects.log${hold ? '; while [ -e hold ]; do sleep 0.05; done' : ''}`,
      )
    mock = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [step(1)] },
        { toolCalls: [step(2, true)] },
        { toolCalls: [step(3)] },
        { text: 'All three done.' },
      ],
    })
    writeFileSync(join(ws.repo, 'hold'), '')
    const port = await freePort()
    let worker = await serve(ws, port, { register: restate.adminUrl })
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, '--json', 'run three steps'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    await until(() => lines(effects).length === 2, 'the second command to start')
    await killProcess(worker.child)
    unlinkSync(join(ws.repo, 'hold'))
    worker = await serve(ws, port)
    const result = await run
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const out = jsonLines(result.stdout) as ThreadEvent[]
    for (const line of out) expect(ThreadEvent.safeParse(line).success, JSON.stringify(line)).toBe(true)
    expect(out[0]?.type).toBe('thread.started')
    expect(out.at(-1)?.type).toBe('turn.completed')
    const commands = out.filter((l) => l.type === 'item.completed' && l.item.type === 'command_execution')
    expect(commands).toHaveLength(3)
    // Command 1 ran once; command 2 was running at the kill and ran again (at-least-once, same
    // step id); command 3 once.
    const ran = lines(effects)
    expect(ran.map((l) => l.split(' ')[0])).toEqual(['1', '2', '2', '3'])
    expect(ran[1]?.split(' ')[1]).toBe(ran[2]?.split(' ')[1])
    expect(ran[1]?.split(' ')[1]).toMatch(/^turn\//)
    // Four model requests in all: the two answered before the kill were not sent again.
    expect(mock.requests).toHaveLength(4)
  })

  it('restate-server SIGKILLed and restarted mid-turn: the client re-attaches and the prompt is sent once', async () => {
    const ws = workspace({}, { git: false })
    const effects = join(ws.repo, 'effects.log')
    mock = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [shell('echo one >> effects.log; while [ -e hold ]; do sleep 0.05; done')] },
        { text: 'Finished.' },
      ],
    })
    writeFileSync(join(ws.repo, 'hold'), '')
    const port = await freePort()
    await serve(ws, port, { register: restate.adminUrl })
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, 'do it'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    await until(() => lines(effects).length === 1, 'the command to start')
    await restate.kill('SIGKILL')
    unlinkSync(join(ws.repo, 'hold'))
    await restate.restart()
    const result = await run
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('Finished.\n')
    expect(result.stderr).toContain('reconnecting')
    // One user prompt reached the model: the first request carries it, and nothing asked twice.
    const prompts = mock.requests.filter((r) => JSON.stringify(r.body).includes('do it'))
    expect(prompts.length).toBe(mock.requests.length)
    expect(mock.requests).toHaveLength(2)
  })

  it('an approval pending while every worker is down is answered with `agent durable approve`; the turn completes', async () => {
    const ws = workspace({}, { git: false })
    mock = await startMockProviderServer({
      wire: 'responses',
      turns: [{ toolCalls: [shell('touch made.txt')] }, { text: 'Made it.' }],
    })
    const port = await freePort()
    const worker = await serve(ws, port, { register: restate.adminUrl, args: ['-a', 'untrusted'] })
    let stderr = ''
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, 'make a file'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    run.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    await until(() => /waiting for approval of (\S+):/.test(stderr), 'the approval request')
    const callId = /waiting for approval of (\S+):/.exec(stderr)?.[1] as string
    const sessionId = /--session (\S+)/.exec(stderr)?.[1] as string
    await killProcess(worker.child)
    const approve = await runAgent(
      ['durable', 'approve', '--ingress', restate.ingressUrl, '--session', sessionId, callId, 'approve'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(approve.code).toBe(0)
    expect(approve.stderr).toContain('Restate holds the answer')
    expect(existsSync(join(ws.repo, 'made.txt'))).toBe(false)
    await serve(ws, port, { args: ['-a', 'untrusted'] })
    const result = await run
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('Made it.\n')
    expect(existsSync(join(ws.repo, 'made.txt'))).toBe(true)
  })

  it('--attach follows a running turn; bad input gets clear errors', async () => {
    const ws = workspace({}, { git: false })
    const effects = join(ws.repo, 'effects.log')
    mock = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [shell('echo one >> effects.log; while [ -e hold ]; do sleep 0.05; done')] },
        { text: 'Attached fine.' },
      ],
    })
    writeFileSync(join(ws.repo, 'hold'), '')
    const port = await freePort()
    await serve(ws, port, { register: restate.adminUrl })
    let sessionKnown: (id: string) => void = () => {}
    const session = new Promise<string>((resolve) => {
      sessionKnown = resolve
    })
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, '--json', 'go'], {
      cwd: ws.repo,
      env: ws.env(),
      onStdout: (all) => {
        const first = all.split('\n')[0]
        if (all.includes('\n') && first) sessionKnown((JSON.parse(first) as { thread_id: string }).thread_id)
      },
    })
    await until(() => lines(effects).length === 1, 'the command to start')
    const sessionId = await session
    let attachedOnce: () => void = () => {}
    const attachPrinted = new Promise<void>((resolve) => {
      attachedOnce = resolve
    })
    const attach = runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--attach', '--session', sessionId, '--json'],
      { cwd: ws.repo, env: ws.env(), onStdout: (all) => all.includes('\n') && attachedOnce() },
    )
    await attachPrinted
    unlinkSync(join(ws.repo, 'hold'))
    const [first, attached] = await Promise.all([run, attach])
    expect(first.code).toBe(0)
    expect(attached.code).toBe(0)
    // The attached client printed the same turn.
    expect(jsonLines(attached.stdout)).toEqual(jsonLines(first.stdout))

    const unknown = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--session', 'no-such-session', 'hi'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no session no-such-session')
    const badCall = await runAgent(
      ['durable', 'approve', '--ingress', restate.ingressUrl, '--session', sessionId, 'call_nope', 'approve'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(badCall.code).toBe(1)
    expect(badCall.stderr).toContain(`session ${sessionId} has no pending approval for call call_nope`)
    const badDecision = await runAgent(
      ['durable', 'approve', '--ingress', restate.ingressUrl, '--session', sessionId, 'call_x', 'maybe'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(badDecision.code).toBe(2)
    expect(badDecision.stderr).toContain('expected approve or deny')
    const idle = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--attach', '--session', sessionId],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(idle.code).toBe(1)
    expect(idle.stderr).toContain(`session ${sessionId} has no turn running`)
  })

  it('a worker whose Restate is not reachable says so and keeps trying', async () => {
    const ws = workspace({}, { git: false })
    const closed = await freePort()
    const port = await freePort()
    const args = ['durable', 'serve', '--port', String(port), '--provider', 'openai', '-m', 'test-model']
    const child = spawn(process.execPath, [bin, ...args, '--register', `http://127.0.0.1:${closed}`], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x' }),
    })
    workers.push(child)
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    await until(() => stderr.includes('waiting for Restate'), 'the waiting message')
    expect(stderr).toContain(`cannot reach the Restate admin API at http://127.0.0.1:${closed}`)
    expect(child.exitCode).toBeNull()
  })

  it('Ctrl-C interrupts the durable turn (exit 130); the session takes the next prompt', async () => {
    const ws = workspace({}, { git: false })
    const effects = join(ws.repo, 'effects.log')
    mock = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [shell('echo one >> effects.log; while [ -e hold ]; do sleep 0.05; done')] },
        { text: 'Next prompt answered.' },
      ],
    })
    writeFileSync(join(ws.repo, 'hold'), '')
    const port = await freePort()
    await serve(ws, port, { register: restate.adminUrl })
    let sessionKnown: (id: string) => void = () => {}
    const session = new Promise<string>((resolve) => {
      sessionKnown = resolve
    })
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, '--json', 'wait'], {
      cwd: ws.repo,
      env: ws.env(),
      onStdout: (all) => {
        const first = all.split('\n')[0]
        if (all.includes('\n') && first) sessionKnown((JSON.parse(first) as { thread_id: string }).thread_id)
      },
    })
    await until(() => lines(effects).length === 1, 'the command to start')
    const sessionId = await session
    run.child.kill('SIGINT')
    const result = await run
    expect(result.code).toBe(130)
    unlinkSync(join(ws.repo, 'hold'))
    const next = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--session', sessionId, 'and now?'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(next.code).toBe(0)
    expect(next.stdout).toBe('Next prompt answered.\n')
  })
})
