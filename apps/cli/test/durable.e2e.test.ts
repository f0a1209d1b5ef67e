// `agent durable` end to end: a real restate-server, workers that are the built `agent` binary
// (`agent durable serve`), a mock provider speaking the Responses wire, real commands in a temp
// directory, and `agent durable exec` as the client. Workers and the server are SIGKILLed mid-turn.

import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ThreadEvent } from '@agent/protocol'
import { DurableSessionClient } from '@agent/restate/client'
import { freePort, type RestateServer, startRestateServer } from '@agent/restate/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DurableRig, held, killProcess, lines, shell, until } from './durable-helpers.js'
import { bin, jsonLines, runAgent } from './helpers.js'

const echoServer = new URL('./fixtures/echo-mcp-server.mjs', import.meta.url).pathname

let restate: RestateServer
let rig: DurableRig

// Starting restate-server takes a few seconds on this small shared machine.
beforeAll(async () => {
  restate = await startRestateServer()
  rig = new DurableRig(restate)
}, 120_000)
afterAll(async () => {
  await restate?.stop()
})
afterEach(async () => {
  await rig?.cleanup()
})

// Each test starts real processes (agent workers, clients) on a small shared machine: minutes, not seconds.
describe('agent durable', { timeout: 180_000 }, () => {
  it('a worker SIGKILLed mid-turn is replaced: finished tool calls and model requests are not repeated', async () => {
    const ws = rig.workspace()
    const step = (n: number) => shell(`echo "${n} $AGENT_STEP_ID" >> effects.log`)
    const mock = await rig.provider([
      { toolCalls: [step(1)] },
      {
        toolCalls: [
          shell('echo "2 $AGENT_STEP_ID" >> effects.log; while [ -e hold-2 ]; do sleep 0.05; done'),
        ],
      },
      { toolCalls: [step(3)] },
      { text: 'All three done.' },
    ])
    rig.hold(ws, '2')
    const worker = await rig.serve(ws, await freePort())
    const { run } = rig.execJson(ws, ['run three steps'])
    await until(() => rig.effects(ws).length === 2, 'the second command to start')
    await rig.replaceWorker(ws, worker, () => rig.release(ws, '2'))
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
    const ran = rig.effects(ws)
    expect(ran.map((l) => l.split(' ')[0])).toEqual(['1', '2', '2', '3'])
    expect(ran[1]?.split(' ')[1]).toBe(ran[2]?.split(' ')[1])
    expect(ran[1]?.split(' ')[1]).toMatch(/^turn\//)
    // Four model requests in all: the two answered before the kill were not sent again.
    expect(mock.requests).toHaveLength(4)
  })

  it('restate-server SIGKILLed and restarted mid-turn: the client re-attaches and the prompt is sent once', async () => {
    const ws = rig.workspace()
    const mock = await rig.provider([{ toolCalls: [held('one')] }, { text: 'Finished.' }])
    rig.hold(ws, 'one')
    await rig.serve(ws, await freePort())
    const run = runAgent(['durable', 'exec', '--ingress', restate.ingressUrl, 'do it'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    await until(() => rig.effects(ws).length === 1, 'the command to start')
    await restate.kill('SIGKILL')
    rig.release(ws, 'one')
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
    const ws = rig.workspace()
    await rig.provider([{ toolCalls: [shell('touch made.txt')] }, { text: 'Made it.' }])
    const worker = await rig.serve(ws, await freePort(), { args: ['-a', 'untrusted'] })
    const { run, callId, sessionId } = await rig.execUntilApproval(ws, ['make a file'])
    await rig.replaceWorker(
      ws,
      worker,
      async () => {
        const approve = await runAgent(
          ['durable', 'approve', '--ingress', restate.ingressUrl, '--session', sessionId, callId, 'approve'],
          { cwd: ws.repo, env: ws.env() },
        )
        expect(approve.code).toBe(0)
        expect(approve.stderr).toContain('Restate holds the answer')
        expect(existsSync(join(ws.repo, 'made.txt'))).toBe(false)
      },
      ['-a', 'untrusted'],
    )
    const result = await run
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('Made it.\n')
    expect(existsSync(join(ws.repo, 'made.txt'))).toBe(true)
  })

  it('--attach follows a running turn; bad input gets clear errors', async () => {
    const ws = rig.workspace()
    await rig.provider([{ toolCalls: [held('one')] }, { text: 'Attached fine.' }])
    rig.hold(ws, 'one')
    await rig.serve(ws, await freePort())
    const { run, session } = rig.execJson(ws, ['go'])
    await until(() => rig.effects(ws).length === 1, 'the command to start')
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
    rig.release(ws, 'one')
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
    expect(badDecision.stderr).toContain('expected approve, approve-session')
    const idle = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--attach', '--session', sessionId],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(idle.code).toBe(1)
    expect(idle.stderr).toContain(`session ${sessionId} has no turn running`)
    const lateSteer = await runAgent(
      ['durable', 'steer', '--ingress', restate.ingressUrl, '--session', sessionId, 'too late'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(lateSteer.code).toBe(1)
    expect(lateSteer.stderr).toContain(`session ${sessionId} has no turn running to steer`)
  })

  it('a worker whose Restate is not reachable says so and keeps trying', async () => {
    const ws = rig.workspace()
    const closed = await freePort()
    const port = await freePort()
    const args = ['durable', 'serve', '--port', String(port), '--provider', 'openai', '-m', 'test-model']
    const child = spawn(process.execPath, [bin, ...args, '--register', `http://127.0.0.1:${closed}`], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x' }),
    })
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    try {
      await until(() => stderr.includes('waiting for Restate'), 'the waiting message')
      expect(stderr).toContain(`cannot reach the Restate admin API at http://127.0.0.1:${closed}`)
      expect(child.exitCode).toBeNull()
    } finally {
      await killProcess(child)
    }
  })

  it('Ctrl-C interrupts the durable turn (exit 130); the session takes the next prompt', async () => {
    const ws = rig.workspace()
    await rig.provider([{ toolCalls: [held('one')] }, { text: 'Next prompt answered.' }])
    rig.hold(ws, 'one')
    await rig.serve(ws, await freePort())
    const { run, session } = rig.execJson(ws, ['wait'])
    await until(() => rig.effects(ws).length === 1, 'the command to start')
    const sessionId = await session
    run.child.kill('SIGINT')
    const result = await run
    expect(result.code).toBe(130)
    rig.release(ws, 'one')
    const next = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--session', sessionId, 'and now?'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(next.code).toBe(0)
    expect(next.stdout).toBe('Next prompt answered.\n')
  })

  it('`agent durable steer` joins the running turn at its next request; a worker SIGKILLed after that replays it', async () => {
    const ws = rig.workspace()
    const mock = await rig.provider([
      { toolCalls: [held('one')] },
      { toolCalls: [held('two')] },
      { text: 'Steered.' },
    ])
    rig.hold(ws, 'one', 'two')
    const worker = await rig.serve(ws, await freePort())
    const { run, session } = rig.execJson(ws, ['start working'])
    await until(() => rig.effects(ws).length === 1, 'the first command to start')
    const sessionId = await session
    const steer = await runAgent(
      ['durable', 'steer', '--ingress', restate.ingressUrl, '--session', sessionId, 'mind the tests'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(steer.stderr).toContain(`sent to the running turn of session ${sessionId}`)
    expect(steer.code).toBe(0)
    rig.release(ws, 'one')
    // The second request (it carries the steering text) was answered: its command runs. Kill now.
    await until(() => rig.effects(ws).length === 2, 'the second command to start')
    await rig.replaceWorker(ws, worker, () => rig.release(ws, 'two'))
    const result = await run
    expect(result.code).toBe(0)
    expect((jsonLines(result.stdout) as ThreadEvent[]).at(-1)?.type).toBe('turn.completed')
    // Three requests in all, none repeated; the steering text reached the second one after the
    // first command's output, and the replayed turn did not add it again.
    expect(mock.requests).toHaveLength(3)
    const second = JSON.stringify(mock.requests[1]?.body)
    expect(second.indexOf('mind the tests')).toBeGreaterThan(second.indexOf('function_call_output'))
    expect(JSON.stringify(mock.requests[2]?.body).split('mind the tests')).toHaveLength(2)
    expect(rig.effects(ws)).toEqual(['one', 'two', 'two'])
  })

  it('a turn waiting on an approval longer than --mcp-idle-timeout stops its MCP server process; the answer starts it again', async () => {
    const ws = rig.workspace()
    const pids = join(ws.repo, 'mcp-pids')
    // The fixture server, started through `exec` so the recorded pid is the server's own.
    const start = `echo $$ >> ${JSON.stringify(pids)}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(echoServer)}`
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      `[mcp_servers.echo]\ncommand = "bash"\nargs = ["-c", ${JSON.stringify(start)}]\n`,
    )
    await rig.provider([
      { toolCalls: [shell('touch made.txt')] },
      { toolCalls: [{ name: 'mcp__echo__echo', arguments: { text: 'still here' } }] },
      { text: 'Done.' },
    ])
    await rig.serve(ws, await freePort(), { args: ['-a', 'untrusted', '--mcp-idle-timeout', '0.5'] })
    const { run, callId, sessionId } = await rig.execUntilApproval(ws, ['--json', 'make a file'])
    const first = Number(lines(pids)[0])
    expect(first).toBeGreaterThan(0)
    await until(() => !alive(first), 'the idle MCP server process to exit')
    const approve = await runAgent(
      ['durable', 'approve', '--ingress', restate.ingressUrl, '--session', sessionId, callId, 'approve'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(approve.code).toBe(0)
    const result = await run
    expect(result.code, result.stderr).toBe(0)
    const out = jsonLines(result.stdout) as ThreadEvent[]
    const mcp = out.find((l) => l.type === 'item.completed' && l.item.type === 'mcp_tool_call')
    expect(mcp).toMatchObject({ item: { status: 'completed', tool: 'echo' } })
    expect(JSON.stringify(mcp)).toContain('echo: still here')
    // Started again once, as a new process.
    const started = lines(pids).map(Number)
    expect(started).toHaveLength(2)
    expect(started[1]).not.toBe(first)
  })

  it('approve-session grants survive a worker SIGKILL and reach the next turn: the command is not asked about again', async () => {
    const ws = rig.workspace()
    const x = held('x')
    const mock = await rig.provider([
      { toolCalls: [x] },
      { toolCalls: [x] },
      { text: 'First done.' },
      { toolCalls: [x] },
      { text: 'Second done.' },
    ])
    rig.hold(ws, 'x')
    const worker = await rig.serve(ws, await freePort(), { args: ['-a', 'untrusted'] })
    const { run, callId, sessionId, stderr } = await rig.execUntilApproval(ws, ['first'])
    const approve = await runAgent(
      [
        'durable',
        'approve',
        '--ingress',
        restate.ingressUrl,
        '--session',
        sessionId,
        callId,
        'approve-session',
      ],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(approve.code).toBe(0)
    // The approved command runs (and holds): the worker dies after the answer.
    await until(() => rig.effects(ws).length === 1, 'the approved command to start')
    await rig.replaceWorker(ws, worker, () => rig.release(ws, 'x'), ['-a', 'untrusted'])
    const first = await run
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toBe('First done.\n')
    const second = await runAgent(
      ['durable', 'exec', '--ingress', restate.ingressUrl, '--session', sessionId, 'second'],
      { cwd: ws.repo, env: ws.env() },
    )
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toBe('Second done.\n')
    // Asked once: not on the replay, not for the same command later in the turn, not next turn.
    expect(stderr().match(/waiting for approval/g)).toHaveLength(1)
    expect(second.stderr).not.toContain('waiting for approval')
    // The command ran at the kill and again on replay (at-least-once), then once per request.
    expect(rig.effects(ws)).toEqual(['x', 'x', 'x', 'x'])
    expect(mock.requests).toHaveLength(5)
  })

  it('a worker started with --ingress publishes the streaming text of the running model request; a following client previews it', async () => {
    const ws = rig.workspace()
    const answer = 'Here is the answer, streamed in many small pieces.'
    // Paced so the stream lasts while the client follows (the finished message comes after it).
    await rig.provider([{ text: answer, chunkSize: 5, delayMs: 200 }])
    await rig.serve(ws, await freePort(), { args: ['--ingress', restate.ingressUrl] })
    const { run, session } = rig.execJson(ws, ['answer slowly'])
    const sessionId = await session
    const client = new DurableSessionClient(restate.ingressUrl, { pollIntervalMs: 50 })
    const page = await client.events(sessionId)
    const current = page.current as NonNullable<typeof page.current>
    const seen: string[] = []
    const followed = await client.follow({
      sessionId,
      tag: current.tag,
      from: current.firstSeq,
      invocationId: current.invocationId,
      onEvent: (event) => void seen.push(event.msg.type),
      onDelta: (event) =>
        void seen.push(
          event.msg.type === 'agent_message_delta' ? `delta:${event.msg.delta}` : event.msg.type,
        ),
    })
    expect(followed).toEqual({ type: 'completed', lastMessage: answer })
    const deltas = seen.filter((s) => s.startsWith('delta:'))
    expect(deltas.length).toBeGreaterThan(0)
    // Previewed before the finished message, each piece once and in order (a suffix of the answer
    // when the client attached after the first pieces).
    expect(seen.indexOf(deltas.at(-1) as string)).toBeLessThan(seen.indexOf('agent_message'))
    expect(answer.endsWith(deltas.map((d) => d.slice(6)).join(''))).toBe(true)
    const result = await run
    expect(result.code).toBe(0)
    // `agent durable exec` prints what `agent exec` prints: whole items, no deltas.
    expect(jsonLines(result.stdout)).toContainEqual(
      expect.objectContaining({ type: 'item.completed', item: expect.objectContaining({ text: answer }) }),
    )
  })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
