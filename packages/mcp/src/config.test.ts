// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is config syntax under test, not a template.
import { describe, expect, it } from 'vitest'
import { McpServerConfig, parseMcpServerConfig, parseMcpServers, transportOf } from './config.js'
import { AgentMcpError } from './errors.js'
import { expandEnvVars, expandServerConfig } from './expand.js'
import { parseMcpJson } from './mcp-json.js'

const errorOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return error as AgentMcpError
  }
  throw new Error('expected an error')
}

describe('McpServerConfig', () => {
  it('accepts stdio, streamable HTTP and SSE servers and infers the transport', () => {
    const stdio = parseMcpServerConfig(
      { command: 'npx', args: ['-y', 'srv'], env: { A: '1' }, cwd: '/tmp' },
      'x',
    )
    expect(transportOf(stdio)).toBe('stdio')
    const http = parseMcpServerConfig(
      { url: 'https://example.com/mcp', http_headers: { 'X-A': 'b' }, bearer_token_env_var: 'TOKEN' },
      'x',
    )
    expect(transportOf(http)).toBe('http')
    expect(transportOf(parseMcpServerConfig({ type: 'sse', url: 'http://h/sse' }, 'x'))).toBe('sse')
    expect(
      McpServerConfig.parse({
        command: 'c',
        enabled: false,
        required: true,
        startup_timeout_sec: 5,
        tool_timeout_sec: 60,
        enabled_tools: ['a'],
        disabled_tools: ['b'],
      }),
    ).toMatchObject({ enabled: false, required: true })
  })

  it('names the field and the fix in errors', () => {
    expect(errorOf(() => parseMcpServerConfig({}, 'mcp_servers.db')).message).toBe(
      'mcp_servers.db.command is required: set `command` for a stdio server or `url` for an HTTP server',
    )
    expect(
      errorOf(() => parseMcpServerConfig({ command: 'x', url: 'http://h' }, 'mcp_servers.db')).message,
    ).toContain('mcp_servers.db.url applies to HTTP servers only')
    expect(errorOf(() => parseMcpServerConfig({ command: 'x', comand: 'y' }, 'mcp_servers.db')).message).toBe(
      'mcp_servers.db: unknown key `comand`',
    )
    const wrongType = errorOf(() => parseMcpServerConfig({ command: 'x', args: 'a b' }, 'mcp_servers.db'))
    expect(wrongType).toBeInstanceOf(AgentMcpError)
    expect(wrongType.kind).toBe('config')
    expect(wrongType.message).toMatch(/^mcp_servers\.db\.args: /)
    expect(errorOf(() => parseMcpServerConfig({ type: 'http' }, 'w')).message).toBe(
      'w.url is required for type "http"',
    )
    expect(errorOf(() => parseMcpServerConfig({ command: 'x', oauth: {} }, 'w')).message).toContain(
      'w.oauth applies to HTTP servers only',
    )
    const badUrl = { url: 'http://h', oauth: { client_metadata_url: 'nope' } }
    expect(errorOf(() => parseMcpServerConfig(badUrl, 'w')).message).toMatch(
      /^w\.oauth\.client_metadata_url: /,
    )
  })

  it('parses a whole mcp_servers table', () => {
    expect(Object.keys(parseMcpServers({ a: { command: 'x' }, b: { url: 'http://h' } }))).toEqual(['a', 'b'])
    expect(parseMcpServers(undefined)).toEqual({})
    expect(errorOf(() => parseMcpServers([])).message).toContain('mcp_servers must be a table')
  })
})

describe('expandEnvVars', () => {
  const env = { HOME: '/home/u', EMPTY: '' }
  it('expands ${VAR} and ${VAR:-default}', () => {
    expect(expandEnvVars('${HOME}/x', env)).toBe('/home/u/x')
    expect(expandEnvVars('${NOPE:-fallback}', env)).toBe('fallback')
    expect(expandEnvVars('${EMPTY:-d}', env)).toBe('d')
    expect(expandEnvVars('${EMPTY}', env)).toBe('')
    expect(expandEnvVars('$HOME stays', env)).toBe('$HOME stays')
  })
  it('reports an unset variable with the setting it is in', () => {
    expect(errorOf(() => expandEnvVars('${MISSING}', env, 'mcp_servers.a.url')).message).toBe(
      'mcp_servers.a.url uses ${MISSING}, which is not set: export MISSING or write ${MISSING:-default}',
    )
  })
  it('expands every string setting of a server', () => {
    const out = expandServerConfig(
      { command: '${HOME}/bin/srv', args: ['--root=${HOME}'], env: { K: '${HOME}' }, cwd: '${HOME}' },
      env,
      'mcp_servers.a',
    )
    expect(out).toEqual({
      command: '/home/u/bin/srv',
      args: ['--root=/home/u'],
      env: { K: '/home/u' },
      cwd: '/home/u',
    })
    expect(
      expandServerConfig({ url: 'http://${H:-localhost}/mcp', http_headers: { A: '${HOME}' } }, env, 'a'),
    ).toEqual({
      url: 'http://localhost/mcp',
      http_headers: { A: '/home/u' },
    })
  })
})

describe('parseMcpJson', () => {
  it('maps Claude-style .mcp.json onto the server config', () => {
    const servers = parseMcpJson(
      JSON.stringify({
        mcpServers: {
          fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], env: {} },
          api: {
            type: 'http',
            url: 'https://api.example.com/mcp',
            headers: { Authorization: 'Bearer ${API_KEY}' },
          },
          legacy: { type: 'sse', url: 'https://example.com/sse' },
          local: { type: 'stdio', command: 'srv' },
        },
      }),
    )
    expect(servers.api).toEqual({
      type: 'http',
      url: 'https://api.example.com/mcp',
      http_headers: { Authorization: 'Bearer ${API_KEY}' },
    })
    expect(transportOf(servers.legacy as McpServerConfig)).toBe('sse')
    expect(servers.fs?.command).toBe('npx')
  })
  it('accepts an already parsed value and no servers', () => {
    expect(parseMcpJson({})).toEqual({})
    expect(parseMcpJson({ mcpServers: { a: { type: 'streamable-http', url: 'http://h' } } }).a?.type).toBe(
      'http',
    )
  })
  it('explains malformed files', () => {
    expect(errorOf(() => parseMcpJson('{', 'proj/.mcp.json')).message).toMatch(
      /^proj\/\.mcp\.json is not valid JSON/,
    )
    expect(errorOf(() => parseMcpJson({ mcpServers: [] })).message).toContain(
      '"mcpServers" must be an object',
    )
    expect(errorOf(() => parseMcpJson({ mcpServers: { a: { args: [] } } }, 'p.json')).message).toBe(
      'p.json: mcpServers.a.command is required: set `command` for a stdio server or `url` for an HTTP server',
    )
  })
})
