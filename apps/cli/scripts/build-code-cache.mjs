// The last step of `pnpm build`: one training run of the built binary writes the V8 code cache
// that ships in the package (dist/code-cache), so that a first run after installing, or a run
// with a fresh HOME, skips parsing and compiling too (see src/launch/code-cache.ts). The run is
// a real `agent exec` of one shell step against a local mock provider; its exit writes the cache
// of every function it compiled. The cache is only for the Node version that runs this script:
// any other Node finds no cache of its own name and compiles as before.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startMockProviderServer } from '@agent/models/testing'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const bin = join(dist, 'agent.cjs')
const cacheDir = join(dist, 'code-cache')
mkdirSync(cacheDir, { recursive: true })
const root = mkdtempSync(join(tmpdir(), 'agent-build-code-cache-'))

/** One `agent exec` in a scratch repository; resolves with its exit code and stderr. */
async function train(sandbox) {
  const home = join(root, `home-${sandbox}`)
  const repo = join(root, `repo-${sandbox}`)
  mkdirSync(home)
  mkdirSync(repo)
  spawnSync('git', ['init', '-q', repo])
  const server = await startMockProviderServer({
    wire: 'responses',
    turns: [{ toolCalls: [{ name: 'shell', arguments: { command: ['echo', 'warm'] } }] }, { text: 'done' }],
  })
  const child = spawn(bin, ['exec', '--ephemeral', '-s', sandbox, 'build the code cache'], {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      OPENAI_API_KEY: 'build',
      OPENAI_BASE_URL: server.baseUrl,
      AGENT_BUILD_CODE_CACHE: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  await server.close()
  return { code, stderr, served: server.requests.length }
}

try {
  // The sandboxed path compiles the most (policy, seccomp, bubblewrap arguments); without
  // bubblewrap on the build machine the unsandboxed one still covers start-up and the loop.
  let result = await train('workspace-write')
  if (result.code !== 0 || result.served !== 2) result = await train('danger-full-access')
  const written = readdirSync(cacheDir)
  if (result.code !== 0 || written.length === 0) {
    console.warn(
      `build-code-cache: no code cache was built (agent exec exited ${result.code}); the package works ` +
        `without one, but a first run compiles the whole CLI.\n${result.stderr}`,
    )
  } else {
    console.log(`build-code-cache: dist/code-cache/${written.join(', ')}`)
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
