// MCP prompts as slash commands and the workspace as a root, against a real stdio server
// (the official SDK's McpServer, run as a subprocess).
import { mkdtempSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { type McpConnectionManager, rootForDirectory } from '../src/index.js'
import { NODE, recordingManager } from './helpers.js'

const fixture = new URL('./fixtures/prompts-roots-server.mjs', import.meta.url).pathname
const managers: McpConnectionManager[] = []
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()))
})

function start(roots?: ReturnType<typeof rootForDirectory>[]) {
  const made = recordingManager({ srv: { command: NODE, args: [fixture] } as never }, roots ? { roots } : {})
  managers.push(made.manager)
  return made
}

describe('MCP prompts', () => {
  it('lists the prompts of a server with the capability, as /mcp__server__prompt', async () => {
    const { manager, start: go } = start()
    await go()
    expect(await manager.listPrompts()).toEqual([
      {
        server: 'srv',
        name: 'greet',
        command: 'mcp__srv__greet',
        description: 'Greets someone',
        arguments: [
          { name: 'name', description: 'who', required: true },
          { name: 'style', description: 'how', required: false },
        ],
      },
    ])
  })

  it('maps positional words onto the declared arguments and returns the messages as text', async () => {
    const { manager } = start()
    expect(await manager.expandPrompt('mcp__srv__greet', ['Bob'])).toBe('Please greet Bob.')
    expect(await manager.expandPrompt('mcp__srv__greet', ['Bob', 'very', 'formal'])).toBe(
      'Please greet Bob in a very formal way.',
    )
    expect(await manager.expandPrompt('mcp__srv__nope', [])).toBeUndefined()
    await expect(manager.expandPrompt('mcp__srv__greet', [])).rejects.toThrow(
      '/mcp__srv__greet: missing required argument name (usage: /mcp__srv__greet <name> [style])',
    )
  })
})

describe('MCP roots', () => {
  it('offers the workspace as a file:// root and announces a change', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-roots-')))
    const { manager, start: go, text } = start([rootForDirectory(dir)])
    await go()
    const first = JSON.parse(text(await manager.callTool('mcp__srv__roots', {})))
    expect(first).toEqual({
      roots: [{ uri: pathToFileURL(dir).href, name: dir.split('/').pop() }],
      rootsChanges: 0,
    })

    const other = join(dir, 'sub')
    await manager.setRoots([rootForDirectory(other)])
    // The notification is on the wire before the next request on the same stream.
    const second = JSON.parse(text(await manager.callTool('mcp__srv__roots', {})))
    expect(second).toEqual({ roots: [{ uri: pathToFileURL(other).href, name: 'sub' }], rootsChanges: 1 })
  })

  it('declares no roots capability without the option: roots/list fails on the server', async () => {
    const { manager, start: go, text } = start()
    await go()
    const result = await manager.callTool('mcp__srv__roots', {})
    expect(result.isError).toBe(true)
    expect(text(result)).toContain('Method not found')
  })
})
