import { describe, expect, it } from 'vitest'
import { buildServerConfig, validateServerName } from './add-server.js'

describe('buildServerConfig', () => {
  it('builds stdio and HTTP entries from command-line pieces', () => {
    expect(
      buildServerConfig({ name: 'fs', command: ['npx', '-y', 'srv', '.'], env: ['A=1', 'B = two=2'] }),
    ).toEqual({
      command: 'npx',
      args: ['-y', 'srv', '.'],
      env: { A: '1', B: 'two=2' },
    })
    expect(buildServerConfig({ name: 'one', command: ['srv'] })).toEqual({ command: 'srv' })
    expect(
      buildServerConfig({
        name: 'web',
        url: 'https://example.com/mcp',
        headers: ['X-Team: core'],
        bearerTokenEnvVar: 'TOKEN',
      }),
    ).toEqual({
      url: 'https://example.com/mcp',
      http_headers: { 'X-Team': 'core' },
      bearer_token_env_var: 'TOKEN',
    })
    expect(buildServerConfig({ name: 'old', url: 'http://h/sse', transport: 'sse' })).toEqual({
      url: 'http://h/sse',
      type: 'sse',
    })
  })

  it('names the flag to fix', () => {
    expect(() => buildServerConfig({ name: 'x' })).toThrow('give either a command (after --) or --url')
    expect(() => buildServerConfig({ name: 'x', command: ['a'], url: 'http://h' })).toThrow('not both')
    expect(() => buildServerConfig({ name: 'x', command: ['a'], env: ['NOVALUE'] })).toThrow(
      '--env "NOVALUE" must look like KEY=VALUE',
    )
    expect(() => buildServerConfig({ name: 'x', command: ['a'], headers: ['A: b'] })).toThrow(
      'apply to --url servers only',
    )
    expect(() => buildServerConfig({ name: 'x', url: 'http://h', env: ['A=b'] })).toThrow(
      '--env applies to stdio',
    )
  })

  it('validates server names', () => {
    expect(() => validateServerName('good_name-1')).not.toThrow()
    expect(() => validateServerName('bad name')).toThrow('server name "bad name" is invalid')
    expect(() => validateServerName('')).toThrow()
  })
})
