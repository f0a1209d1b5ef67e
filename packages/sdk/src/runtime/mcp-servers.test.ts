import { parseMcpServerConfig } from '@agent/mcp/config'
import { describe, expect, it } from 'vitest'
import { sessionMcpServers } from './mcp-servers.js'

const origin = (file: string) => ({ scope: 'project' as const, file })

describe('sessionMcpServers', () => {
  it('takes config.toml first, adds contributed servers, and names the file of a bad one', () => {
    const found = sessionMcpServers(
      { echo: { command: 'echo-server' }, must: { command: 'm', required: true } },
      [
        { name: 'echo', config: { command: 'shadowed' }, origin: origin('/p/.mcp.json') },
        { name: 'files', config: { command: 'fs-server', args: ['.'] }, origin: origin('/p/.mcp.json') },
        { name: 'bad', config: { command: 42 }, origin: origin('/p/.mcp.json') },
      ],
      parseMcpServerConfig,
    )
    expect(Object.keys(found.servers).sort()).toEqual(['echo', 'files', 'must'])
    expect(found.servers.echo?.command).toBe('echo-server')
    expect(found.servers.files).toMatchObject({ command: 'fs-server', args: ['.'] })
    expect([...found.required]).toEqual(['must'])
    expect(found.warnings).toEqual([
      expect.stringMatching(/^MCP server bad skipped: .*\/p\/\.mcp\.json: bad/),
    ])
  })

  it('does not require a disabled server', () => {
    const found = sessionMcpServers(
      { off: { command: 'x', required: true, enabled: false } },
      [],
      parseMcpServerConfig,
    )
    expect(found.required.size).toBe(0)
  })
})
