// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config syntax under test, not a template.
// The connection manager against real stdio processes: the fault-injecting fixture server.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentMcpError, type McpConnectionManager } from '../src/index.js'
import { faultServer, recordingManager, tempDir } from './helpers.js'

const managers: McpConnectionManager[] = []
const make = (...args: Parameters<typeof recordingManager>) => {
  const made = recordingManager(...args)
  managers.push(made.manager)
  return made
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()))
})

describe('McpConnectionManager with a stdio server', () => {
  it('starts, reports progress as events, and names tools for the model', async () => {
    const { manager, events, start } = make({ fault: faultServer() })
    await start()
    expect(events[0]).toEqual({ type: 'mcp_startup_update', server: 'fault', status: { state: 'starting' } })
    expect(events).toContainEqual({
      type: 'mcp_startup_update',
      server: 'fault',
      status: { state: 'ready', tools: 12 },
    })
    expect(events.at(-1)).toEqual({
      type: 'mcp_startup_complete',
      ready: ['fault'],
      failed: [],
      cancelled: [],
    })
    const tools = await manager.listTools()
    const echo = tools.find((t) => t.tool === 'echo')
    expect(echo).toMatchObject({
      name: 'mcp__fault__echo',
      server: 'fault',
      readOnly: true,
      description: 'Echoes text',
    })
    expect(echo?.inputSchema).toEqual({ type: 'object', properties: { text: { type: 'string' } } })
    expect(tools.find((t) => t.tool === 'tool.with-odd/chars')?.name).toBe('mcp__fault__tool_with_odd_chars')
    expect(tools.find((t) => t.tool === 'crash')?.readOnly).toBeUndefined()
    // The fixture declares resources, so the resource tools are offered too.
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['list_mcp_resources', 'list_mcp_resource_templates', 'read_mcp_resource']),
    )
    for (const tool of tools) expect(tool.name).toMatch(/^[A-Za-z0-9_]{1,64}$/)
  })

  it('maps text, images, structured content and error results', async () => {
    const { manager, start } = make({ fault: faultServer() })
    await start()
    expect(await manager.callTool('mcp__fault__echo', { text: 'hi' }, {})).toMatchObject({
      content: [{ type: 'input_text', text: 'hi' }],
      isError: false,
    })
    const image = await manager.callTool('mcp__fault__image', {}, {})
    expect(image.content[1]).toMatchObject({ type: 'input_image' })
    expect((image.content[1] as { image_url: string }).image_url).toMatch(/^data:image\/png;base64,iVBOR/)
    const structured = await manager.callTool('mcp__fault__structured', {}, {})
    expect(structured).toMatchObject({
      content: [{ type: 'input_text', text: '{"answer":42}' }],
      structuredContent: { answer: 42 },
      isError: false,
    })
    const failed = await manager.callTool('mcp__fault__fails', {}, {})
    expect(failed.isError).toBe(true)
    expect(failed.content).toEqual([{ type: 'input_text', text: 'disk full' }])
    expect(failed.raw).toMatchObject({ isError: true })
  })

  it('rejects unknown tools and non-object arguments with error results', async () => {
    const { manager, start, text } = make({ fault: faultServer() })
    await start()
    const unknown = await manager.callTool('mcp__fault__nope', {}, {})
    expect(unknown.isError).toBe(true)
    expect(text(unknown)).toContain("Unknown MCP tool 'mcp__fault__nope'")
    const bad = await manager.callTool('mcp__fault__echo', [1, 2], {})
    expect(text(bad)).toContain('must be a JSON object')
  })

  it('sends stderr to the log callback, never into results', async () => {
    const { manager, start, stderr, text } = make({ fault: faultServer() })
    await start()
    const result = await manager.callTool('mcp__fault__noisy', {}, {})
    expect(text(result)).toBe('quiet result')
    await expect.poll(() => stderr.join('')).toContain('fault: SECRET-STDERR-LINE')
  })

  it('gives a clear error when the server crashes mid-call, then restarts it on the next call', async () => {
    const state = join(tempDir(), 'starts')
    const { manager, start, events, text } = make({ fault: faultServer([`--state=${state}`]) })
    await start()
    const crashed = await manager.callTool('mcp__fault__crash', {}, {})
    expect(crashed.isError).toBe(true)
    expect(text(crashed)).toMatch(
      /MCP tool 'crash' on server 'fault' failed: the server process exited\. The server will be restarted/,
    )
    await expect
      .poll(() => events.some((e) => e.type === 'warning' && e.message.includes("'fault' stopped")))
      .toBe(true)
    const after = await manager.callTool('mcp__fault__whoami', {}, {})
    expect(after.isError).toBe(false)
    expect(JSON.parse(text(after)).starts).toBe(2)
    expect(readFileSync(state, 'utf8')).toBe('2')
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'background_event', message: expect.stringContaining('restarted') }),
    )
    expect(manager.status()[0]).toMatchObject({ state: 'ready', restarts: 1 })
  })

  it('idle() stops the server processes without a trace; wake() (or the next call) starts them again', async () => {
    const state = join(tempDir(), 'starts')
    const { manager, start, events, text } = make({ fault: faultServer([`--state=${state}`]) })
    await start()
    const first = JSON.parse(text(await manager.callTool('mcp__fault__whoami', {}, {}))) as { pid: number }
    const seen = events.length
    await manager.idle()
    expect(manager.status()[0]).toMatchObject({ state: 'idle', restarts: 0 })
    await expect.poll(() => alive(first.pid)).toBe(false)
    await manager.wake()
    expect(manager.status()[0]).toMatchObject({ state: 'ready', restarts: 0 })
    const second = JSON.parse(text(await manager.callTool('mcp__fault__whoami', {}, {}))) as {
      pid: number
      starts: number
    }
    expect(second.starts).toBe(2)
    expect(second.pid).not.toBe(first.pid)
    // A call while idle starts the server itself.
    await manager.idle()
    const third = JSON.parse(text(await manager.callTool('mcp__fault__whoami', {}, {}))) as { starts: number }
    expect(third.starts).toBe(3)
    // Nothing reached the session: an idle stop is not a crash.
    expect(events.slice(seen)).toEqual([])
    expect(manager.status()[0]).toMatchObject({ state: 'ready', restarts: 0 })
  })

  it('stops restarting a server that keeps crashing (bounded retries)', async () => {
    const { manager, start, text } = make({ fault: faultServer() }, { maxRestarts: 1 })
    await start()
    await manager.callTool('mcp__fault__crash', {}, {})
    const second = await manager.callTool('mcp__fault__crash', {}, {})
    expect(text(second)).toContain('restarted too often')
    const third = await manager.callTool('mcp__fault__echo', { text: 'x' }, {})
    expect(third.isError).toBe(true)
    expect(text(third)).toContain('already restarted 1 times (the limit)')
  })

  it('times out a hanging call, cancels it on the server, and goes on', async () => {
    const { manager, start, stderr, text } = make({ fault: faultServer() })
    await start()
    const hung = await manager.callTool('mcp__fault__hang', {}, { timeoutMs: 300 })
    expect(hung.isError).toBe(true)
    expect(text(hung)).toContain(
      "MCP tool 'hang' on server 'fault' failed: no answer within 0.3s (tool_timeout_sec)",
    )
    await expect.poll(() => stderr.join('')).toMatch(/cancelled request \d+/)
    expect(text(await manager.callTool('mcp__fault__echo', { text: 'still here' }, {}))).toBe('still here')
  })

  it('uses tool_timeout_sec from the config when the caller gives no timeout', async () => {
    const { manager, start, text } = make({ fault: faultServer([], { tool_timeout_sec: 0.2 }) })
    await start()
    expect(text(await manager.callTool('mcp__fault__hang', {}, {}))).toContain('no answer within 0.2s')
  })

  it('cancels a call when the signal aborts', async () => {
    const { manager, start, stderr, text } = make({ fault: faultServer() })
    await start()
    const controller = new AbortController()
    const pending = manager.callTool('mcp__fault__hang', {}, { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    const result = await pending
    expect(result.isError).toBe(true)
    expect(text(result)).toContain('the call was cancelled')
    await expect.poll(() => stderr.join('')).toMatch(/cancelled request/)
  })

  it('survives garbage on stdout', async () => {
    const { manager, start, text, stderr } = make({ fault: faultServer(['--garbage-first']) })
    await start()
    expect(text(await manager.callTool('mcp__fault__garbage', {}, {}))).toBe('after garbage')
    const lost = await manager.callTool('mcp__fault__garbage_only', {}, { timeoutMs: 300 })
    expect(lost.isError).toBe(true)
    expect(text(lost)).toContain('no answer within 0.3s')
    expect(stderr.join('')).toContain('[transport]')
    expect(text(await manager.callTool('mcp__fault__echo', { text: 'ok' }, {}))).toBe('ok')
  })

  it('reports failed and slow servers without waiting past their timeout; others stay usable', async () => {
    const { manager, start, events } = make({
      good: faultServer(),
      broken: faultServer(['--exit-on-start']),
      slow: faultServer(['--slow-start=20000'], { startup_timeout_sec: 0.5 }),
      missing: { command: 'agent-mcp-no-such-command' },
    })
    const began = Date.now()
    await start()
    expect(Date.now() - began).toBeLessThan(15_000)
    const complete = events.find((e) => e.type === 'mcp_startup_complete')
    expect(complete).toMatchObject({ ready: ['good'] })
    const failed = Object.fromEntries(
      (complete as { failed: { server: string; error: string }[] }).failed.map((f) => [f.server, f.error]),
    )
    expect(failed.broken).toMatch(/^MCP server 'broken' failed to start: .*fatal: missing configuration/)
    expect(failed.slow).toContain('did not start within 0.5s (startup_timeout_sec)')
    expect(failed.missing).toMatch(
      /^MCP server 'missing' failed to start: command not found .*check command and PATH/,
    )
    const tools = await manager.listTools()
    expect(tools.every((t) => t.server === 'good' || t.server === 'mcp')).toBe(true)
    const status = Object.fromEntries(manager.status().map((s) => [s.name, s]))
    expect(status.broken).toMatchObject({ state: 'failed', transport: 'stdio' })
    expect(status.good).toMatchObject({
      state: 'ready',
      tools: 12,
      serverInfo: { name: 'fault-server', version: '1.0.0' },
    })
  })

  it('fails start() when a required server fails', async () => {
    const { start, events } = make({
      good: faultServer(),
      must: faultServer(['--exit-on-start'], { required: true }),
    })
    const error = await start().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AgentMcpError)
    expect(error).toMatchObject({ kind: 'required_server_failed' })
    expect((error as Error).message).toContain("required MCP server failed to start: MCP server 'must'")
    expect(events.at(-1)).toMatchObject({ type: 'mcp_startup_complete', ready: ['good'] })
  })

  it('applies enabled, enabled_tools and disabled_tools', async () => {
    const { manager, start, events } = make({
      picky: faultServer([], { enabled_tools: ['echo', 'crash', 'whoami'], disabled_tools: ['crash'] }),
      off: faultServer([], { enabled: false }),
    })
    await start()
    expect(events.filter((e) => e.type === 'mcp_startup_update' && e.server === 'off')).toEqual([])
    const names = (await manager.listTools()).filter((t) => t.server === 'picky').map((t) => t.name)
    expect(names.sort()).toEqual(['mcp__picky__echo', 'mcp__picky__whoami'])
    expect((await manager.callTool('mcp__picky__crash', {}, {})).isError).toBe(true)
    expect(manager.status().find((s) => s.name === 'off')?.state).toBe('disabled')
  })

  it('lists and reads resources through the resource tools', async () => {
    const { manager, start, text } = make({ fault: faultServer() })
    await start()
    const listed = await manager.callTool('list_mcp_resources', {}, {})
    expect(listed.structuredContent).toEqual({
      resources: [{ server: 'fault', uri: 'mem://notes', name: 'notes', mimeType: 'text/plain' }],
    })
    expect(
      text(await manager.callTool('read_mcp_resource', { server: 'fault', uri: 'mem://notes' }, {})),
    ).toBe('remember the milk')
    const missing = await manager.callTool('read_mcp_resource', { server: 'fault', uri: 'mem://nope' }, {})
    expect(missing.isError).toBe(true)
    expect(text(missing)).toContain('Resource not found')
    expect(text(await manager.callTool('read_mcp_resource', { server: 'other', uri: 'x' }, {}))).toContain(
      "No MCP server named 'other' offers resources",
    )
  })

  it('expands ${VAR} in settings and reports a missing bearer token clearly', async () => {
    const { manager, start } = make(
      {
        expanded: { command: '${NODE_BIN}', args: [faultServer().args?.[0] as string] },
        http: { url: 'http://127.0.0.1:9/mcp', bearer_token_env_var: 'AGENT_TEST_TOKEN' },
      },
      { env: { NODE_BIN: process.execPath } },
    )
    await start()
    const status = Object.fromEntries(manager.status().map((s) => [s.name, s]))
    expect(status.expanded?.state).toBe('ready')
    expect(status.http?.error).toContain('bearer_token_env_var AGENT_TEST_TOKEN is not set')
  })

  it('follows notifications/tools/list_changed', async () => {
    const { manager, start, events, text } = make({ fault: faultServer() })
    await start()
    expect(text(await manager.callTool('mcp__fault__grow', {}, {}))).toBe('grown')
    await expect
      .poll(async () => (await manager.listTools()).map((t) => t.name))
      .toContain('mcp__fault__grown_12')
    expect(events).toContainEqual({
      type: 'background_event',
      message: "MCP server 'fault' changed its tools (13 now)",
    })
    expect(text(await manager.callTool('mcp__fault__grown_12', {}, {}))).toBe('called grown_12')
  })

  it('starts on first use when start() was not called, and copes with no servers', async () => {
    const { manager, text } = make({ fault: faultServer() })
    expect(text(await manager.callTool('mcp__fault__echo', { text: 'lazy' }, {}))).toBe('lazy')
    expect(manager.status()[0]).toMatchObject({ state: 'ready', restarts: 0 })
    const empty = make({})
    await empty.start()
    expect(empty.events).toEqual([{ type: 'mcp_startup_complete', ready: [], failed: [], cancelled: [] }])
    expect(await empty.manager.listTools()).toEqual([])
  })

  it('cancels servers still starting when the manager is closed', async () => {
    const { manager, start, events } = make({ slow: faultServer(['--slow-start=1500']) })
    const starting = start()
    await expect.poll(() => events.length).toBe(1)
    await manager.close()
    await starting
    expect(events.at(-1)).toEqual({
      type: 'mcp_startup_complete',
      ready: [],
      failed: [],
      cancelled: ['slow'],
    })
    expect(events).toContainEqual({
      type: 'mcp_startup_update',
      server: 'slow',
      status: { state: 'cancelled' },
    })
  })

  it('returns error results after close()', async () => {
    const { manager, start, text } = make({ fault: faultServer() })
    await start()
    await manager.close()
    expect(text(await manager.callTool('mcp__fault__echo', { text: 'x' }, {}))).toContain('closed')
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
