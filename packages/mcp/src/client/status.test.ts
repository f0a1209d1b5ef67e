import { describe, expect, it } from 'vitest'
import { describeServers, formatStatusTable } from './status.js'

describe('describeServers / formatStatusTable', () => {
  it('lists configured servers sorted, without secrets', () => {
    const rows = describeServers({
      web: { url: 'https://example.com/mcp', http_headers: { Authorization: 'secret' } },
      fs: { command: 'npx', args: ['-y', 'fs-server'], env: { TOKEN: 'secret' }, enabled: false },
    })
    expect(rows).toEqual([
      { name: 'fs', transport: 'stdio', target: 'npx -y fs-server', state: 'disabled' },
      { name: 'web', transport: 'http', target: 'https://example.com/mcp', state: 'configured' },
    ])
    const table = formatStatusTable(rows)
    expect(table).not.toContain('secret')
    expect(table.split('\n')).toEqual([
      'NAME  TRANSPORT  STATE       TOOLS  DETAIL',
      'fs    stdio      disabled    -      npx -y fs-server',
      'web   http       configured  -      https://example.com/mcp',
    ])
  })
  it('shows tool counts and errors of a started manager', () => {
    const table = formatStatusTable([
      { name: 'a', transport: 'stdio', target: 'srv', state: 'failed', error: 'exited' },
      { name: 'b', transport: 'http', target: 'http://h', state: 'ready', tools: 3 },
    ])
    expect(table).toContain('a     stdio      failed  -      srv — exited')
    expect(table).toContain('3      http://h')
    expect(formatStatusTable([])).toBe('No MCP servers configured.')
  })
})
