// Entry point of the `agent` binary (dist/agent.cjs). Kept tiny: it answers `--version` itself,
// and otherwise runs the CLI's bundle (dist/cli.cjs, built from src/main.ts) through the code
// cache of launch/code-cache.ts, so that starts after the first skip parsing and compiling.
import module from 'node:module'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { VERSION } from '../version.js'
import { codeCacheDir, runWithCodeCache } from './code-cache.js'
import { runUnderInitWhenPid1 } from './pid1.js'

// WebAssembly (the bash grammar, undici's HTTP parser) stays on V8's baseline compiler: the
// optimising tier-up costs ~35 MB of peak memory for code that parses a few short commands.
// Set before anything is compiled: V8 only accepts a code cache made under the same flags.
setFlagsFromString('--liftoff-only')
// A session's garbage is short-lived (a request body, a stream's chunks, a command's output):
// V8 tuned for size collects it sooner instead of growing the heap, and a 1 MB young generation
// keeps each step's garbage from piling up. Peak RSS of a 200-step session: ~129 MB without,
// ~86 MB with both (see the README's benchmark). `agent` (a shell script to the system, see
// tsup.config.ts) starts Node with them; `node agent.cjs` gets them here, where the young
// generation's size no longer changes anything but the flags match, and with them the code cache.
setFlagsFromString('--max-semi-space-size=1')
setFlagsFromString('--optimize-for-size')

// Subcommands whose runs compile different parts of the bundle keep separate caches.
const PROFILES = new Set(['exec', 'resume', 'sessions', 'mcp', 'mcp-server', 'plugins', 'policy', 'sandbox'])

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Scripts ask for the version often; answer before loading anything else.
  process.stdout.write(`${VERSION}\n`)
} else if (!runUnderInitWhenPid1(fileURLToPath(import.meta.url))) {
  // Node 22.1+ also caches the ESM chunks of the interactive UI (in the OS temp directory unless
  // NODE_COMPILE_CACHE says otherwise); Node 20 has no such cache and skips this.
  ;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
  const command = args.find((arg) => !arg.startsWith('-'))
  const { exports } = runWithCodeCache({
    file: fileURLToPath(new URL('./cli.cjs', import.meta.url)),
    profile: command && PROFILES.has(command) ? command : 'default',
    cacheDir: codeCacheDir(process.env),
    version: VERSION,
    // Caches the package build made (scripts/build-code-cache.mjs), for a first run or a fresh
    // HOME; NODE_DISABLE_COMPILE_CACHE turns them off with the rest.
    ...(process.env.NODE_DISABLE_COMPILE_CACHE
      ? {}
      : { packagedDir: fileURLToPath(new URL('./code-cache/', import.meta.url)) }),
    buildPackaged: process.env.AGENT_BUILD_CODE_CACHE === '1',
  })
  // The UI is an ES module bundle beside this file. import() works from here, a file Node loaded
  // itself, on every Node version; inside the code-cached bundle it does not (see code-cache.ts).
  ;(exports as typeof import('../main.js')).main({
    loadTui: () => import(new URL('./tui.js', import.meta.url).href),
  })
}
