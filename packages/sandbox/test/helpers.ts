// Test helpers: run a command under the real sandbox and capture what happened. Scratch
// directories must not lie under /tmp or $TMPDIR, which the sandbox makes writable by default
// (CI may check the repository out under /tmp), so they go to /var/tmp when the package does.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs'
import { join } from 'node:path'
import type { SandboxPolicy } from '@agent/protocol'
import { type SandboxOptions, wrapCommand } from '../src/sandbox.js'
import { spawnWrapped } from '../src/spawn.js'

export const packageDir = join(import.meta.dirname, '..')

export interface Outcome {
  exitCode: number
  signal: string | null
  stdout: string
  stderr: string
}

export async function runSandboxed(
  policy: SandboxPolicy,
  argv: string[],
  options: { cwd: string; env?: Record<string, string>; sandbox?: SandboxOptions; stdin?: string },
): Promise<Outcome> {
  const env = options.env ?? baseEnv()
  const wrapped = await wrapCommand(policy, { argv, cwd: options.cwd, env }, options.sandbox)
  return runWrapped(wrapped, options.cwd)
}

export function runWrapped(wrapped: Parameters<typeof spawnWrapped>[0], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawnWrapped(wrapped, { cwd })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d) => {
      stdout += d
    })
    child.stderr?.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({ exitCode: code ?? 128, signal, stdout, stderr })
    })
  })
}

export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of ['PATH', 'HOME', 'LANG', 'USER']) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  return env
}

/** A fresh directory outside /tmp, removed by the returned cleanup. */
/** True when `path` is inside a root that `workspace-write` makes writable by default. */
function underDefaultWritableTmp(path: string): boolean {
  const roots = ['/tmp', process.env.TMPDIR].filter((r): r is string => Boolean(r))
  return roots.some((root) => {
    const real = realpathSync(root)
    return path === real || path.startsWith(`${real}/`)
  })
}

export function scratchDir(): { dir: string; cleanup: () => void } {
  const inPackage = join(realpathSync(packageDir), '.scratch')
  const base = underDefaultWritableTmp(inPackage) ? '/var/tmp/agent-sandbox-tests' : inPackage
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, 't-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export const workspaceWrite = (
  extra: Partial<Extract<SandboxPolicy, { type: 'workspace-write' }>> = {},
): SandboxPolicy => ({
  type: 'workspace-write',
  writable_roots: [],
  network_access: false,
  ...extra,
})

/** Every entry under `dir` with its mode and content, to prove nothing changed. */
export function snapshot(dir: string): string[] {
  const out: string[] = []
  const walk = (path: string, rel: string) => {
    const stat = lstatSync(path)
    let content = ''
    if (stat.isFile()) content = readFileSync(path, 'utf8')
    else if (stat.isSymbolicLink()) content = `-> ${readlinkSync(path)}`
    out.push(`${rel} ${stat.mode.toString(8)} ${content}`)
    if (stat.isDirectory())
      for (const entry of readdirSync(path).sort()) walk(join(path, entry), `${rel}/${entry}`)
  }
  walk(dir, '.')
  return out
}
