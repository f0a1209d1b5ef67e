import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { afterEach, describe, expect, it } from 'vitest'
import { addMcpServer, checkServerName, removeMcpServer } from './edit.js'
import { ConfigError } from './errors.js'

// Every temp directory a test makes goes when the test is done.
const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const file = (text?: string) => {
  const root = mkdtempSync(join(tmpdir(), 'agent-edit-'))
  roots.push(root)
  const path = join(root, 'sub', 'config.toml')
  if (text !== undefined) {
    addMcpServer(path, 'tmp', { command: 'x' }) // creates the directory
    writeFileSync(path, text)
  }
  return path
}

describe('addMcpServer / removeMcpServer', () => {
  it('creates the file and directory when missing', () => {
    const path = file()
    addMcpServer(path, 'fs', { command: 'npx', args: ['-y', 'server'], env: { A: '1' } })
    expect(parse(readFileSync(path, 'utf8'))).toEqual({
      mcp_servers: { fs: { command: 'npx', args: ['-y', 'server'], env: { A: '1' } } },
    })
  })

  it('appends and removes without touching comments or other tables', () => {
    const original = [
      '# top comment',
      'model = "gpt-5" # trailing',
      '',
      '[mcp_servers.keep]',
      'command = "keep"',
      '',
      '[mcp_servers."quoted"]',
      'url = "http://127.0.0.1:1/mcp"',
      '',
      '[sandbox_workspace_write]',
      'network_access = true',
      '',
    ].join('\n')
    const path = file(original)
    addMcpServer(path, 'new', { url: 'http://127.0.0.1:2/mcp', bearer_token_env_var: 'TOKEN' })
    const added = readFileSync(path, 'utf8')
    expect(added.startsWith(original)).toBe(true)
    expect(() => addMcpServer(path, 'new', { command: 'y' })).toThrow(/already exists/)

    expect(removeMcpServer(path, 'new')).toBe(true)
    expect(readFileSync(path, 'utf8')).toBe(original)
    expect(removeMcpServer(path, 'quoted')).toBe(true)
    const table = parse(readFileSync(path, 'utf8')) as { mcp_servers: Record<string, unknown> }
    expect(Object.keys(table.mcp_servers)).toEqual(['keep'])
    expect(readFileSync(path, 'utf8')).toContain('# top comment\nmodel = "gpt-5" # trailing')
    expect(readFileSync(path, 'utf8')).toContain('[sandbox_workspace_write]\nnetwork_access = true')
    expect(removeMcpServer(path, 'absent')).toBe(false)
  })

  it('removes sub-tables of the server too, and refuses inline definitions it cannot cut out', () => {
    const path = file('[mcp_servers.db]\ncommand = "db"\n[mcp_servers.db.env]\nA = "1"\n[other]\nx = 1\n')
    expect(removeMcpServer(path, 'db')).toBe(true)
    expect(readFileSync(path, 'utf8')).toBe('[other]\nx = 1\n')

    const inline = file('mcp_servers = { db = { command = "db" } }\n')
    expect(() => removeMcpServer(inline, 'db')).toThrow(/inline.*by hand/)
    expect(readFileSync(inline, 'utf8')).toBe('mcp_servers = { db = { command = "db" } }\n')
  })

  it('rejects names that are not table keys and files that are not TOML', () => {
    expect(() => checkServerName('a.b')).toThrow(ConfigError)
    const broken = file('model = "unterminated\n')
    expect(() => addMcpServer(broken, 'x', { command: 'x' })).toThrow(/invalid TOML/)
  })
})
