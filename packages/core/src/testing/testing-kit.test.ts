import { ModelEvent } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { FakePolicy, FakeSandbox, ManualClock } from './fakes.js'
import { ProcessRunner, ScriptedRunner } from './process-runner.js'
import { reply, ScriptedModel } from './scripted-model.js'

describe('ScriptedModel', () => {
  it('emits valid protocol events, a tool_call after each function_call item, and records requests', async () => {
    const model = new ScriptedModel([
      [reply.reasoning('think'), reply.text('hi'), reply.toolCall('t', { a: 1 }, 'c'), reply.usage(3, 4)],
    ])
    const events = []
    for await (const e of model.stream({ model: 'm', instructions: '', input: [], tools: [] })) events.push(e)
    for (const e of events) expect(ModelEvent.safeParse(e).success).toBe(true)
    const types = events.map((e) => e.type)
    expect(types).toEqual([
      'created',
      'reasoning_delta',
      'output_item',
      'text_delta',
      'output_item',
      'output_item',
      'tool_call',
      'usage',
      'completed',
    ])
    expect(events.at(-1)).toMatchObject({ stop_reason: 'tool_calls' })
    expect(model.requests).toHaveLength(1)
    const empty = []
    for await (const e of model.stream({ model: 'm', instructions: '', input: [], tools: [] })) empty.push(e)
    expect(empty[0]).toMatchObject({ type: 'error', kind: 'invalid_request' })
  })
})

describe('ProcessRunner', () => {
  it('runs real processes, times out with 124 and kills the group', async () => {
    const runner = new ProcessRunner()
    const ok = await runner.run({ argv: ['sh', '-c', 'echo out; echo err >&2'], cwd: '/' })
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' })
    const slow = await runner.run({ argv: ['sh', '-c', 'sleep 30 & wait'], cwd: '/', timeoutMs: 200 })
    expect(slow).toMatchObject({ exitCode: 124, timedOut: true })
    expect(slow.durationMs).toBeLessThan(10_000)
    const c = new AbortController()
    setTimeout(() => c.abort(), 100)
    const aborted = await runner.run({ argv: ['sleep', '30'], cwd: '/', signal: c.signal })
    expect(aborted.aborted).toBe(true)
    const missing = await runner.run({ argv: ['no-such-program-abc'], cwd: '/' })
    expect(missing).toMatchObject({ exitCode: 127, error: 'command not found: no-such-program-abc' })
    const fed = await runner.run({ argv: ['cat'], cwd: '/', stdin: 'piped' })
    expect(fed.stdout).toBe('piped')
  })
  it('ScriptedRunner fills in a full result', async () => {
    const r = await new ScriptedRunner(() => ({ stdout: 'x', exitCode: 3 })).run({ argv: ['a'], cwd: '/' })
    expect(r).toMatchObject({ exitCode: 3, stdout: 'x', aggregatedOutput: 'x', timedOut: false })
  })
})

describe('fakes', () => {
  it('FakeSandbox recognises denials; FakePolicy records; ManualClock moves on demand', async () => {
    const sb = new FakeSandbox({ deny: () => true })
    const wrapped = await sb.wrapCommand({ type: 'read-only' }, { argv: ['touch', 'x'], cwd: '/', env: {} })
    expect(wrapped.argv[0]).toBe('sh')
    expect(
      sb.isLikelySandboxDenial({
        exitCode: 1,
        stdout: '',
        stderr: 'touch: Operation not permitted',
        signal: null,
      }),
    ).toBe(true)
    expect(sb.isLikelySandboxDenial({ exitCode: 1, stdout: '', stderr: 'syntax error', signal: null })).toBe(
      false,
    )
    const policy = new FakePolicy('prompt')
    expect(
      policy.evaluate(['x'], { approvalPolicy: 'never', sandboxPolicy: { type: 'read-only' }, cwd: '/' })
        .decision,
    ).toBe('prompt')
    expect(policy.asked).toHaveLength(1)
    const clock = new ManualClock()
    const t = clock.now().getTime()
    clock.advance(1000)
    expect(clock.now().getTime() - t).toBe(1000)
  })
})
