// Test support: write a directory tree of real files in a fresh temp dir.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface TempTree {
  root: string
  path(...parts: string[]): string
  write(files: Record<string, string>): void
  remove(): void
}

/** Files ending in `.sh` are made executable, as plugin scripts are. */
export function tempTree(files: Record<string, string> = {}): TempTree {
  const root = mkdtempSync(join(tmpdir(), 'agent-plugins-'))
  const tree: TempTree = {
    root,
    path: (...parts) => join(root, ...parts),
    write(more) {
      for (const [relative, content] of Object.entries(more)) {
        const file = join(root, relative)
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, content)
        if (file.endsWith('.sh')) chmodSync(file, 0o755)
      }
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
  tree.write(files)
  return tree
}

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`
