// The V8 flags `agent` runs under, and when they are set.
//
// Node ships its built-in modules (child_process, net, undici's fetch...) with a code cache made
// under V8's default flags, and V8 refuses a code cache made under other flags: any non-default
// flag, on the command line or set at run time, makes Node compile each built-in it loads from
// source. Measured on Node 20 here, that is ~10 ms more for a handful of built-ins and ~20 ms more
// for the first `fetch` (undici): ~30-40 ms of every start. The launcher's own code cache of
// cli.cjs has the same rule. So the flags that keep a session's memory small are set only once
// start-up is over, and taken back before the code cache is written at exit:
//  - The heap's sizes only count as Node starts, so `agent` passes them on the command line
//    (tsup.config.ts) and `resetStartupFlags` sets them back to their defaults at once: the heap
//    keeps the sizes it was made with; only the flags' values, and V8's flag hash, change.
//    `--max-semi-space-size=1`: a 1 MB young generation, so a step's garbage is collected
//    instead of growing the heap. `--initial-old-space-size=24`: no full GC while starting
//    (the old generation passes V8's first limit, ~16 MB, just as the first request leaves,
//    and a full GC there costs ~8-13 ms; 32 MB costs ~4 MB of peak RSS over 50 steps).
//  - `--liftoff-only` (WebAssembly stays on V8's baseline compiler: undici's HTTP parser and the
//    bash grammar, optimised, cost ~25 MB of peak memory) is read when a module is compiled:
//    `apply('request')` sets it when the first HTTP request is created, after the built-ins a
//    start needs and before undici compiles its parser for the connection.
//  - `--optimize-for-size` (GC heuristics that favour memory) is read while the session runs;
//    V8 answers it with a full GC, so `apply('response')` sets it once the first response has
//    started, when the first request is no longer waiting on this process.
//  - `restore` sets every one of them back, implications included, so that the flag hash is
//    the default again when the code cache is written.
// A Node started with its own values for these flags (NODE_OPTIONS, `node --optimize-for-size`)
// is left as it was: its code caches are made and read under its own flags. Other flags of the
// user's (`--max-old-space-size`...) change nothing here.
import { setFlagsFromString } from 'node:v8'

/**
 * The heap's sizes `agent` starts Node with (tsup.config.ts's shell line), each with the value
 * that sets it back to V8's default once the heap is made.
 */
export const STARTUP_FLAGS: Readonly<Record<string, string>> = {
  '--max-semi-space-size=1': '--max-semi-space-size=0',
  '--initial-old-space-size=24': '--initial-old-space-size=0',
}

/** When each flag of the session is set, and the flags that set it (and what it implies) back. */
const SESSION_FLAGS = {
  request: {
    set: '--liftoff-only',
    reset: ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'],
  },
  // V8 11 (Node 20): --optimize-for-size implies --max-semi-space-size=1.
  response: { set: '--optimize-for-size', reset: ['--no-optimize-for-size', '--max-semi-space-size=0'] },
} as const

export type SessionPhase = keyof typeof SESSION_FLAGS

/** True when the user's own Node options touch the flags managed here. */
function userOwnsFlags(env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  return /optimize[-_]for[-_]size|liftoff|semi[-_]space|initial[-_]old[-_]space|wasm[-_](dynamic[-_])?tier/.test(
    [...execArgv.filter((arg) => !(arg in STARTUP_FLAGS)), env.NODE_OPTIONS ?? ''].join(' '),
  )
}

export interface SessionFlags {
  /** Sets the flags of a phase of the session (once); later calls do nothing. */
  apply(phase: SessionPhase): void
  /** Sets every flag `apply` set back to V8's default. */
  restore(): void
  /** The phases whose flags are set now. */
  readonly applied: readonly SessionPhase[]
}

/**
 * Call first: takes back the heap's sizes from the command line (after they sized the heap), and
 * returns the session's flags to apply later. With flags of the user's own, nothing is changed
 * now or later.
 */
export function resetStartupFlags(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): SessionFlags {
  const own = userOwnsFlags(env, execArgv)
  if (!own)
    for (const arg of execArgv) if (arg in STARTUP_FLAGS) setFlagsFromString(STARTUP_FLAGS[arg] as string)
  const applied = new Set<SessionPhase>()
  return {
    get applied() {
      return [...applied]
    },
    apply(phase) {
      if (own || applied.has(phase)) return
      applied.add(phase)
      setFlagsFromString(SESSION_FLAGS[phase].set)
    },
    restore() {
      for (const phase of applied) for (const flag of SESSION_FLAGS[phase].reset) setFlagsFromString(flag)
      applied.clear()
    },
  }
}
