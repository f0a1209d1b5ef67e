// The tool path: parallel read-only calls, serial mutating calls, results in the model's order,
// malformed arguments and unknown tools as error results, MCP provider tools.
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { TOOL_CALL_OUTPUT_CHARS } from '../src/agent/tool-calls.js'
import { type Agent, defineTool, type ToolDefinition } from '../src/index.js'
import type { RunRequest } from '../src/ports/runner.js'
import { collectUntil, FakeSandbox, ProcessRunner, reply, StaticToolProvider } from '../src/testing/index.js'
import { echoTool, find, isTurnEnd, makeAgent, shellTool, sleepTool } from './helpers.js'

let agent: Agent | undefined
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
})

async function timedBatch(readOnly: boolean) {
  const log: { name: string; start: number; end: number }[] = []
  const tool = sleepTool('nap', readOnly, log)
  const made = await makeAgent(
    [
      [
        reply.toolCall('nap', { ms: 400, tag: 'a' }, 'c1'),
        reply.toolCall('nap', { ms: 100, tag: 'b' }, 'c2'),
        reply.toolCall('nap', { ms: 250, tag: 'c' }, 'c3'),
      ],
      [reply.text('done')],
    ],
    { tools: [tool] },
  )
  agent = made.agent
  const started = performance.now()
  await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'nap' }] })
  await collectUntil(agent, isTurnEnd)
  const elapsed = performance.now() - started
  const outputs = made.model.requests[1]?.input.filter((i) => i.type === 'function_call_output') ?? []
  await agent.shutdown()
  agent = undefined
  return { elapsed, log, outputs }
}

describe('parallel tool calls', () => {
  it('runs read-only calls together and mutating calls one at a time; results keep the model order', async () => {
    const parallel = await timedBatch(true)
    const serial = await timedBatch(false)
    // Serial needs ≥ 750 ms of sleeping; parallel about 400 ms. Wide margin for a loaded machine.
    expect(serial.elapsed).toBeGreaterThanOrEqual(740)
    expect(parallel.elapsed / serial.elapsed).toBeLessThan(0.85)
    // Overlap proven directly: in the parallel run, b started before a ended.
    const a = parallel.log.find((l) => l.name === 'a')
    const b = parallel.log.find((l) => l.name === 'b')
    expect(b && a && b.start < a.end).toBe(true)
    // Serially, each starts after the previous one ended, in the model's order.
    const [s1, s2, s3] = serial.log
    expect(serial.log.map((l) => l.name)).toEqual(['a', 'b', 'c'])
    expect(s2 && s1 && s2.start >= s1.end).toBe(true)
    expect(s3 && s2 && s3.start >= s2.end).toBe(true)
    // Completion order differs in the parallel run, but results go back in the model's order.
    expect(parallel.log.map((l) => l.name)).toEqual(['b', 'c', 'a'])
    for (const run of [parallel, serial]) {
      expect(run.outputs.map((o) => o.type === 'function_call_output' && o.call_id)).toEqual([
        'c1',
        'c2',
        'c3',
      ])
    }
  })

  it('a mutating call waits for earlier reads and blocks later ones', async () => {
    const log: { name: string; start: number; end: number }[] = []
    const made = await makeAgent(
      [
        [
          reply.toolCall('read', { ms: 150, tag: 'r1' }),
          reply.toolCall('write', { ms: 150, tag: 'w' }),
          reply.toolCall('read', { ms: 150, tag: 'r2' }),
        ],
        [reply.text('done')],
      ],
      { tools: [sleepTool('read', true, log), sleepTool('write', false, log)] },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd)
    const at = (name: string) => log.find((l) => l.name === name) ?? { start: Number.NaN, end: Number.NaN }
    expect(at('w').start).toBeGreaterThanOrEqual(at('r1').end)
    expect(at('r2').start).toBeGreaterThanOrEqual(at('w').end)
  })
})

