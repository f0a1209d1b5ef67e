// A WorkspaceTracker that snapshots a small directory's files into memory and diffs them whole
// (every changed file as one hunk). Enough for tests; `@agent/tools` ships the real tracker.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { WorkspaceSnapshot, WorkspaceTracker } from '../ports/workspace.js'

const SKIP = new Set(['.git', 'node_modules'])

export class MemoryWorkspaceTracker implements WorkspaceTracker {
  private readonly snapshots = new Map<string, Map<string, Buffer>>()
  private next = 0

  async snapshot(cwd: string): Promise<WorkspaceSnapshot> {
    const id = String(++this.next)
    this.snapshots.set(id, await readTree(cwd))
    return { id, cwd }
  }

  async diff(snapshot: WorkspaceSnapshot): Promise<string> {
    const before = this.get(snapshot)
    const after = await readTree(snapshot.cwd)
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort()
    let out = ''
    for (const path of paths) {
      const a = before.get(path)
      const b = after.get(path)
      if (a && b && a.equals(b)) continue
      out += fileDiff(relative(snapshot.cwd, path), a?.toString('utf8'), b?.toString('utf8'))
    }
    return out
  }

  async restore(snapshot: WorkspaceSnapshot): Promise<{ restored: string[] }> {
    const before = this.get(snapshot)
    const after = await readTree(snapshot.cwd)
    const restored: string[] = []
    for (const [path, data] of before) {
      if (after.get(path)?.equals(data)) continue
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, data)
      restored.push(relative(snapshot.cwd, path))
    }
    for (const path of after.keys()) {
      if (before.has(path)) continue
      await rm(path, { force: true })
      restored.push(relative(snapshot.cwd, path))
    }
    return { restored: restored.sort() }
  }

  async release(snapshot: WorkspaceSnapshot): Promise<void> {
    this.snapshots.delete(snapshot.id)
  }

  private get(snapshot: WorkspaceSnapshot): Map<string, Buffer> {
    const files = this.snapshots.get(snapshot.id)
    if (!files) throw new Error(`snapshot ${snapshot.id} was released`)
    return files
  }
}

async function readTree(root: string, limit = 2000): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (files.size >= limit || SKIP.has(entry.name)) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) files.set(path, await readFile(path))
    }
  }
  await walk(root)
  return files
}

function fileDiff(path: string, before: string | undefined, after: string | undefined): string {
  const lines = (text: string | undefined) =>
    text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n')
  const a = lines(before)
  const b = lines(after)
  let out = `diff --git a/${path} b/${path}\n`
  if (before === undefined) out += 'new file mode 100644\n'
  if (after === undefined) out += 'deleted file mode 100644\n'
  out += `--- ${before === undefined ? '/dev/null' : `a/${path}`}\n+++ ${after === undefined ? '/dev/null' : `b/${path}`}\n`
  out += `@@ -${a.length ? 1 : 0},${a.length} +${b.length ? 1 : 0},${b.length} @@\n`
  for (const line of a) out += `-${line}\n`
  for (const line of b) out += `+${line}\n`
  return out
}
