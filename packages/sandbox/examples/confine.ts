// Runs a command in a workspace-write sandbox with the network off and shows what it could and
// could not do. Run: pnpm --filter @agent/sandbox example
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createSandbox, detectSandbox, spawnWrapped } from '../src/index.js'

const support = await detectSandbox()
console.log(`sandbox: ${support.message}`)
if (!support.available) process.exit(1)

const workspace = mkdtempSync(join(import.meta.dirname, '..', '.example-'))
try {
  const sandbox = createSandbox()
  const wrapped = await sandbox.wrapCommand(
    { type: 'workspace-write', writable_roots: [], network_access: false, exclude_tmp: true },
    {
      argv: [
        'sh',
        '-c',
        'echo hi > inside.txt && echo "wrote inside"; cat /etc/hostname >/dev/null && echo "read /etc"; echo x > /etc/passwd-copy',
      ],
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  )
  const child = spawnWrapped(wrapped, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stdout?.pipe(process.stdout)
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
  console.log(`exit ${code}; denied: ${stderr.trim()}`)
  console.log(
    `looks like a sandbox denial: ${sandbox.isLikelySandboxDenial({ exitCode: code, signal: null, stdout: '', stderr })}`,
  )
} finally {
  rmSync(workspace, { recursive: true, force: true })
}
