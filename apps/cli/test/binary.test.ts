// End-to-end: the built `agent` binary, run as a subprocess.
import { isAscii } from 'node:buffer'
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findConformanceSuite } from '@agent/mcp/testing'
import { startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { MODULE_WRAPPER } from '../src/launch/code-cache.js'
import { runAgent, workspace } from './helpers.js'

const bin = new URL('../dist/agent.cjs', import.meta.url).pathname
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

// The temp directories a test makes itself (workspace() ones go with helpers.ts) go when it is done.
const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  roots.push(dir)
  return dir
}

describe('agent binary', () => {
  it('prints its version', () => {
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(version)
  })

  it('runs as a program: a shell line starts Node with the launcher flags', () => {
    expect(readFileSync(bin, 'utf8').split('\n').slice(0, 2)).toEqual([
      '#!/usr/bin/env sh',
      `':' //; exec node --max-semi-space-size=1 --initial-old-space-size=24 "$0" "$@"`,
    ])
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(version)
    // Arguments pass through as they are, spaces and quotes included.
    const r = spawnSync(bin, ['policy', 'check', '--', 'echo', "it's a test"], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('allow')
  })

  // The launcher reads the bundle as Latin-1 without scanning it, and compiles it as it is.
  it('ships its bundle ASCII-only and as its own module wrapper', () => {
    const source = readFileSync(new URL('../dist/cli.cjs', import.meta.url))
    expect(isAscii(source)).toBe(true)
    expect(source.toString('latin1').startsWith(MODULE_WRAPPER)).toBe(true)
  })

  // cli.cjs requires them at their first use, and reads their `default` as ES modules give it.
  it('ships the files it requires at first use: the Anthropic client class and turndown', () => {
    const load = createRequire(bin)
    const Anthropic = load('./anthropic.cjs')
    expect(new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1:9' }).baseURL).toBe('http://127.0.0.1:9')
    const TurndownService = load('./turndown.cjs')
    expect(new TurndownService().turndown('<h1>Title</h1><p>text</p>')).toBe('Title\n=====\n\ntext')
  })

  it('prints help and exits 0', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    expect(out).toContain('Usage: agent')
  })

  it('exits 2 with a hint on an unknown option', () => {
    const r = spawnSync(process.execPath, [bin, '--no-such-flag'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("unknown option '--no-such-flag'")
  })
})

// The launcher runs the CLI's bundle with a V8 code cache (src/launch/code-cache.ts). Functions
// restored from a cache have lost `import()` on Node 20, so the second run of a command that
// loads an external package (the bash grammar's web-tree-sitter) is the case that matters.
describe('agent binary with its code cache', () => {
  it('writes the cache on the first run of a command and works from it on the next', () => {
    const cache = tempDir('agent-code-cache-')
    const env = { ...process.env, AGENT_CODE_CACHE_DIR: cache }
    const first = spawnSync(process.execPath, [bin, 'policy', 'check', '--', 'ls', '-la'], {
      encoding: 'utf8',
      env,
    })
    expect(first.stdout).toContain('allow')
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^cli\.cjs-.*-policy$/)])
    const second = spawnSync(process.execPath, [bin, 'policy', 'check', '--', 'ls', '-la'], {
      encoding: 'utf8',
      env,
    })
    expect(second.stdout).toBe(first.stdout)
    expect(second.stderr).toBe('')
    const danger = spawnSync(process.execPath, [bin, 'policy', 'check', '--', 'rm', '-rf', '/'], {
      encoding: 'utf8',
      env,
    })
    expect(danger.stdout).toContain('dangerous')
  })

  // `pnpm build` ends with a training run (scripts/build-code-cache.mjs) that puts the cache of
  // `exec` into dist/code-cache: a fresh HOME starts from it and writes none of its own.
  it("starts a fresh HOME's exec from the cache built with the package", async () => {
    const packaged = readdirSync(new URL('../dist/code-cache/', import.meta.url))
    expect(packaged).toEqual([
      expect.stringMatching(new RegExp(`^cli\\.cjs-${version}-${process.version}-.*-exec$`)),
    ])
    // Both ways of starting: `node agent.cjs`, and the program, whose shell line starts Node with
    // a V8 flag the launcher takes back at once (src/launch/v8-flags.ts). The training run set
    // the session's flags at its first request and took them back before writing: a cache made
    // under other flags would be refused here, and the user's own written instead.
    for (const asProgram of [false, true]) {
      const cache = tempDir('agent-code-cache-')
      const ws = workspace()
      const server = await startMockProviderServer({
        wire: 'responses',
        turns: [
          { toolCalls: [{ name: 'shell', arguments: { command: ['echo', 'from the cache'] } }] },
          { text: 'done' },
        ],
      })
      try {
        const args = ['exec', '--json', '-s', 'danger-full-access', 'echo']
        const env = ws.env({
          OPENAI_API_KEY: 'x',
          OPENAI_BASE_URL: server.baseUrl,
          AGENT_CODE_CACHE_DIR: cache,
        })
        const run = asProgram
          ? await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
              execFile(bin, args, { cwd: ws.repo, env, encoding: 'utf8' }, (error, stdout, stderr) =>
                resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
              ),
            )
          : await runAgent(args, { cwd: ws.repo, env })
        expect(run.stderr).toBe('')
        expect(run.code).toBe(0)
        expect(run.stdout).toContain('from the cache')
        expect(server.requests).toHaveLength(2)
        expect(readdirSync(cache)).toEqual([])
      } finally {
        await server.close()
      }
    }
  })

  it('runs without a cache when NODE_DISABLE_COMPILE_CACHE is set', () => {
    const cache = tempDir('agent-code-cache-')
    const env = { ...process.env, AGENT_CODE_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: '1' }
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env })).toContain(
      'Usage: agent',
    )
    expect(readdirSync(cache)).toEqual([])
  })
})

// Node 22.1+ caches the ES modules of the interactive UI itself; the launcher turns that on. The
// Node 24 binary installed for the MCP conformance suite (a dev dependency) checks it; skipped
// without it.
const node24 = findConformanceSuite()?.node
describe.skipIf(!node24)('agent binary on Node 24', () => {
  it("turns on Node's compile cache (in the temp directory)", () => {
    const temp = tempDir('agent-compile-cache-')
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp }
    delete env.NODE_COMPILE_CACHE
    delete env.NODE_DISABLE_COMPILE_CACHE
    expect(execFileSync(node24 as string, [bin, '--help'], { encoding: 'utf8', env })).toContain(
      'Usage: agent',
    )
    expect(readdirSync(temp)).toContain('node-compile-cache')
  })
})
