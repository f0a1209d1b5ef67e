// `agent acp` end to end, the live parts: generic tool calls (view_image, exec_command) shown as
// they run, a command's output streamed while it runs, MCP prompts offered as commands, /review
// and /init, prompts queued behind a running turn, and `_session/steering` joining it. The
// official ACP SDK's client drives the built binary against the mock provider.
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { SessionUpdate, StopReason } from '@agentclientprotocol/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { acpHarness, initialize, shell, text } from './acp-client.js'

const harness = acpHarness()
afterEach(() => harness.cleanup())

/** A PNG header is all view_image checks (it sniffs the type and sends the bytes). */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])

/** The script waits for `file` to appear (the test creates it): no sleeping on wall time. */
const waitFor = (file: string) => `while [ ! -e ${file} ]; do sleep 0.05; done`

const messageText = (updates: SessionUpdate[]) =>
  updates
    .filter((u) => u.sessionUpdate === 'agent_message_chunk')
    .map(text)
    .join('')

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

describe('agent acp, live', () => {
  it('tools without events of their own appear live: tool_call in progress, then completed or failed', async () => {
    const { start, ws } = await harness.setup([
      {
        toolCalls: [
          { name: 'view_image', arguments: { path: 'pixel.png' } },
          { name: 'view_image', arguments: { path: 'missing.png' } },
        ],
      },
      { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'echo unified' } }] },
      { text: 'Seen.' },
    ])
    writeFileSync(join(ws.repo, 'pixel.png'), PNG)
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'look at the image' }],
    })
    expect(result.stopReason).toBe('end_turn')
    const updates = acp.updates(sessionId)
    const calls = updates.filter((u) => u.sessionUpdate === 'tool_call')
    expect(calls[0]).toMatchObject({
      title: 'view_image pixel.png',
      kind: 'read',
      status: 'in_progress',
      locations: [{ path: join(ws.repo, 'pixel.png') }],
      rawInput: { path: 'pixel.png' },
    })
    expect(calls[1]).toMatchObject({ title: 'view_image missing.png', kind: 'read' })
    expect(calls[2]).toMatchObject({ title: 'echo unified', kind: 'execute', status: 'in_progress' })
    const ended = (id: string) =>
      updates.find(
        (u) => u.sessionUpdate === 'tool_call_update' && u.toolCallId === id && u.status !== 'in_progress',
      )
    const id = (u: SessionUpdate | undefined) => (u as { toolCallId: string }).toolCallId
    expect(ended(id(calls[0]))).toMatchObject({ status: 'completed' })
    expect(ended(id(calls[1]))).toMatchObject({ status: 'failed' })
    expect(JSON.stringify(ended(id(calls[1])))).toContain('unable to locate image')
    expect(ended(id(calls[2]))).toMatchObject({ status: 'completed' })
    expect(JSON.stringify(ended(id(calls[2])))).toContain('unified')
    // Each call is announced before it ends, and before the answer that follows it.
    const order = updates.map((u) => `${u.sessionUpdate}:${'toolCallId' in u ? u.toolCallId : ''}`)
    expect(order.indexOf(`tool_call:${id(calls[0])}`)).toBeLessThan(
      order.findIndex((o) => o.startsWith('tool_call_update')),
    )
    expect(order.findIndex((o) => o.startsWith('agent_message_chunk'))).toBeGreaterThan(
      order.lastIndexOf(`tool_call_update:${id(calls[2])}`),
    )
  })

  it('a generic call that asks (web_fetch outside the network policy) goes pending, then runs once allowed', async () => {
    const pages = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end('<html><body><p>The kiwi page.</p></body></html>')
    })
    pages.listen(0, '127.0.0.1')
    await once(pages, 'listening')
    try {
      const url = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/kiwi`
      const { start, ws } = await harness.setup([
        { toolCalls: [{ name: 'web_fetch', arguments: { url } }] },
        { text: 'Fetched.' },
      ])
      const acp = start()
      await initialize(acp)
      const { sessionId } = await acp.connection.agent.request('session/new', {
        cwd: ws.repo,
        mcpServers: [],
      })
      const result = await acp.connection.agent.request('session/prompt', {
        sessionId,
        prompt: [{ type: 'text', text: 'fetch the kiwi page' }],
      })
      expect(result.stopReason).toBe('end_turn')
      const updates = acp.updates(sessionId)
      const call = updates.find((u) => u.sessionUpdate === 'tool_call')
      expect(call).toMatchObject({ kind: 'fetch', title: `web_fetch ${url}`, status: 'in_progress' })
      const id = (call as { toolCallId: string }).toolCallId
      expect(acp.permissions.map((p) => p.toolCall.toolCallId)).toEqual([id])
      const statuses = updates.flatMap((u) =>
        u.sessionUpdate === 'tool_call_update' && u.toolCallId === id && u.status ? [u.status] : [],
      )
      expect(statuses).toEqual(['pending', 'in_progress', 'completed'])
      // The title and kind stay the call's (the permission request does not turn it into a command).
      expect(
        updates.filter((u) => u.sessionUpdate === 'tool_call_update' && 'title' in u && u.title),
      ).toEqual([])
      const completed = updates.find(
        (u) => u.sessionUpdate === 'tool_call_update' && u.toolCallId === id && u.status === 'completed',
      )
      expect(JSON.stringify(completed)).toContain('The kiwi page.')
    } finally {
      pages.close()
    }
  })

  it("streams a command's output while it runs, then the whole output when it ends", async () => {
    const { start, ws } = await harness.setup([
      { toolCalls: [shell(`echo first-part; ${waitFor('go')}; echo second-part`)] },
      { text: 'Ran.' },
    ])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const prompt = acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'run it' }],
    })
    // The command is still waiting for `go`: the first part can only have come from the stream.
    const partial = await acp.waitForUpdate(
      sessionId,
      (u) =>
        u.sessionUpdate === 'tool_call_update' &&
        u.status === 'in_progress' &&
        JSON.stringify(u).includes('first-part'),
    )
    expect(JSON.stringify(partial)).not.toContain('second-part')
    writeFileSync(join(ws.repo, 'go'), '')
    expect((await prompt).stopReason).toBe('end_turn')
    const final = acp
      .updates(sessionId)
      .find((u) => u.sessionUpdate === 'tool_call_update' && u.status === 'completed')
    expect(JSON.stringify(final)).toMatch(/first-part\\n.*second-part|first-part[\s\S]*second-part/)
    // Nothing in progress comes after the end.
    const updates = acp.updates(sessionId)
    const endAt = updates.indexOf(final as SessionUpdate)
    expect(
      updates
        .slice(endAt)
        .filter((u) => u.sessionUpdate === 'tool_call_update' && u.status === 'in_progress'),
    ).toEqual([])
  })

  it("offers MCP servers' prompts as commands once MCP is up, and expands them when sent", async () => {
    const promptServer = new URL(
      '../../../packages/mcp/test/fixtures/prompts-roots-server.mjs',
      import.meta.url,
    ).pathname
    const { start, ws, server } = await harness.setup([{ text: 'Hello Bob!' }])
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      `[mcp_servers.srv]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(promptServer)}]\n`,
    )
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const offered = await acp.waitForUpdate(
      sessionId,
      (u) =>
        u.sessionUpdate === 'available_commands_update' &&
        u.availableCommands.some((c) => c.name === 'mcp__srv__greet'),
    )
    const greet =
      offered.sessionUpdate === 'available_commands_update'
        ? offered.availableCommands.find((c) => c.name === 'mcp__srv__greet')
        : undefined
    expect(greet?.input).toEqual({ hint: '<name> [style]' })
    expect(greet?.description).toBeTruthy()
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/mcp__srv__greet Bob' }],
    })
    expect(result.stopReason).toBe('end_turn')
    const first = JSON.stringify(server.requests[0]?.body)
    expect(first).toContain('Please greet Bob.')
    expect(first).not.toContain('/mcp__srv__greet')
  })

  it('/review shows the findings as a formatted message; /review --base and /init work as prompts', async () => {
    const findings = {
      findings: [
        {
          file: 'src/calc.ts',
          line: 1,
          severity: 'high',
          title: 'add subtracts',
          why: 'a - b is not a sum.',
        },
      ],
      summary: 'The change breaks add.',
    }
    const { start, ws, server } = await harness.setup(
      [
        { text: JSON.stringify(findings) },
        { text: JSON.stringify({ findings: [], summary: 'Fine.' }) },
        { text: 'Wrote AGENTS.md.' },
      ],
      { 'src/calc.ts': 'export const add = (a: number, b: number) => a + b\n' },
    )
    git(ws.repo, 'add', '.')
    git(ws.repo, 'commit', '-qm', 'first')
    git(ws.repo, 'checkout', '-qb', 'feature')
    writeFileSync(join(ws.repo, 'src/calc.ts'), 'export const add = (a: number, b: number) => a - b\n')
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const offered = await acp.waitForUpdate(sessionId, (u) => u.sessionUpdate === 'available_commands_update')
    const names =
      offered.sessionUpdate === 'available_commands_update'
        ? offered.availableCommands.map((c) => c.name)
        : []
    expect(names).toEqual(expect.arrayContaining(['review', 'init', 'compact', 'undo']))

    const reviewed = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/review' }],
    })
    expect(reviewed.stopReason).toBe('end_turn')
    const shown = messageText(acp.updates(sessionId))
    expect(shown).toContain('**high** `src/calc.ts:1` add subtracts')
    expect(shown).toContain('The change breaks add.')
    expect(shown).not.toContain('"findings"')
    const sent = server.requests[0]?.body as { text?: { format?: { type?: string } } }
    expect(sent.text?.format?.type).toBe('json_schema')
    expect(JSON.stringify(sent)).toContain('a - b')

    git(ws.repo, 'commit', '-qam', 'subtract')
    // A clean tree: nothing to review is said as a message, and no model request is made.
    const clean = acp.updates(sessionId).length
    const nothing = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/review' }],
    })
    expect(nothing.stopReason).toBe('end_turn')
    expect(messageText(acp.updates(sessionId).slice(clean))).toMatch(/^Cannot review: nothing to review/)
    expect(server.requests).toHaveLength(1)
    const before = acp.updates(sessionId).length
    const base = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/review --base main' }],
    })
    expect(base.stopReason).toBe('end_turn')
    expect(messageText(acp.updates(sessionId).slice(before))).toContain('**No findings.**')
    expect(JSON.stringify(server.requests[1]?.body)).toContain('against main')

    const init = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/init' }],
    })
    expect(init.stopReason).toBe('end_turn')
    expect(JSON.stringify(server.requests[2]?.body)).toContain('Create an AGENTS.md file')

    // An AGENTS.md that exists is not replaced without `force`.
    writeFileSync(join(ws.repo, 'AGENTS.md'), '# Agents\n')
    const refused = acp.updates(sessionId).length
    const again = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: '/init' }],
    })
    expect(again.stopReason).toBe('end_turn')
    expect(messageText(acp.updates(sessionId).slice(refused))).toContain('/init force')
    expect(server.requests).toHaveLength(3)
  })

  it('steering joins the running turn; a prompt sent meanwhile waits and runs as the next turn', async () => {
    const { start, ws, server } = await harness.setup([
      { toolCalls: [shell(waitFor('go'))] },
      { text: 'First done.' },
      { text: 'Second done.' },
    ])
    const acp = start()
    const init = await initialize(acp)
    expect(init._meta).toMatchObject({ steering: { supported: true } })
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const idle = await acp.connection.agent.request('_session/steering', {
      sessionId,
      prompt: [{ type: 'text', text: 'too early' }],
    })
    expect(idle).toEqual({ outcome: 'promptRequired', reason: 'noRunningTurn' })

    const order: string[] = []
    const first = acp.connection.agent
      .request('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'wait for go' }] })
      .then((r: { stopReason: StopReason }) => {
        order.push('first')
        return r
      })
    await acp.waitForUpdate(sessionId, (u) => u.sessionUpdate === 'tool_call' && u.status === 'in_progress')
    const steered = await acp.connection.agent.request('_session/steering', {
      sessionId,
      prompt: [{ type: 'text', text: 'also mention the steering' }],
    })
    expect(steered).toEqual({ outcome: 'injected' })
    const second = acp.connection.agent
      .request('session/prompt', { sessionId, prompt: [{ type: 'text', text: 'the queued prompt' }] })
      .then((r: { stopReason: StopReason }) => {
        order.push('second')
        return r
      })
    writeFileSync(join(ws.repo, 'go'), '')
    expect((await first).stopReason).toBe('end_turn')
    expect((await second).stopReason).toBe('end_turn')
    expect(order).toEqual(['first', 'second'])
    expect(server.requests).toHaveLength(3)
    // The steering reached the first turn's next request; the queued prompt is a turn of its own.
    const [, afterTool, queued] = server.requests.map((r) => JSON.stringify(r.body))
    expect(afterTool).toContain('also mention the steering')
    expect(afterTool).not.toContain('the queued prompt')
    expect(queued).toContain('the queued prompt')
  })

  it('session/cancel also cancels the prompts waiting behind the running one', async () => {
    const { start, ws } = await harness.setup([{ toolCalls: [shell(waitFor('never'))] }])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const first = acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'a' }],
    })
    await acp.waitForUpdate(sessionId, (u) => u.sessionUpdate === 'tool_call' && u.status === 'in_progress')
    const second = acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'b' }],
    })
    await acp.connection.agent.notify('session/cancel', { sessionId })
    expect((await first).stopReason).toBe('cancelled')
    expect((await second).stopReason).toBe('cancelled')
  })
})
