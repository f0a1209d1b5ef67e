// Runs every case of the shared apply-patch conformance vectors (input/, patch.txt, expected/)
// through the CLI entry point, in a temp copy of input/. Skipped when the folder is absent.
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { runApplyPatchCli } from './cli.js'

const repoRoot = resolve(import.meta.dirname, '../../../..')
const casesDir = resolve(repoRoot, '../shared/conformance/apply-patch')
const cases = existsSync(casesDir)
  ? (await readdir(casesDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : []

async function snapshotTree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  if (!existsSync(root)) return files
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else files[relative(root, full)] = await readFile(full, 'utf8')
    }
  }
  await walk(root)
  return files
}

const temps: string[] = []
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe.skipIf(cases.length === 0)('apply-patch conformance (../shared/conformance)', () => {
  it('has the 23 cases', () => {
    expect(cases.length).toBe(23)
  })

  it.each(cases)('%s', async (name) => {
    const dir = join(casesDir, name)
    const work = await mkdtemp(join(tmpdir(), `apply-patch-${name}-`))
    temps.push(work)
    if (existsSync(join(dir, 'input'))) await cp(join(dir, 'input'), work, { recursive: true })
    const patch = await readFile(join(dir, 'patch.txt'), 'utf8')
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    let out = ''
    let err = ''
    stdout.on('data', (d) => {
      out += d
    })
    stderr.on('data', (d) => {
      err += d
    })
    const code = await runApplyPatchCli({ stdin: patch, stdout, stderr, cwd: work })
    expect(await snapshotTree(work)).toEqual(await snapshotTree(join(dir, 'expected')))
    // Every case either succeeds with Codex's summary or fails with a message on stderr.
    if (code === 0) expect(out.startsWith('Success. Updated the following files:\n')).toBe(true)
    else expect(err.length).toBeGreaterThan(0)
  })
})
