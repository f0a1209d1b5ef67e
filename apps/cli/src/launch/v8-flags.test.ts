import vm from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { resetStartupFlags, STARTUP_FLAGS } from './v8-flags.js'

// V8 accepts a code cache only under the flags it was made with (its flag hash): a script's cache
// made now says whether the flags are V8's defaults again. Each check compiles under another file
// name, or V8 would find the script in its in-memory compilation cache and not read the data.
const source = `(function add(a, b) { return a + b })`
const cachedData = new vm.Script(source, { filename: 'made.js' }).createCachedData()
let checks = 0
const accepted = () =>
  !new vm.Script(source, { filename: `check-${++checks}.js`, cachedData }).cachedDataRejected

describe('session V8 flags', () => {
  let restore: (() => void) | undefined
  afterEach(() => restore?.())

  it('are set at apply, which a code cache made under the defaults sees, and fully taken back at restore', () => {
    expect(accepted()).toBe(true)
    const flags = resetStartupFlags({}, Object.keys(STARTUP_FLAGS))
    restore = () => flags.restore()
    expect(accepted()).toBe(true)
    flags.apply('request')
    expect(flags.applied).toEqual(['request'])
    expect(accepted()).toBe(false)
    flags.restore()
    expect(flags.applied).toEqual([])
    // --liftoff-only and --optimize-for-size imply other flags; those are set back too.
    expect(accepted()).toBe(true)
    flags.apply('response')
    expect(accepted()).toBe(false)
    flags.restore()
    expect(accepted()).toBe(true)
    // Each phase is applied once per run.
    flags.apply('request')
    flags.apply('response')
    flags.apply('request')
    expect(flags.applied).toEqual(['request', 'response'])
    flags.restore()
    expect(accepted()).toBe(true)
  })

  it('leave a Node started with flags of its own as it was', () => {
    for (const [env, execArgv] of [
      [{ NODE_OPTIONS: '--optimize-for-size' }, []],
      [{}, ['--liftoff-only']],
      [{}, ['--max-semi-space-size=4']],
      [{ NODE_OPTIONS: '--initial-old-space-size=64' }, Object.keys(STARTUP_FLAGS)],
    ] as const) {
      const flags = resetStartupFlags(env, execArgv)
      restore = () => flags.restore()
      flags.apply('request')
      flags.apply('response')
      expect(flags.applied).toEqual([])
      expect(accepted()).toBe(true)
    }
  })

  it("manage their own flags beside other flags of the user's", () => {
    const flags = resetStartupFlags({ NODE_OPTIONS: '--max-old-space-size=4096' }, [])
    restore = () => flags.restore()
    flags.apply('request')
    expect(flags.applied).toEqual(['request'])
    flags.restore()
    expect(accepted()).toBe(true)
  })

  it('restore is a no-op before apply', () => {
    const flags = resetStartupFlags({}, [])
    flags.restore()
    expect(accepted()).toBe(true)
  })
})
