// The `@agent/mcp/config` entry point: the same schema and errors as the package's main entry,
// and nothing else loaded with it.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'
import * as config from './config-entry.js'
import * as main from './index.js'

test('exports the very same schema, parsers and error class as the main entry', () => {
  expect(config.McpServerConfig).toBe(main.McpServerConfig)
  expect(config.parseMcpServerConfig).toBe(main.parseMcpServerConfig)
  expect(config.AgentMcpError).toBe(main.AgentMcpError)
  expect(
    config.parseMcpServerConfig({ command: 'npx', args: ['-y', 'server'] }, 'mcp_servers.x'),
  ).toMatchObject({
    command: 'npx',
  })
  expect(() => config.parseMcpServerConfig({ url: 3 }, 'mcp_servers.bad')).toThrow(/mcp_servers\.bad/)
})

test('importing it loads neither the MCP SDK nor node:http (no client or server code)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-config-entry-'))
  const hooks = path.join(dir, 'hooks.mjs')
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
      if (specifier.startsWith('@modelcontextprotocol/sdk')) process.stdout.write('sdk\\n')
      return next(specifier, context)
    }`,
  )
  const script = `
    import { register } from 'node:module'
    register(process.env.HOOKS_URL)
    const before = new Set(process.moduleLoadList)
    const { parseMcpServerConfig } = await import('./src/config-entry.ts')
    parseMcpServerConfig({ command: 'x' }, 'mcp_servers.x')
    const loaded = process.moduleLoadList.filter((m) => !before.has(m))
    console.log(loaded.includes('NativeModule http') ? 'http' : 'no http')
  `
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@agent/source', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, HOOKS_URL: `file://${hooks}` },
      timeout: 60_000,
    },
  )
  expect(stdout.trim()).toBe('no http')
})
