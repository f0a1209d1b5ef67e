// createDeferredCommandPolicy: ready before the bash grammar, with the same decisions as
// createCommandPolicy. Plain argv is judged without the grammar; scripts wait for it.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, test } from 'vitest'
import { createCommandPolicy, createDeferredCommandPolicy, parseRules } from '../src/index.js'
import { corpus } from './corpus.js'
import { ctx, FULL_ACCESS } from './helpers.js'

// Scripts that are plain words can also be given as argv, the shape of most tool calls.
const asArgv = (script: string): string[] | undefined =>
  /^[\w./=:@,+-]+( [\w./=:@,+-]+)*$/.test(script) ? script.split(' ') : undefined

describe('createDeferredCommandPolicy', () => {
  it('decides every corpus case, as script and as argv, exactly as createCommandPolicy does', async () => {
    const deferred = createDeferredCommandPolicy()
    const loaded = await createCommandPolicy()
    let argvCases = 0
    for (const c of corpus) {
      const context = ctx(c.approval, c.fullAccess ? FULL_ACCESS : undefined)
      expect(await deferred.evaluateScript(c.script, context)).toEqual(
        loaded.evaluateScript(c.script, context),
      )
      const argv = asArgv(c.script)
      if (argv) {
        argvCases++
        expect(await deferred.evaluate(argv, context)).toEqual(loaded.evaluate(argv, context))
      }
    }
    expect(argvCases).toBeGreaterThan(100)
  })

  it('applies .rules and wrapper unwrapping the same way', async () => {
    const rules = await parseRules(
      'prefix_rule(pattern=["git", "push"], decision="forbidden", justification="push from CI only")',
      'team.rules',
    )
    const deferred = createDeferredCommandPolicy({ rules })
    const loaded = await createCommandPolicy({ rules })
    for (const argv of [
      ['git', 'push', 'origin', 'main'],
      ['bash', '-lc', 'git push origin main'],
      ['timeout', '5', 'git', 'push'],
      ['echo', 'git push'],
    ]) {
      const d = await deferred.evaluate(argv, ctx('on-request'))
      expect(d).toEqual(loaded.evaluate(argv, ctx('on-request')))
    }
    expect((await deferred.evaluate(['git', 'push'], ctx('on-request'))).decision).toBe('forbidden')
  })
})

// A long test by nature: a fresh Node process compiles the package's sources with tsx and then
// loads the WASM grammar (about 5 s alone, several times that on a loaded 2-core machine).
test('a plain argv is judged without loading the grammar; the first script loads it', {
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-deferred-'))
  const hooks = path.join(dir, 'hooks.mjs')
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
      if (specifier === 'web-tree-sitter') process.stdout.write('loaded web-tree-sitter\\n')
      return next(specifier, context)
    }`,
  )
  const script = `
    import { register } from 'node:module'
    register(process.env.HOOKS_URL)
    const { createDeferredCommandPolicy } = await import('./src/index.ts')
    const policy = createDeferredCommandPolicy()
    const context = { approvalPolicy: 'on-request', sandboxPolicy: { type: 'danger-full-access' } }
    console.log('argv: ' + (await policy.evaluate(['echo', 'hi'], context)).decision)
    console.log('script: ' + (await policy.evaluateScript('echo hi | wc -c', context)).decision)
  `
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@agent/source', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, HOOKS_URL: `file://${hooks}` },
      timeout: 170_000,
    },
  )
  expect(stdout.trim().split('\n')).toEqual(['argv: allow', 'loaded web-tree-sitter', 'script: allow'])
})
