// Benchmarks for the parts of @agent/tools that run on every turn or every edit, each against a
// baseline measured in the same run:
//   - apply_patch (parse + plan in memory) vs `git apply --check` of the same change;
//   - a git workspace snapshot + diff vs `git status --porcelain` over the same repository;
//   - a warm walk snapshot (no git) vs a bare recursive readdir + stat of the same tree.
// Run: pnpm --filter @agent/tools bench
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { planPatch } from '../src/apply-patch/apply.js'
import { parsePatch } from '../src/apply-patch/parser.js'
import { createWorkspaceTracker } from '../src/workspace/tracker.js'

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)] as number
}

const rows: { name: string; ours: number; baseline: string; base: number }[] = []
const root = await mkdtemp(join(tmpdir(), 'tools-bench-'))
try {
  // 1. apply_patch on a 5,000-line file, 100 hunks.
  const patchDir = join(root, 'patch')
  await mkdir(patchDir)
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} of the big file`)
  await writeFile(join(patchDir, 'big.txt'), `${lines.join('\n')}\n`)
  let body = '*** Begin Patch\n*** Update File: big.txt\n'
  let unified = '--- a/big.txt\n+++ b/big.txt\n'
  for (let h = 0; h < 100; h++) {
    const at = h * 50 + 10
    body += `@@\n ${lines[at - 1]}\n-${lines[at]}\n+changed ${at}\n ${lines[at + 1]}\n`
    unified += `@@ -${at},3 +${at},3 @@\n ${lines[at - 1]}\n-${lines[at]}\n+changed ${at}\n ${lines[at + 1]}\n`
  }
  body += '*** End Patch'
  await writeFile(join(patchDir, 'change.diff'), unified)
  execFileSync('git', ['init', '-q'], { cwd: patchDir })
  const ours = await time(async () => planPatch(parsePatch(body), patchDir), 30)
  const base = await time(
    () => execFileSync('git', ['apply', '--check', 'change.diff'], { cwd: patchDir }),
    30,
  )
  rows.push({ name: 'apply_patch plan (5k lines, 100 hunks)', ours, baseline: 'git apply --check', base })

  // 2 and 3. A tree of 2,000 files in 40 directories.
  const tree = join(root, 'tree')
  for (let d = 0; d < 40; d++) {
    await mkdir(join(tree, `dir${d}`), { recursive: true })
    for (let f = 0; f < 50; f++) {
      await writeFile(join(tree, `dir${d}`, `file${f}.ts`), `export const v${f} = ${d * 50 + f}\n`.repeat(20))
    }
  }
  const walkTracker = createWorkspaceTracker({ mode: 'walk' })
  await walkTracker.snapshot(tree)
  const walkMs = await time(async () => {
    const s = await walkTracker.snapshot(tree)
    await walkTracker.release?.(s)
  }, 20)
  const bareWalk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await bareWalk(full)
      else await stat(full)
    }
  }
  const bareMs = await time(() => bareWalk(tree), 20)
  rows.push({
    name: 'walk snapshot, warm (2,000 files)',
    ours: walkMs,
    baseline: 'readdir + stat walk',
    base: bareMs,
  })

  execFileSync('git', ['init', '-q'], { cwd: tree })
  execFileSync('git', ['add', '-A'], { cwd: tree })
  execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-qm', 'seed'], {
    cwd: tree,
  })
  const gitTracker = createWorkspaceTracker({ mode: 'git' })
  await writeFile(join(tree, 'dir0', 'file0.ts'), 'changed\n')
  const gitMs = await time(async () => {
    const s = await gitTracker.snapshot(tree)
    await gitTracker.diff(s)
    await gitTracker.release?.(s)
  }, 10)
  const statusMs = await time(() => execFileSync('git', ['status', '--porcelain'], { cwd: tree }), 10)
  rows.push({
    name: 'git snapshot + diff (2,000 files)',
    ours: gitMs,
    baseline: 'git status --porcelain',
    base: statusMs,
  })
} finally {
  await rm(root, { recursive: true, force: true })
}

const pad = (s: string, n: number) => s.padEnd(n)
console.log(
  `cpus: ${cpus().length}, load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
console.log(
  `${pad('benchmark', 42)}${pad('ours (ms)', 12)}${pad('baseline', 26)}${pad('base (ms)', 12)}ratio`,
)
for (const row of rows) {
  console.log(
    `${pad(row.name, 42)}${pad(row.ours.toFixed(2), 12)}${pad(row.baseline, 26)}${pad(row.base.toFixed(2), 12)}${(row.ours / row.base).toFixed(2)}x`,
  )
}
