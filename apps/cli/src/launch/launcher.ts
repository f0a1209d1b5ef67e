// Entry point of the `agent` binary (dist/agent.cjs). Kept tiny: it answers `--version` itself,
// and otherwise runs the CLI's bundle (dist/cli.cjs, built from src/main.ts) through the code
// cache of launch/code-cache.ts, so that starts after the first skip parsing and compiling.
// First: it sets V8's flags back to their defaults before any other module is evaluated, so
// that Node's built-ins load from their code cache (see v8-flags.ts).
import './startup-flags.js'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import module from 'node:module'
import { fileURLToPath } from 'node:url'
import { VERSION } from '../version.js'
import { codeCacheDir, runWithCodeCache } from './code-cache.js'
import { runUnderInitWhenPid1 } from './pid1.js'
import { sessionFlags } from './startup-flags.js'

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
    // Built ASCII-only (tsup.config.ts): no need to scan it.
    ascii: true,
    // The cache must carry the flags it is read under at the next start: the defaults.
    beforeSave: () => sessionFlags.restore(),
  })
  // Start-up ends with the first HTTP request (the model's, through undici): the session's
  // memory flags are set then (see v8-flags.ts), after everything a start compiles.
  const onRequest = () => {
    unsubscribe('undici:request:create', onRequest)
    sessionFlags.apply('request')
  }
  const onResponse = () => {
    unsubscribe('undici:request:headers', onResponse)
    sessionFlags.apply('response')
  }
  subscribe('undici:request:create', onRequest)
  subscribe('undici:request:headers', onResponse)
  // The UI is an ES module bundle beside this file. import() works from here, a file Node loaded
  // itself, on every Node version; inside the code-cached bundle it does not (see code-cache.ts).
  ;(exports as typeof import('../main.js')).main({
    loadTui: () => import(new URL('./tui.js', import.meta.url).href),
  })
}