describe('parallel-safe tools', () => {
  it('run together like read-only calls, but a mutating call still runs alone', async () => {
    const log: { name: string; start: number; end: number }[] = []
    const task: ToolDefinition = { ...sleepTool('task', false, log), parallelSafe: true }
    const made = await makeAgent(
      [
        [
          reply.toolCall('task', { ms: 300, tag: 't1' }),
          reply.toolCall('task', { ms: 300, tag: 't2' }),
          reply.toolCall('write', { ms: 50, tag: 'w' }),
        ],
        [reply.text('done')],
      ],
      { tools: [task, sleepTool('write', false, log)] },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd)
    const at = (name: string) => log.find((l) => l.name === name) ?? { start: Number.NaN, end: Number.NaN }
    expect(at('t2').start).toBeLessThan(at('t1').end)
    expect(at('w').start).toBeGreaterThanOrEqual(Math.max(at('t1').end, at('t2').end))
  })
})

describe('bad calls become error results for the model', () => {
  it('unknown tools, invalid JSON and schema failures are answered, not thrown', async () => {
    const made = await makeAgent([
      [
        reply.toolCall('does_not_exist', { a: 1 }, 'u1'),
        { type: 'tool_call', name: 'echo', arguments: '{not json', callId: 'j1' },
        reply.toolCall('echo', { text: 42 }, 's1'),
        reply.toolCall('shell', { command: [] }, 's2'),
      ],
      [reply.text('sorry')],
    ])
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'turn_complete')[0]?.last_agent_message).toBe('sorry')
    const outputs = Object.fromEntries(
      (made.model.requests[1]?.input ?? []).flatMap((i) =>
        i.type === 'function_call_output' ? [[i.call_id, i]] : [],
      ),
    )
    expect(outputs.u1).toMatchObject({
      is_error: true,
      output: 'unknown tool: does_not_exist. Available tools: shell, echo',
    })
    expect(outputs.j1?.output).toMatch(
      /^the arguments of echo are not valid JSON \(.+\); send a JSON object$/,
    )
    expect(outputs.s1).toMatchObject({ is_error: true })
    expect(outputs.s1?.output).toMatch(/^invalid arguments for echo: text: /)
    expect(outputs.s2?.output).toMatch(/^invalid arguments for shell: command: /)
  })

  it('a tool that throws gives the model the message', async () => {
    const boom: ToolDefinition = {
      ...echoTool,
      name: 'boom',
      handle: async () => Promise.reject(new Error('disk on fire')),
    }
    const made = await makeAgent([[reply.toolCall('boom', { text: 'x' }, 'b1')], [reply.text('ok')]], {
      tools: [boom],
    })
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd)
    const out = made.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(out).toMatchObject({ call_id: 'b1', is_error: true, output: 'boom failed: disk on fire' })
  })

  it('sends each tool with a JSON Schema generated from its zod parameters', async () => {
    const made = await makeAgent([[reply.text('hi')]])
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    await collectUntil(agent, isTurnEnd)
    const spec = made.model.requests[0]?.tools.find((t) => t.name === 'echo')
    expect(spec?.parameters).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    })
    expect(spec?.parameters).not.toHaveProperty('$schema')
  })
})

