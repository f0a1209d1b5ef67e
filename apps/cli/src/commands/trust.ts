// `agent trust [DIR]` / `agent untrust [DIR]`: record whether a folder's own settings (hooks,
// MCP servers, permission rules, a wider sandbox) may apply, in the user's config.toml.
import { existsSync, realpathSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { recordTrust, resolveAgentHome, resolveWorkspaceTrust, type TrustLevel, UsageError } from '@agent/sdk'

interface Io {
  stdout: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
}

/** The folder to record: DIR as given, or the repository around the cwd (else the cwd). */
export function trustTarget(dir: string | undefined, io: Pick<Io, 'cwd'>): string {
  if (dir === undefined) return resolveWorkspaceTrust(io.cwd, {}).folder
  const path = resolve(io.cwd, dir)
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new UsageError(`${dir}: no such directory`)
  return realpathSync(path)
}

export function runTrust(level: TrustLevel, dir: string | undefined, io: Io): number {
  const folder = trustTarget(dir, io)
  const file = join(resolveAgentHome(io.env), 'config.toml')
  const previous = recordTrust(file, folder, level)
  const what =
    level === 'trusted'
      ? 'its hooks, MCP servers, permission rules and sandbox settings now apply'
      : 'its hooks, MCP servers, allow rules and wider sandbox settings will not apply'
  const change = previous === level ? `was already ${level}` : `is now ${level}`
  io.stdout.write(`${folder} ${change} (${file}): ${what}\n`)
  return 0
}
