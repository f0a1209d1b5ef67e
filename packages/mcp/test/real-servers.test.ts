// The connection manager against real MCP servers from npm: server-everything (stdio and
// streamable HTTP) and server-filesystem.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { McpConnectionManager } from '../src/index.js'
import { EVERYTHING_SERVER, FILESYSTEM_SERVER, NODE, recordingManager, tempDir } from './helpers.js'

const managers: McpConnectionManager[] = []
const make = (...args: Parameters<typeof recordingManager>) => {
  const made = recordingManager(...args)
  managers.push(made.manager)
  return made
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()))
})

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts server-everything's streamable HTTP (or legacy SSE) transport and waits until it listens. */
async function startEverythingHttp(port: number, mode = 'streamableHttp'): Promise<ChildProcess> {
  const child = spawn(NODE, [EVERYTHING_SERVER, mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let log = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (/listening on port|running on port/.test(log)) resolve()
    })
    child.on('exit', (code) => reject(new Error(`server-everything exited with ${code}: ${log}`)))
  })
  return child
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

const everythingStdio = { command: NODE, args: [EVERYTHING_SERVER, 'stdio'] }

describe('server-everything over stdio', () => {
  it('lists its tools and calls them: text, images, structured content, progress', async () => {
    const progress: number[] = []
    const { manager, start, text } = make(
      { everything: everythingStdio },
      { onProgress: (_server, _tool, p) => progress.push(p.progress) },
    )
    await start()
    const tools = await manager.listTools()
    const names = tools.map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining(['mcp__everything__echo', 'mcp__everything__get_sum']))
    expect(tools.find((t) => t.tool === 'get-sum')?.inputSchema).toMatchObject({ type: 'object' })
    expect(text(await manager.callTool('mcp__everything__echo', { message: 'hi' }, {}))).toBe('Echo: hi')
    expect(text(await manager.callTool('mcp__everything__get_sum', { a: 2, b: 3 }, {}))).toContain('5')
    const image = await manager.callTool('mcp__everything__get_tiny_image', {}, {})
    expect(
      image.content.some((p) => p.type === 'input_image' && p.image_url.startsWith('data:image/png;base64,')),
    ).toBe(true)
    const structured = await manager.callTool(
      'mcp__everything__get_structured_content',
      { location: 'New York' },
      {},
    )
    expect(structured.isError).toBe(false)
    expect(structured.structuredContent).toMatchObject({ temperature: expect.any(Number) })
    const long = await manager.callTool(
      'mcp__everything__trigger_long_running_operation',
      { duration: 0.3, steps: 3 },
      { timeoutMs: 20_000 },
    )
    expect(text(long)).toContain('Long running operation completed')
    // The last notification may race the result; the SDK drops progress after the response.
    expect(progress.slice(0, 2)).toEqual([1, 2])
    // Invalid arguments come back as an error result, not an exception.
    const invalid = await manager.callTool('mcp__everything__get_sum', { a: 'two' }, {})
    expect(invalid.isError).toBe(true)
  })

  it('answers elicitation and sampling requests through the given handlers', async () => {
    const elicited: string[] = []
    const { manager, start, text } = make(
      { everything: everythingStdio },
      {
        onElicitation: async (server, params) => {
          elicited.push(`${server}: ${params.message}`)
          return { action: 'accept', content: { name: 'Ada', check: true, email: 'ada@example.com' } }
        },
        onSampling: async (_server, params) => ({
          role: 'assistant',
          model: 'test-model',
          content: { type: 'text', text: `sampled ${params.messages.length} message(s)` },
        }),
      },
    )
    await start()
    const names = (await manager.listTools()).map((t) => t.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'mcp__everything__trigger_elicitation_request',
        'mcp__everything__trigger_sampling_request',
      ]),
    )
    const elicitation = await manager.callTool('mcp__everything__trigger_elicitation_request', {}, {})
    expect(elicitation.isError).toBe(false)
    expect(text(elicitation)).toContain('Ada')
    expect(elicited).toEqual(['everything: Please provide inputs for the following fields:'])
    const sampling = await manager.callTool(
      'mcp__everything__trigger_sampling_request',
      { prompt: 'hello' },
      {},
    )
    expect(text(sampling)).toContain('sampled 1 message(s)')
  })

  it('lists and reads its resources', async () => {
    const { manager, start, text } = make({ everything: everythingStdio })
    await start()
    const listed = await manager.callTool('list_mcp_resources', { server: 'everything' }, {})
    const resources = (listed.structuredContent as { resources: { uri: string; server: string }[] }).resources
    expect(resources.length).toBeGreaterThan(0)
    const first = resources[0] as { uri: string }
    const read = await manager.callTool('read_mcp_resource', { server: 'everything', uri: first.uri }, {})
    expect(read.isError).toBe(false)
    expect(text(read).length + read.content.length).toBeGreaterThan(0)
  })
})

