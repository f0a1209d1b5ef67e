// `agent acp` end to end: the official ACP SDK's client drives the built binary (a subprocess)
// against the mock provider (Responses wire), commands run for real (bubblewrap in `auto`).
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SessionUpdate } from '@agentclientprotocol/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { acpHarness, initialize, kinds, shell, startAcp, text } from './acp-client.js'
import { bin, isAlive, waitForPid, waitUntilGone, workspace } from './helpers.js'

const harness = acpHarness()
afterEach(() => harness.cleanup())
const setup = harness.setup

describe('agent acp', () => {
  it('initialize, then a multi-step prompt streams thoughts, messages, tool calls and the plan', async () => {
    const { start, ws } = await setup(
      [
        { reasoning: 'Looking first.', text: 'Reading the notes.', toolCalls: [shell('cat notes.txt')] },
        {
          toolCalls: [
            { name: 'update_plan', arguments: { plan: [{ step: 'read notes', status: 'completed' }] } },
          ],
        },
        { text: 'The notes say hello.' },
      ],
      { 'notes.txt': 'hello\n' },
    )
    const acp = start()
    const init = await initialize(acp)
    expect(init.protocolVersion).toBe(1)
    expect(init.agentCapabilities).toMatchObject({
      loadSession: true,
      promptCapabilities: { image: true, embeddedContext: true },
      mcpCapabilities: { http: true, sse: true },
    })
    expect(init.agentInfo?.name).toBe('agent')
    expect(init.authMethods).toEqual([])

    const session = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    expect(session.modes?.currentModeId).toBe('auto')
    expect(session.modes?.availableModes.map((m) => m.id)).toEqual(['read-only', 'auto', 'full-access'])
    expect(session.configOptions?.find((o) => o.id === 'model')).toMatchObject({ currentValue: 'test-model' })

    const result = await acp.connection.agent.request('session/prompt', {
      sessionId: session.sessionId,
      prompt: [{ type: 'text', text: 'what do the notes say?' }],
    })
    expect(result.stopReason).toBe('end_turn')
    const updates = acp.updates(session.sessionId)
    const thoughts = updates
      .filter((u) => u.sessionUpdate === 'agent_thought_chunk')
      .map(text)
      .join('')
    expect(thoughts).toBe('Looking first.')
    const messages = updates
      .filter((u) => u.sessionUpdate === 'agent_message_chunk')
      .map(text)
      .join('')
    expect(messages).toBe('Reading the notes.The notes say hello.')
    const call = updates.find((u) => u.sessionUpdate === 'tool_call')
    expect(call).toMatchObject({ kind: 'read', title: 'cat notes.txt', status: 'in_progress' })
    // The command's output streams in while it runs (in_progress updates), then it ends.
    const done = updates.find((u) => u.sessionUpdate === 'tool_call_update' && u.status !== 'in_progress')
    expect(done).toMatchObject({
      toolCallId: (call as { toolCallId: string }).toolCallId,
      status: 'completed',
    })
    expect(JSON.stringify(done)).toContain('hello')
    expect(updates.find((u) => u.sessionUpdate === 'plan')).toMatchObject({
      entries: [{ content: 'read notes', status: 'completed' }],
    })
    const commands = await acp.waitForUpdate(
      session.sessionId,
      (u) => u.sessionUpdate === 'available_commands_update',
    )
    expect(commands).toMatchObject({
      availableCommands: expect.arrayContaining([expect.objectContaining({ name: 'compact' })]),
    })
    expect(acp.stderr()).toBe('')
  })

  it('asks permission with real options: allowed once runs the command, rejected does not', async () => {
    const escalated = (file: string) =>
      shell(`echo yes > ${file}`, { with_escalated_permissions: true, justification: 'write a marker' })
    const { start, ws } = await setup([
      { toolCalls: [escalated('allowed.txt')] },
      { text: 'Wrote it.' },
      { toolCalls: [escalated('rejected.txt')] },
      { text: 'I was not allowed.' },
    ])
    let answer = 'approved'
    const acp = start({
      onPermission: () => ({ outcome: { outcome: 'selected', optionId: answer } }),
    })
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })

    const first = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'write allowed.txt' }],
    })
    expect(first.stopReason).toBe('end_turn')
    expect(acp.permissions).toHaveLength(1)
    const asked = acp.permissions[0]
    expect(asked?.options.map((o) => o.kind)).toEqual(['allow_once', 'allow_always', 'reject_once'])
    expect(acp.updates(sessionId).find((u) => u.sessionUpdate === 'tool_call')).toMatchObject({
      toolCallId: asked?.toolCall.toolCallId,
      status: 'pending',
      kind: 'execute',
    })
    expect(readFileSync(join(ws.repo, 'allowed.txt'), 'utf8')).toBe('yes\n')

    answer = 'denied'
    const second = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'write rejected.txt' }],
    })
    expect(second.stopReason).toBe('end_turn')
    expect(acp.permissions).toHaveLength(2)
    expect(existsSync(join(ws.repo, 'rejected.txt'))).toBe(false)
    const rejectedId = acp.permissions[1]?.toolCall.toolCallId
    const last = acp
      .updates(sessionId)
      .filter((u) => 'toolCallId' in u && u.toolCallId === rejectedId)
      .at(-1)
    expect(last).toMatchObject({ status: 'failed' })
  })

  it('an edit needing approval shows its diff; set_mode switches the preset and reports it', async () => {
    const patch = '*** Begin Patch\n*** Update File: notes.txt\n@@\n-hello\n+hello world\n*** End Patch\n'
    const { start, ws } = await setup(
      [{ toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] }, { text: 'Edited.' }],
      { 'notes.txt': 'hello\n' },
    )
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    await acp.connection.agent.request('session/set_mode', { sessionId, modeId: 'read-only' })
    await acp.waitForUpdate(
      sessionId,
      (u) => u.sessionUpdate === 'current_mode_update' && u.currentModeId === 'read-only',
    )

    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'edit the notes' }],
    })
    expect(result.stopReason).toBe('end_turn')
    expect(acp.permissions).toHaveLength(1)
    const call = acp.updates(sessionId).find((u) => u.sessionUpdate === 'tool_call')
    expect(call).toMatchObject({
      kind: 'edit',
      status: 'pending',
      locations: [{ path: join(ws.repo, 'notes.txt'), line: 1 }],
      content: [{ type: 'diff', path: join(ws.repo, 'notes.txt'), oldText: 'hello', newText: 'hello world' }],
    })
    expect(readFileSync(join(ws.repo, 'notes.txt'), 'utf8')).toBe('hello world\n')
    const last = acp
      .updates(sessionId)
      .filter((u) => u.sessionUpdate === 'tool_call_update')
      .at(-1)
    expect(last).toMatchObject({ status: 'completed' })

    await expect(
      acp.connection.agent.request('session/set_mode', { sessionId, modeId: 'yolo' }),
    ).rejects.toThrow(/unknown mode "yolo"/)
  })

  it('session/cancel stops the turn, kills the running command tree, and the prompt returns cancelled', async () => {
    const { start, ws } = await setup([{ toolCalls: [shell('sleep 600 & echo $! > sleep.pid; wait')] }])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    // Unconfined, so the pid the command writes is one this test can see.
    await acp.connection.agent.request('session/set_mode', { sessionId, modeId: 'full-access' })
    const prompt = acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'sleep' }],
    })
    await acp.waitForUpdate(sessionId, (u) => u.sessionUpdate === 'tool_call' && u.status === 'in_progress')
    const pid = await waitForPid(join(ws.repo, 'sleep.pid'))
    expect(isAlive(pid)).toBe(true)
    await acp.connection.agent.notify('session/cancel', { sessionId })
    expect((await prompt).stopReason).toBe('cancelled')
    await waitUntilGone(pid)
    expect(isAlive(pid)).toBe(false)
  })

  it('session/cancel while a permission request is pending: the request is cancelled, the prompt returns cancelled', async () => {
    const { start, ws } = await setup([
      { toolCalls: [shell('echo no > never.txt', { with_escalated_permissions: true, justification: 'x' })] },
    ])
    let requestCancelled = false
    const acp = start({
      onPermission: (_request, signal) =>
        new Promise((resolve) => {
          // An editor closes its dialog when the agent cancels the request ($/cancel_request).
          const cancelled = () => {
            requestCancelled = true
            resolve({ outcome: { outcome: 'cancelled' } })
          }
          // The cancellation may arrive before this handler runs.
          if (signal.aborted) cancelled()
          else signal.addEventListener('abort', cancelled)
        }),
    })
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const prompt = acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'write never.txt' }],
    })
    await acp.waitForUpdate(sessionId, (u) => u.sessionUpdate === 'tool_call' && u.status === 'pending')
    await acp.connection.agent.notify('session/cancel', { sessionId })
    expect((await prompt).stopReason).toBe('cancelled')
    expect(requestCancelled).toBe(true)
    expect(existsSync(join(ws.repo, 'never.txt'))).toBe(false)
  })

  it("the editor's MCP servers join the session", async () => {
    const echoServer = new URL('./fixtures/echo-mcp-server.mjs', import.meta.url).pathname
    const { start, ws, server } = await setup([
      { toolCalls: [{ name: 'mcp__editor_echo__echo', arguments: { text: 'from the editor' } }] },
      { text: 'Echoed.' },
    ])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', {
      cwd: ws.repo,
      mcpServers: [{ name: 'editor-echo', command: process.execPath, args: [echoServer], env: [] }],
    })
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'echo' }],
    })
    expect(result.stopReason).toBe('end_turn')
    const tools = JSON.stringify((server.requests[0]?.body as { tools?: unknown } | undefined)?.tools)
    expect(tools, acp.stderr()).toContain('mcp__editor_echo__echo')
    const call = acp.updates(sessionId).find((u) => u.sessionUpdate === 'tool_call')
    expect(call).toMatchObject({ title: 'editor-echo: echo', status: 'in_progress' })
    const done = acp.updates(sessionId).find((u) => u.sessionUpdate === 'tool_call_update')
    expect(done).toMatchObject({ status: 'completed' })
    expect(JSON.stringify(done)).toContain('echo: from the editor')
  })

  it('session/load after a restart replays the session, then continues with its history', async () => {
    const { start, ws, server } = await setup([
      { toolCalls: [shell('echo kumquat')] },
      { text: 'The secret word is kumquat.' },
      { text: 'You asked me for the secret word.' },
    ])
    const first = start()
    await initialize(first)
    const { sessionId } = await first.connection.agent.request('session/new', {
      cwd: ws.repo,
      mcpServers: [],
    })
    await first.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'tell me a secret word' }],
    })
    expect(await first.close()).toBe(0)

    const second = start()
    await initialize(second)
    const listed = await second.connection.agent.request('session/list', { cwd: ws.repo })
    expect(listed.sessions.map((s) => s.sessionId)).toContain(sessionId)
    await second.connection.agent.request('session/load', { sessionId, cwd: ws.repo, mcpServers: [] })
    const replayed = second.updates(sessionId).filter((u) => u.sessionUpdate !== 'available_commands_update')
    expect(kinds(replayed)).toEqual(['user_message_chunk', 'tool_call', 'agent_message_chunk'])
    expect(text(replayed[0] as SessionUpdate)).toBe('tell me a secret word')
    expect(replayed[1]).toMatchObject({
      sessionUpdate: 'tool_call',
      title: 'echo kumquat',
      status: 'completed',
    })
    expect(text(replayed[2] as SessionUpdate)).toBe('The secret word is kumquat.')

    const next = await second.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'what did I ask before?' }],
    })
    expect(next.stopReason).toBe('end_turn')
    const request = JSON.stringify(server.requests.at(-1)?.body)
    expect(request).toContain('tell me a secret word')
    expect(request).toContain('kumquat')
  })

  it('fs delegation: with the client offering fs/*, apply_patch reads and writes the editor buffer', async () => {
    const patch =
      '*** Begin Patch\n*** Update File: notes.txt\n@@\n-unsaved line\n+edited line\n*** End Patch\n'
    const { start, ws } = await setup(
      [{ toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] }, { text: 'Edited the buffer.' }],
      { 'notes.txt': 'saved line\n' },
    )
    const file = join(ws.repo, 'notes.txt')
    const buffers: Record<string, string> = { [file]: 'unsaved line\n' }
    const asked: string[] = []
    const acp = start({
      fs: {
        read(path) {
          asked.push(`read ${path}`)
          const text = buffers[path]
          if (text === undefined) throw new Error(`no buffer for ${path}`)
          return text
        },
        write(path, content) {
          asked.push(`write ${path}`)
          buffers[path] = content
        },
      },
    })
    await initialize(acp, { fs: true })
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'edit the notes' }],
    })
    expect(result.stopReason).toBe('end_turn')
    expect(asked).toEqual([`read ${file}`, `write ${file}`])
    expect(buffers[file]).toBe('edited line\n')
    // The editor owns the file now: the disk keeps what was saved.
    expect(readFileSync(file, 'utf8')).toBe('saved line\n')
    const call = acp.updates(sessionId).find((u) => u.sessionUpdate === 'tool_call')
    expect(call).toMatchObject({
      kind: 'edit',
      content: [{ type: 'diff', oldText: 'unsaved line', newText: 'edited line' }],
    })
  })

  it('prompt content: resource links, embedded resources and images become the user input', async () => {
    const { start, ws, server } = await setup([{ text: 'Seen.' }])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
    await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [
        { type: 'text', text: 'compare ' },
        { type: 'resource_link', name: 'a.ts', uri: `file://${ws.repo}/a.ts` },
        { type: 'text', text: ' with ' },
        { type: 'resource', resource: { uri: `file://${ws.repo}/b.ts`, text: 'export const b = 2' } },
        { type: 'image', mimeType: 'image/png', data: png },
      ],
    })
    const body = JSON.stringify(server.requests[0]?.body)
    expect(body).toContain(`compare @${ws.repo}/a.ts with @${ws.repo}/b.ts`)
    expect(body).toContain('export const b = 2')
    expect(body).toContain(`data:image/png;base64,${png}`)
  })

  it("stopReason follows how the model's last response ended: max_tokens when it was cut off", async () => {
    const { start, ws } = await setup([{ text: 'This answer is cut', stopReason: 'max_tokens' }])
    const acp = start()
    await initialize(acp)
    const { sessionId } = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const result = await acp.connection.agent.request('session/prompt', {
      sessionId,
      prompt: [{ type: 'text', text: 'write a long answer' }],
    })
    expect(result.stopReason).toBe('max_tokens')
  })

  it('two sessions at once, each with its own updates', async () => {
    const { start, ws } = await setup([{ text: 'answer' }, { text: 'answer' }])
    const acp = start()
    await initialize(acp)
    const a = await acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] })
    const b = await acp.connection.agent.request('session/new', { cwd: ws.root, mcpServers: [] })
    expect(a.sessionId).not.toBe(b.sessionId)
    const [ra, rb] = await Promise.all(
      [a, b].map((s) =>
        acp.connection.agent.request('session/prompt', {
          sessionId: s.sessionId,
          prompt: [{ type: 'text', text: `hello from ${s.sessionId}` }],
        }),
      ),
    )
    expect([ra?.stopReason, rb?.stopReason]).toEqual(['end_turn', 'end_turn'])
    for (const s of [a, b]) {
      const messages = acp.updates(s.sessionId).filter((u) => u.sessionUpdate === 'agent_message_chunk')
      expect(messages.map(text).join('')).toBe('answer')
    }
  })

  it('bad input gets JSON-RPC errors naming the problem; stdout stays protocol-only and the connection keeps working', async () => {
    const { env, ws } = await setup([{ text: 'still here' }])
    const child = spawn(process.execPath, [bin, 'acp'], { cwd: ws.repo, env })
    let out = ''
    const lines: Record<string, unknown>[] = []
    const waiters: [(line: Record<string, unknown>) => boolean, (line: Record<string, unknown>) => void][] =
      []
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      let newline = out.indexOf('\n')
      while (newline >= 0) {
        const line = JSON.parse(out.slice(0, newline)) as Record<string, unknown>
        out = out.slice(newline + 1)
        lines.push(line)
        for (const waiter of [...waiters]) {
          if (!waiter[0](line)) continue
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter[1](line)
        }
        newline = out.indexOf('\n')
      }
    })
    const reply = (id: number | null) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const found = lines.find((l) => l.id === id && ('result' in l || 'error' in l))
        if (found) resolve(found)
        else waiters.push([(l) => l.id === id && ('result' in l || 'error' in l), resolve])
      })
    const send = (message: unknown) =>
      child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`)
    const closed = new Promise((resolve) => child.on('close', resolve))

    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 1 } })
    expect(await reply(1)).toMatchObject({ result: { protocolVersion: 1 } })
    send('{"jsonrpc": "2.0", "id": 2, "method": ')
    expect(await reply(null)).toMatchObject({ error: { code: -32700 } })
    send({ jsonrpc: '2.0', id: 3, method: 'session/teleport', params: {} })
    expect(await reply(3)).toMatchObject({ error: { code: -32601, data: { method: 'session/teleport' } } })
    send({ jsonrpc: '2.0', id: 4, method: 'session/prompt', params: { sessionId: 'nope', prompt: [] } })
    const unknown = (await reply(4)) as { error: { code: number; message: string } }
    expect(unknown.error.code).toBe(-32002)
    expect(unknown.error.message).toContain('"nope"')
    send({ jsonrpc: '2.0', id: 5, method: 'session/new', params: { cwd: 5 } })
    const invalid = (await reply(5)) as { error: { code: number; data: Record<string, unknown> } }
    expect(invalid.error.code).toBe(-32602)
    expect(Object.keys(invalid.error.data)).toEqual(expect.arrayContaining(['cwd', 'mcpServers']))
    send({ jsonrpc: '2.0', id: 6, method: 'session/new', params: { cwd: 'relative/dir', mcpServers: [] } })
    expect(await reply(6)).toMatchObject({
      error: { code: -32602, message: expect.stringContaining('absolute') },
    })

    send({
      jsonrpc: '2.0',
      id: 9,
      method: 'session/load',
      params: { sessionId: 'no-such-id', cwd: ws.repo, mcpServers: [] },
    })
    const notRecorded = (await reply(9)) as { error: { code: number; message: string } }
    expect(notRecorded.error.code).toBe(-32002)
    expect(notRecorded.error.message).toContain('no-such-id')

    // Still working: a session and a prompt after all that.
    send({ jsonrpc: '2.0', id: 7, method: 'session/new', params: { cwd: ws.repo, mcpServers: [] } })
    const created = (await reply(7)) as { result: { sessionId: string } }
    send({
      jsonrpc: '2.0',
      id: 8,
      method: 'session/prompt',
      params: { sessionId: created.result.sessionId, prompt: [{ type: 'text', text: 'hi' }] },
    })
    expect(await reply(8)).toMatchObject({ result: { stopReason: 'end_turn' } })
    child.stdin.end()
    await closed
    // Every line on stdout was a JSON-RPC message.
    for (const line of lines) expect(line.jsonrpc).toBe('2.0')
  })

  it('without a provider key: an auth method saying how to set one, and session/new refused', async () => {
    const ws = workspace()
    const acp = harness.track(startAcp({ cwd: ws.repo, env: ws.env() }), ws.root)
    const init = await initialize(acp)
    expect(init.authMethods?.[0]?.description).toContain('OPENAI_API_KEY')
    await expect(
      acp.connection.agent.request('session/new', { cwd: ws.repo, mcpServers: [] }),
    ).rejects.toMatchObject({
      code: -32000,
    })
  })
})
