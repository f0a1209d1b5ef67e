// Finds an executable on PATH without spawning a shell.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

export function findExecutable(name: string, pathEnv: string | undefined = process.env.PATH): string | null {
  const candidates = isAbsolute(name)
    ? [name]
    : (pathEnv ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name))
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not here; keep looking
    }
  }
  return null
}