describe('MCP provider tools', () => {
  it('routes calls to the provider with mcp_tool_call_begin/end and returns the content', async () => {
    const provider = new StaticToolProvider('files', [
      {
        tool: 'stat',
        description: 'File info',
        inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
        readOnly: true,
        handler: (args) => ({
          content: [{ type: 'input_text', text: `size of ${(args as { path: string }).path}: 3` }],
          isError: false,
        }),
      },
      {
        tool: 'crash',
        description: 'Always fails',
        inputSchema: { type: 'object' },
        handler: () => {
          throw new Error('server went away')
        },
      },
    ])
    const made = await makeAgent(
      [
        [
          reply.toolCall('mcp__files__stat', { path: 'a.txt' }, 'm1'),
          reply.toolCall('mcp__files__crash', {}, 'm2'),
        ],
        [reply.text('ok')],
      ],
      { toolProviders: [provider] },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'mcp_startup_complete')[0]?.ready).toEqual(['files'])
    const begins = find(events, 'mcp_tool_call_begin')
    expect(begins.map((b) => b.invocation)).toEqual([
      { server: 'files', tool: 'stat', arguments: { path: 'a.txt' } },
      { server: 'files', tool: 'crash', arguments: {} },
    ])
    const ends = find(events, 'mcp_tool_call_end')
    expect(ends.find((e) => e.call_id === 'm1')?.result.ok).toBe(true)
    expect(ends.find((e) => e.call_id === 'm2')?.result).toEqual({
      ok: false,
      error: 'MCP tool crash on server files failed: server went away',
    })
    const outputs = made.model.requests[1]?.input.filter((i) => i.type === 'function_call_output')
    expect(outputs?.[0]).toMatchObject({ call_id: 'm1', output: 'size of a.txt: 3' })
    expect(outputs?.[1]).toMatchObject({ call_id: 'm2', is_error: true })
    expect(made.model.requests[0]?.tools.map((t) => t.name)).toContain('mcp__files__stat')

    await agent.submit({ type: 'list_mcp_tools' })
    const [listed] = await collectUntil(agent, (e) => e.msg.type === 'mcp_list_tools_response').then((l) =>
      l.slice(-1),
    )
    expect(listed?.msg.type === 'mcp_list_tools_response' && Object.keys(listed.msg.tools)).toEqual([
      'mcp__files__stat',
      'mcp__files__crash',
    ])
  })
})

describe('shell through the orchestrator', () => {
  it('streams output deltas and reports a missing program clearly', async () => {
    const made = await makeAgent([
      [reply.toolCall('shell', { command: ['sh', '-c', 'echo out; echo err >&2'] }, 'a')],
      [reply.toolCall('shell', { command: ['definitely-not-a-program-xyz'] }, 'b')],
      [reply.text('ok')],
    ])
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    const deltas = find(events, 'exec_command_output_delta').filter((d) => d.call_id === 'a')
    expect(deltas.map((d) => d.stream).sort()).toEqual(['stderr', 'stdout'])
    const missing = find(events, 'exec_command_end').find((e) => e.call_id === 'b')
    expect(missing?.exit_code).toBe(127)
    expect(missing?.formatted_output).toContain('command not found: definitely-not-a-program-xyz')
    expect(shellTool.name).toBe('shell')
  })

  it('starts a sandboxed command before the consumers of its exec_command_begin run', async () => {
    // The wrap is awaited before the event is emitted, so the consumers' work overlaps the
    // command instead of delaying its start.
    let beginHandled = false
    const handledAtStart: boolean[] = []
    class WatchingRunner extends ProcessRunner {
      override run(request: RunRequest) {
        handledAtStart.push(beginHandled)
        return super.run(request)
      }
    }
    // A wrap that takes a turn of the event loop, as one doing I/O would.
    class SlowSandbox extends FakeSandbox {
      override async wrapCommand(...args: Parameters<FakeSandbox['wrapCommand']>) {
        await new Promise((resolve) => setImmediate(resolve))
        return super.wrapCommand(...args)
      }
    }
    const made = await makeAgent(
      [[reply.toolCall('shell', { command: ['true'] }, 'a')], [reply.text('ok')]],
      {
        runner: new WatchingRunner(),
        sandbox: new SlowSandbox(),
      },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd, {
      onEvent: (event) => {
        if (event.msg.type === 'exec_command_begin') beginHandled = true
      },
    })
    expect(find(events, 'exec_command_begin')[0]?.sandbox).not.toBe('none')
    expect(handledAtStart).toEqual([false])
    expect(find(events, 'exec_command_end')[0]?.exit_code).toBe(0)
  })
})

