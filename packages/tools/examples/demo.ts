// A tour of @agent/tools without a model: snapshot a workspace, change it with a patch (the
// apply_patch engine) and with a shell command, print the turn diff, then undo it all.
// Run: pnpm --filter @agent/tools example
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { claudeToolset, codexToolset, createWorkspaceTracker, runApplyPatchCli } from '../src/index.js'

const dir = await mkdtemp(join(tmpdir(), 'tools-demo-'))
try {
  await writeFile(join(dir, 'greet.py'), 'def greet():\n    print("Hi")\n')
  await writeFile(join(dir, 'notes.txt'), 'remember the milk\n')

  const tracker = createWorkspaceTracker()
  const snapshot = await tracker.snapshot(dir)
  console.log(`snapshot taken (${snapshot.kind} mode)`)

  const out = new PassThrough()
  out.on('data', (d) => process.stdout.write(`apply-patch: ${d}`))
  const code = await runApplyPatchCli({
    stdin: `*** Begin Patch
*** Update File: greet.py
@@ def greet():
-    print("Hi")
+    print("Hello, world!")
*** Add File: README.md
+# demo
*** End Patch`,
    stdout: out,
    stderr: process.stderr,
    cwd: dir,
  })
  console.log(`apply-patch exit code: ${code}`)

  execFileSync('bash', ['-c', 'rm notes.txt && mv README.md README'], { cwd: dir })
  console.log(`\nturn diff:\n${await tracker.diff(snapshot)}`)

  const { restored } = await tracker.restore(snapshot)
  console.log(`undo restored: ${restored.join(', ')}`)
  console.log(`notes.txt is back: ${JSON.stringify(await readFile(join(dir, 'notes.txt'), 'utf8'))}`)

  console.log(
    `\nCodex tools: ${codexToolset()
      .map((t) => t.name)
      .join(', ')}`,
  )
  console.log(
    `Claude tools: ${claudeToolset()
      .map((t) => t.name)
      .join(', ')}`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
