// The V8 flags `agent` runs under, and when they are set.
//
// Node ships its built-in modules (child_process, net, undici's fetch...) with a code cache made
// under V8's default flags, and V8 refuses a code cache made under other flags: any non-default
// flag, on the command line or set at run time, makes Node compile each built-in it loads from
// source. Measured on Node 20 here, that is ~10 ms more for a handful of built-ins and ~20 ms more
// for the first `fetch` (undici): ~30-40 ms of every start. The launcher's own code cache of
// cli.cjs has the same rule. So the flags that keep a session's memory small are set only once
// start-up is over, and taken back before the code cache is written at exit:
//  - `--max-semi-space-size=1` (a 1 MB young generation, so a step's garbage is collected
//    instead of growing the heap) only counts as Node starts: `agent` passes it on the command
//    line (see tsup.config.ts), and `resetStartupFlags` sets it back to its default at once.
//    The heap keeps the size it was made with; only the flag's value, and V8's flag hash, change.
//  - `--optimize-for-size` (GC heuristics that favour memory) and `--liftoff-only` (WebAssembly
//    stays on the baseline compiler: the bash grammar's optimised code costs ~35 MB of peak
//    memory) are read while the session runs: `applySessionFlags` sets them when the first HTTP
//    request is created, after the built-ins and undici a start needs have been compiled.
//  - `restoreDefaultFlags` sets every one of them back, implications included, so that the
//    flag hash is the default again when the code cache is written.
// A Node started with its own V8 flags for these (NODE_OPTIONS, `node --optimize-for-size`) is
// left as it was: its code caches are made and read under its own flags.
import { setFlagsFromString } from 'node:v8'

const SESSION_FLAGS = ['--optimize-for-size', '--liftoff-only']
// V8 11 (Node 20): --optimize-for-size implies --max-semi-space-size=1, and --liftoff-only
// implies --no-wasm-tier-up and --no-wasm-dynamic-tiering.
const DEFAULT_FLAGS = [
  '--no-optimize-for-size',
  '--max-semi-space-size=0',
  '--no-liftoff-only',
  '--wasm-tier-up',
  '--wasm-dynamic-tiering',
]

/** The young generation's size `agent` starts Node with (tsup.config.ts's shell line). */
export const STARTUP_FLAG = '--max-semi-space-size=1'

/** True when the user's own Node options touch the flags managed here. */
function userOwnsFlags(env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  return /optimize[-_]for[-_]size|liftoff|semi[-_]space|wasm[-_](dynamic[-_])?tier/.test(
    [...execArgv.filter((arg) => arg !== STARTUP_FLAG), env.NODE_OPTIONS ?? ''].join(' '),
  )
}

export interface SessionFlags {
  /** Sets the session's flags (once); later calls do nothing. */
  apply(): void
  /** Sets every flag back to V8's default, if `apply` set any. */
  restore(): void
  /** Whether the session's flags are set now. */
  readonly applied: boolean
}

/**
 * Call first: takes back `--max-semi-space-size` from the command line (after it sized the
 * heap), and returns the session's flags to apply later. With flags of the user's own, nothing
 * is changed now or later.
 */
export function resetStartupFlags(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): SessionFlags {
  const own = userOwnsFlags(env, execArgv)
  if (!own && execArgv.includes(STARTUP_FLAG)) setFlagsFromString('--max-semi-space-size=0')
  let applied = false
  return {
    get applied() {
      return applied
    },
    apply() {
      if (own || applied) return
      applied = true
      for (const flag of SESSION_FLAGS) setFlagsFromString(flag)
    },
    restore() {
      if (!applied) return
      applied = false
      for (const flag of DEFAULT_FLAGS) setFlagsFromString(flag)
    },
  }
}