describe('generic tool-call events', () => {
  const big = defineTool<{ n: number }>({
    name: 'big',
    description: 'Returns n characters and an image',
    parameters: z.object({ n: z.number().int() }),
    readOnly: true,
    async handle(args) {
      return {
        output: [
          { type: 'input_text', text: 'x'.repeat(args.n) },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
        ],
      }
    },
  })

  it('brackets every call of a tool that emits nothing itself; tools that do, and MCP calls, get none', async () => {
    const made = await makeAgent(
      [
        [
          reply.toolCall('echo', { text: 'hello' }, 'e1'),
          reply.toolCall('shell', { command: ['true'] }, 's1'),
          reply.toolCall('echo', { wrong: 1 }, 'e2'),
          reply.toolCall('nope', {}, 'n1'),
        ],
        [reply.text('ok')],
      ],
      {},
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'tool_call_begin')).toEqual([
      { type: 'tool_call_begin', call_id: 'e1', tool: 'echo', arguments: { text: 'hello' } },
      { type: 'tool_call_begin', call_id: 'e2', tool: 'echo', arguments: { wrong: 1 } },
      { type: 'tool_call_begin', call_id: 'n1', tool: 'nope', arguments: {} },
    ])
    const ends = find(events, 'tool_call_end')
    expect(ends.map((e) => [e.call_id, e.success])).toEqual([
      ['e1', true],
      ['e2', false],
      ['n1', false],
    ])
    expect(ends[0]).toMatchObject({ tool: 'echo', output: 'hello' })
    expect(ends[0]?.duration_ms).toBeGreaterThanOrEqual(0)
    expect(ends[2]?.output).toMatch(/^unknown tool: nope/)
    // The shell tool says it emits its own events: the command shows as exec_command_*.
    expect(find(events, 'exec_command_begin').map((e) => e.call_id)).toEqual(['s1'])
    // Each begin comes before its end.
    const order = events.flatMap((e) =>
      e.msg.type === 'tool_call_begin' || e.msg.type === 'tool_call_end'
        ? [`${e.msg.type}:${e.msg.call_id}`]
        : [],
    )
    expect(order.indexOf('tool_call_begin:e1')).toBeLessThan(order.indexOf('tool_call_end:e1'))
  })

  it('cuts a long result to a summary and names images; the model still gets all of it', async () => {
    const made = await makeAgent([[reply.toolCall('big', { n: 10_000 }, 'b1')], [reply.text('ok')]], {
      tools: [big],
    })
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    const end = find(events, 'tool_call_end')[0]
    expect(end?.output).toHaveLength(TOOL_CALL_OUTPUT_CHARS)
    expect(end?.output_chars).toBe(10_000 + '\n[image]'.length)
    const out = made.model.requests[1]?.input.find((i) => i.type === 'function_call_output')
    expect(JSON.stringify(out)).toContain('x'.repeat(10_000))
  })

  it('a tool may decide per call (a function of its arguments)', async () => {
    const maybe = defineTool<{ own: boolean }>({
      name: 'maybe',
      description: 'emits its own events when asked to',
      parameters: z.object({ own: z.boolean() }),
      readOnly: true,
      emitsOwnEvents: (args) => args.own,
      async handle() {
        return { output: 'done' }
      },
    })
    const made = await makeAgent(
      [
        [reply.toolCall('maybe', { own: true }, 'm1'), reply.toolCall('maybe', { own: false }, 'm2')],
        [reply.text('ok')],
      ],
      { tools: [maybe] },
    )
    agent = made.agent
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(agent, isTurnEnd)
    expect(find(events, 'tool_call_begin').map((e) => e.call_id)).toEqual(['m2'])
    expect(find(events, 'tool_call_end').map((e) => e.call_id)).toEqual(['m2'])
  })
})
