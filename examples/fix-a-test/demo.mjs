// The README's offline demo: copies the example project (a failing test) to a scratch
// directory, makes it a git repository, and runs a real `agent exec` session in it whose model
// answers come from model-script.jsonl. The agent's commands and its patch run for real, the
// commands inside the sandbox (workspace-write, bubblewrap). Extra arguments go to `agent exec`.
//
//   pnpm demo                         # offline, replayed model
//   OPENAI_API_KEY=... pnpm demo --live   # the same task with a real model
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const agent = fileURLToPath(new URL('../../apps/cli/dist/agent.cjs', import.meta.url))
if (!existsSync(agent)) {
  console.error('The agent is not built yet: run `pnpm install && pnpm build` first.')
  process.exit(2)
}

const args = process.argv.slice(2)
const live = args.includes('--live')
const passThrough = args.filter((a) => a !== '--live')

const scratch = mkdtempSync(join(tmpdir(), 'agent-demo-'))
cpSync(join(here, 'project'), scratch, { recursive: true })
const git = (...a) => execFileSync('git', a, { cwd: scratch, stdio: 'ignore' })
git('init', '-q', '-b', 'main')
git('add', '-A')
git(
  '-c',
  'user.name=demo',
  '-c',
  'user.email=demo@example.invalid',
  'commit',
  '-q',
  '-m',
  'the example project',
)

console.error(`Scratch copy of examples/fix-a-test/project: ${scratch}\n`)
const prompt = 'The tests in this project fail. Find the bug and fix it, then make sure the tests pass.'
const model = live ? [] : ['--replay', join(here, 'model-script.jsonl')]
const run = spawnSync(
  process.execPath,
  [agent, 'exec', ...model, '--full-auto', '-C', scratch, ...passThrough, prompt],
  {
    stdio: 'inherit',
  },
)
if (run.status === 0) {
  console.error('\nWhat the agent changed (git diff):')
  spawnSync('git', ['--no-pager', 'diff'], { cwd: scratch, stdio: 'inherit' })
}
process.exit(run.status ?? 1)
