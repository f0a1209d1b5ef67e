// The SDKs must load only when a client of their wire first streams, so the CLI's start-up does
// not pay for providers it does not use. Checked in a fresh Node process with a resolve hook that
// logs every import of either SDK.
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const packageDir = path.resolve(import.meta.dirname, '..')

const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'openai' || specifier === '@anthropic-ai/sdk') process.stdout.write('loaded ' + specifier + '\\n')
  return next(specifier, context)
}
`

const SCRIPT = `
import { register } from 'node:module'
register(process.env.HOOKS_URL)
const { createModelClient } = await import('./src/index.ts')
console.log('imported')
const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }
const clients = ['openai', 'anthropic', 'ollama'].map((provider) => createModelClient({ provider, env }).value)
console.log('created')
const chat = createModelClient({ provider: { wire_api: 'chat', base_url: 'http://127.0.0.1:9/v1', request_max_retries: 0 }, env }).value
for await (const event of chat.stream({ model: 'm', instructions: '', input: [], tools: [] })) console.log(event.type)
await clients[1].warm()
console.log('warmed')
`

test('importing the package and creating clients loads no SDK; streaming or warm() loads only its own', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'models-lazy-'))
  const hooks = path.join(dir, 'hooks.mjs')
  writeFileSync(hooks, HOOKS)
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { cwd: packageDir, env: { ...process.env, HOOKS_URL: `file://${hooks}` }, timeout: 60_000 },
  )
  expect(stdout.trim().split('\n')).toEqual([
    'imported',
    'created',
    'loaded openai',
    'error',
    'loaded @anthropic-ai/sdk',
    'warmed',
  ])
})
