// MCP prompts and roots through the built binary: a real stdio MCP server (the official SDK)
// configured in config.toml; `/mcp__srv__greet Bob` reaches the model as the prompt's text, and
// the server sees the workspace as its root.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

const promptServer = new URL('../../../packages/mcp/test/fixtures/prompts-roots-server.mjs', import.meta.url)
  .pathname
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('MCP prompts and roots', () => {
  it('expands /mcp__srv__greet into the prompt text and offers the workspace as a root', async () => {
    const ws = workspace()
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      `[mcp_servers.srv]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(promptServer)}]\n`,
    )
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ toolCalls: [{ name: 'mcp__srv__roots', arguments: {} }] }, { text: 'Hello Bob!' }],
    })
    const env = { ...ws.env(), OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }
    const run = await runAgent(['exec', '/mcp__srv__greet Bob'], { cwd: ws.repo, env })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('Hello Bob!')
    const first = JSON.stringify(server.requests[0]?.body)
    expect(first).toContain('Please greet Bob.')
    expect(first).not.toContain('/mcp__srv__greet')
    // The tool's answer (the server's roots/list result) went back to the model.
    const second = JSON.stringify(server.requests[1]?.body)
    expect(second).toContain(JSON.stringify(pathToFileURL(ws.repo).href).slice(1, -1))

    const missing = await runAgent(['exec', '/mcp__srv__greet'], { cwd: ws.repo, env })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('missing required argument name')
  })
})