describe('server-everything over streamable HTTP', () => {
  let port = 0
  let server: ChildProcess | undefined
  beforeAll(async () => {
    port = await freePort()
    server = await startEverythingHttp(port)
  })
  afterAll(async () => {
    if (server) await stop(server)
  })

  it('connects with headers and calls tools', async () => {
    const { manager, start, text } = make({
      web: { url: `http://127.0.0.1:${port}/mcp`, http_headers: { 'X-Test': '1' } },
    })
    await start()
    expect(manager.status()[0]).toMatchObject({ error: undefined, state: 'ready', transport: 'http' })
    expect(text(await manager.callTool('mcp__web__echo', { message: 'over http' }, {}))).toBe(
      'Echo: over http',
    )
  })

  it('reports a disconnect as an error result and reconnects when the server is back', async () => {
    const { manager, start, text } = make({ web: { url: `http://127.0.0.1:${port}/mcp` } })
    await start()
    await stop(server as ChildProcess)
    const down = await manager.callTool('mcp__web__echo', { message: 'x' }, { timeoutMs: 5_000 })
    expect(down.isError).toBe(true)
    expect(text(down)).toMatch(
      /MCP tool 'echo' on server 'web' failed: .*The server will be restarted on the next call/,
    )
    server = await startEverythingHttp(port)
    const back = await manager.callTool('mcp__web__echo', { message: 'back' }, {})
    expect(text(back)).toBe('Echo: back')
    expect(manager.status()[0]?.restarts).toBe(1)
  })
})

describe('server-everything over the legacy HTTP+SSE transport', () => {
  it('connects with type "sse" and calls tools', async () => {
    const port = await freePort()
    const server = await startEverythingHttp(port, 'sse')
    try {
      const { manager, start, text } = make({ legacy: { type: 'sse', url: `http://127.0.0.1:${port}/sse` } })
      await start()
      expect(manager.status()[0]).toMatchObject({ error: undefined, state: 'ready', transport: 'sse' })
      expect(text(await manager.callTool('mcp__legacy__get_sum', { a: 20, b: 22 }, {}))).toContain('42')
    } finally {
      await stop(server)
    }
  })
})

describe('server-filesystem over stdio', () => {
  it('reads and lists files under the allowed directory only', async () => {
    const root = tempDir()
    mkdirSync(join(root, 'sub'))
    writeFileSync(join(root, 'sub', 'a.txt'), 'alpha')
    const { manager, start, text } = make({ fs: { command: NODE, args: [FILESYSTEM_SERVER, root] } })
    await start()
    const names = (await manager.listTools()).map((t) => t.name)
    expect(names).toEqual(expect.arrayContaining(['mcp__fs__read_text_file', 'mcp__fs__list_directory']))
    expect(
      text(await manager.callTool('mcp__fs__read_text_file', { path: join(root, 'sub', 'a.txt') }, {})),
    ).toBe('alpha')
    expect(
      text(await manager.callTool('mcp__fs__list_directory', { path: join(root, 'sub') }, {})),
    ).toContain('a.txt')
    const outside = await manager.callTool('mcp__fs__read_text_file', { path: '/etc/hostname' }, {})
    expect(outside.isError).toBe(true)
    expect(text(outside)).toMatch(/denied|outside/i)
  })
})
