// What only an in-process runtime can do, on each wire: abort by signal (the command's process
// tree gone), approvals decided by a callback, a tool of the embedder's, an in-process MCP server,
// hooks as functions, and two threads running at once in one process.
import { existsSync, readFileSync, watch } from 'node:fs'
import { join } from 'node:path'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type ApprovalRequest, defineTool, type HookInput } from '../src/index.js'
import { clientFor, mockServers, sentText, shellCall, WIRES, workspace } from './helpers.js'

const { mock, closers } = mockServers()

/** Resolves once `file` exists (watching its directory, not polling). */
function fileAppears(file: string): Promise<void> {
  return new Promise((resolve) => {
    const dir = join(file, '..')
    const watcher = watch(dir, () => {
      if (existsSync(file) && readFileSync(file, 'utf8').trim()) {
        watcher.close()
        resolve()
      }
    })
    if (existsSync(file) && readFileSync(file, 'utf8').trim()) {
      watcher.close()
      resolve()
    }
  })
}

/** Running, not a zombie: a killed orphan stays in the table until PID 1 reaps it (containers may not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

function calc(): McpServer {
  const server = new McpServer({ name: 'calc', version: '1.0.0' })
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      annotations: { readOnlyHint: true },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: `sum=${a + b}` }] }),
  )
  return server
}

describe.each(WIRES)('client extras over $wire', (wire) => {
  it('aborts a turn by signal: run rejects with an AbortError and the process tree is gone', async () => {
    const ws = workspace()
    const pidFile = join(ws.dir, 'pid.txt')
    const server = await mock(wire.wire, [
      { toolCalls: [shellCall(wire, 'sleep 1000 & echo $! > pid.txt; wait')] },
    ])
    const thread = clientFor(server, wire, ws).startThread({
      workingDirectory: ws.dir,
      sandboxMode: 'danger-full-access',
    })
    closers.push(() => thread.close())
    const controller = new AbortController()
    const running = thread.run('sleep', { signal: controller.signal })
    const settled = running.catch((error: unknown) => error)
    await fileAppears(pidFile)
    const pid = Number(readFileSync(pidFile, 'utf8'))
    expect(alive(pid)).toBe(true)
    controller.abort()
    const error = await settled
    expect((error as Error).name).toBe('AbortError')
    expect(alive(pid)).toBe(false)
    expect(server.requests).toHaveLength(1)
    // The thread takes the next turn.
    server.push({ text: 'still here' })
    expect((await thread.run('again')).finalResponse).toBe('still here')
  })

  it('asks onApproval and follows its answers', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [
      { toolCalls: [shellCall(wire, 'touch yes.txt')] },
      { toolCalls: [shellCall(wire, 'touch no.txt')] },
      { text: 'done' },
    ])
    const asked: ApprovalRequest[] = []
    const client = clientFor(server, wire, ws, {
      onApproval: (request) => {
        asked.push(request)
        return asked.length === 1 ? 'approved' : { decision: 'denied', feedback: 'not that one' }
      },
    })
    const thread = client.startThread({
      workingDirectory: ws.dir,
      sandboxMode: 'danger-full-access',
      approvalPolicy: 'untrusted',
    })
    closers.push(() => thread.close())
    const turn = await thread.run('touch two files')
    expect(asked.map((r) => r.type)).toEqual(['command', 'command'])
    expect(asked[0]).toMatchObject({ cwd: ws.dir })
    expect(existsSync(join(ws.dir, 'yes.txt'))).toBe(true)
    expect(existsSync(join(ws.dir, 'no.txt'))).toBe(false)
    expect(turn.finalResponse).toBe('done')
    expect(sentText(server, 2)).toContain('not that one')
  })

  it('offers a defineTool tool beside the built-in ones and returns its result to the model', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [
      { toolCalls: [{ name: 'lookup_order', arguments: { id: 42 } }] },
      { text: 'Order 42 shipped.' },
    ])
    const seen: unknown[] = []
    const lookup = defineTool({
      name: 'lookup_order',
      description: 'Looks an order up by id',
      parameters: z.object({ id: z.number() }),
      execute: async (args) => {
        seen.push(args)
        return { status: 'shipped', id: args.id }
      },
    })
    const thread = clientFor(server, wire, ws, { tools: [lookup] }).startThread({ workingDirectory: ws.dir })
    closers.push(() => thread.close())
    const turn = await thread.run('where is order 42?')
    expect(seen).toEqual([{ id: 42 }])
    expect(turn.finalResponse).toBe('Order 42 shipped.')
    const first = sentText(server, 0)
    expect(first).toContain('lookup_order')
    expect(first).toContain('Looks an order up by id')
    expect(sentText(server, 1)).toContain('shipped')
  })

  it('calls the tools of an in-process MCP server (an McpServer instance, no subprocess)', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [
      { toolCalls: [{ name: 'mcp__calc__add', arguments: { a: 2, b: 40 } }] },
      { text: 'It is 42.' },
    ])
    const thread = clientFor(server, wire, ws, { mcpServers: { calc: calc() } }).startThread({
      workingDirectory: ws.dir,
    })
    closers.push(() => thread.close())
    const turn = await thread.run('add 2 and 40')
    const call = turn.items.find((i) => i.type === 'mcp_tool_call')
    expect(call).toMatchObject({
      server: 'calc',
      tool: 'add',
      status: 'completed',
      arguments: { a: 2, b: 40 },
    })
    expect(JSON.stringify(call)).toContain('sum=42')
    expect(sentText(server, 1)).toContain('sum=42')
  })

  it('runs function hooks: PreToolUse can block a command with a reason for the model', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [
      { toolCalls: [shellCall(wire, 'touch blocked.txt')] },
      { text: 'ok' },
    ])
    const inputs: HookInput[] = []
    const thread = clientFor(server, wire, ws, {
      hooks: {
        PreToolUse: [
          {
            matcher: wire.toolset === 'codex' ? 'shell' : 'Bash',
            hooks: [
              (input) => {
                inputs.push(input)
                return { blocked: { reason: 'no touching today' } }
              },
            ],
          },
        ],
      },
    }).startThread({ workingDirectory: ws.dir, sandboxMode: 'danger-full-access' })
    closers.push(() => thread.close())
    await thread.run('touch it')
    expect(inputs).toHaveLength(1)
    expect(inputs[0]?.tool_name).toBe(wire.toolset === 'codex' ? 'shell' : 'Bash')
    expect(existsSync(join(ws.dir, 'blocked.txt'))).toBe(false)
    expect(sentText(server, 1)).toContain('no touching today')
  })

  it('runs two threads at once in one process, each with its own conversation', async () => {
    const [a, b] = [workspace(), workspace()]
    const serverA = await mock(wire.wire, [
      { toolCalls: [shellCall(wire, 'echo A > who.txt')] },
      { text: 'I am A' },
    ])
    const serverB = await mock(wire.wire, [
      { toolCalls: [shellCall(wire, 'echo B > who.txt')] },
      { text: 'I am B' },
    ])
    const threadA = clientFor(serverA, wire, a).startThread({
      workingDirectory: a.dir,
      sandboxMode: 'danger-full-access',
    })
    const threadB = clientFor(serverB, wire, b).startThread({
      workingDirectory: b.dir,
      sandboxMode: 'danger-full-access',
    })
    closers.push(
      () => threadA.close(),
      () => threadB.close(),
    )
    const [turnA, turnB] = await Promise.all([threadA.run('who?'), threadB.run('who?')])
    expect([turnA.finalResponse, turnB.finalResponse]).toEqual(['I am A', 'I am B'])
    expect(readFileSync(join(a.dir, 'who.txt'), 'utf8')).toBe('A\n')
    expect(readFileSync(join(b.dir, 'who.txt'), 'utf8')).toBe('B\n')
    expect(threadA.id).not.toBe(threadB.id)
  })
})
