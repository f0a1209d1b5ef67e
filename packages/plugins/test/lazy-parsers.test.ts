// yaml and jsonc-parser load only when a file needs parsing: a project without plugins, settings
// or skills (most of them) does not pay for them at start-up. Checked in a fresh Node process
// with a resolve hook that logs every import of either library.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const packageDir = path.resolve(import.meta.dirname, '..')

const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'yaml' || specifier === 'jsonc-parser') process.stdout.write('loaded ' + specifier + '\\n')
  return next(specifier, context)
}
`

const SCRIPT = `
import { register } from 'node:module'
register(process.env.HOOKS_URL)
const { loadPlugins } = await import('./src/index.ts')
const empty = await loadPlugins({ cwd: process.env.EMPTY, agentHome: process.env.EMPTY + '/.agent' })
console.log('empty project: ' + empty.commands.length + ' commands')
const withCommand = await loadPlugins({ cwd: process.env.PROJECT, agentHome: process.env.EMPTY + '/.agent' })
console.log('project: ' + withCommand.commands.map((c) => c.name).join(','))
`

test('loading plugins for a project with nothing to parse loads neither parser; the first file loads them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plugins-lazy-'))
  const hooks = path.join(dir, 'hooks.mjs')
  writeFileSync(hooks, HOOKS)
  const empty = path.join(dir, 'empty')
  const project = path.join(dir, 'project')
  mkdirSync(empty)
  mkdirSync(path.join(project, '.claude', 'commands'), { recursive: true })
  writeFileSync(
    path.join(project, '.claude', 'commands', 'review.md'),
    '---\ndescription: Review the diff\n---\nReview it.\n',
  )
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@agent/source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    {
      cwd: packageDir,
      env: { ...process.env, HOOKS_URL: `file://${hooks}`, EMPTY: empty, PROJECT: project },
      timeout: 60_000,
    },
  )
  const lines = stdout.trim().split('\n')
  expect(lines[0]).toBe('empty project: 0 commands')
  expect(lines.slice(1, 3).sort()).toEqual(['loaded jsonc-parser', 'loaded yaml'])
  expect(lines[3]).toBe('project: review')
})
