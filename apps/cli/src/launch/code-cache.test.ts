// Each run happens in a fresh Node process: within one process V8 finds a script it compiled
// before in its own memory and never looks at the cache on disk.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { codeCacheDir, MODULE_WRAPPER } from './code-cache.js'

const moduleUrl = new URL('./code-cache.ts', import.meta.url).href

// A module with a function compiled lazily (called after the top level ran), which is what the
// cache written at exit must hold, and a require() to show the module scope is a real one.
const SOURCE = `
const { join } = require('node:path')
function greet(name) { return 'hello ' + name + ' ' + join('a', 'b') }
module.exports = { greet, file: __filename }
`

interface Outcome {
  cache: string
  cacheFile: string | null
  greeting: string
  file: string
}

/** One launch in a fresh process; `save` writes the cache right away (as the exit hook would). */
function launch(options: {
  file: string
  profile?: string
  cacheDir?: string
  packagedDir?: string
  buildPackaged?: boolean
  version?: string
  ascii?: boolean
  save?: boolean
}): Outcome {
  const script = `
    const { runWithCodeCache } = await import(${JSON.stringify(moduleUrl)})
    const run = runWithCodeCache(JSON.parse(process.env.OPTIONS))
    const greeting = run.exports.greet('you')
    if (process.env.SAVE) run.saveCache()
    console.log(JSON.stringify({ cache: run.cache, cacheFile: run.cacheFile ?? null, greeting, file: run.exports.file }))
  `
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      OPTIONS: JSON.stringify({ profile: 'exec', version: '1', ...options }),
      ...(options.save ? { SAVE: '1' } : {}),
    },
  })
  return JSON.parse(out) as Outcome
}

// Every temp directory a test makes goes when the test is done.
const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function bundle(): { dir: string; file: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'agent-code-cache-'))
  roots.push(dir)
  const file = join(dir, 'bundle.cjs')
  writeFileSync(file, SOURCE)
  return { dir, file, cacheDir: join(dir, 'cache') }
}

describe('runWithCodeCache', () => {
  it('runs a CommonJS file in a real module scope, writes its cache, and the next process uses it', () => {
    const { file, cacheDir } = bundle()
    const first = launch({ file, cacheDir, version: '1.2.3', save: true })
    expect(first).toMatchObject({ cache: 'missing', greeting: 'hello you a/b', file })
    expect(readdirSync(cacheDir)).toEqual([
      expect.stringMatching(/^bundle\.cjs-1\.2\.3-v[\d.]+-\w+-\d+-\d+-exec$/),
    ])
    expect(launch({ file, cacheDir, version: '1.2.3' })).toMatchObject({
      cache: 'accepted',
      greeting: 'hello you a/b',
    })
  })

  it('writes the cache when the process exits, once, without being asked', () => {
    const { file, cacheDir } = bundle()
    expect(launch({ file, cacheDir }).cache).toBe('missing')
    expect(launch({ file, cacheDir }).cache).toBe('accepted')
    expect(readdirSync(cacheDir)).toHaveLength(1)
  })

  it('keeps one cache per profile and per version of the file, and drops outdated ones', () => {
    const { file, cacheDir } = bundle()
    launch({ file, cacheDir, save: true })
    expect(launch({ file, cacheDir, profile: 'mcp-server', save: true }).cache).toBe('missing')
    // Another version of the CLI (an upgrade): its cache replaces the old one of that profile.
    expect(launch({ file, cacheDir, version: '2' }).cache).toBe('missing')
    const names = readdirSync(cacheDir)
    expect(names).toHaveLength(2)
    expect(names).toEqual(
      expect.arrayContaining([expect.stringMatching(/-2-.*-exec$/), expect.stringMatching(/-mcp_server$/)]),
    )
    // A rebuilt file (another size and time) never meets the old cache, and its own cache
    // replaces the old one of the same profile (not the other profile's).
    writeFileSync(file, `${SOURCE}\n// rebuilt\n`)
    utimesSync(file, new Date(), new Date(Date.now() + 5_000))
    const rebuilt = launch({ file, cacheDir })
    expect(rebuilt.cache).toBe('missing')
    const after = readdirSync(cacheDir)
    expect(after).toHaveLength(2)
    expect(after).toEqual(
      expect.arrayContaining([basename(String(rebuilt.cacheFile)), expect.stringMatching(/-mcp_server$/)]),
    )
  })

  it('runs without the cache when V8 refuses it (a damaged file), and rewrites it', () => {
    const { file, cacheDir } = bundle()
    const { cacheFile } = launch({ file, cacheDir: join(cacheDir, 'probe') })
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(join(cacheDir, basename(String(cacheFile))), Buffer.from('not a V8 code cache at all'))
    expect(launch({ file, cacheDir })).toMatchObject({ cache: 'rejected', greeting: 'hello you a/b' })
    expect(launch({ file, cacheDir }).cache).toBe('accepted')
  })

  it('ignores a cache file that others may write, and replaces it', () => {
    const { file, cacheDir } = bundle()
    const { cacheFile } = launch({ file, cacheDir, save: true })
    chmodSync(String(cacheFile), 0o666)
    expect(launch({ file, cacheDir }).cache).toBe('missing')
    expect(statSync(String(cacheFile)).mode & 0o777).toBe(0o600)
    expect(launch({ file, cacheDir }).cache).toBe('accepted')
  })

  it('runs a file that is its own module wrapper as it is, with its cache', () => {
    const { dir, cacheDir } = bundle()
    const file = join(dir, 'wrapped.cjs')
    writeFileSync(file, `${MODULE_WRAPPER}${SOURCE}\n})`)
    expect(launch({ file, cacheDir, ascii: true, save: true })).toMatchObject({
      cache: 'missing',
      greeting: 'hello you a/b',
      file,
    })
    expect(launch({ file, cacheDir, ascii: true })).toMatchObject({
      cache: 'accepted',
      greeting: 'hello you a/b',
    })
  })

  it('reads a bundle that is not ASCII as UTF-8', () => {
    const { dir, cacheDir } = bundle()
    const file = join(dir, 'unicode.cjs')
    writeFileSync(file, "exports.greet = (name) => 'héllo ' + name + ' ✓'\nexports.file = __filename\n")
    expect(launch({ file, cacheDir, save: true }).greeting).toBe('héllo you ✓')
    expect(launch({ file, cacheDir })).toMatchObject({ cache: 'accepted', greeting: 'héllo you ✓' })
  })

  it('runs without a cache directory, and one it cannot write costs nothing', () => {
    const { dir, file } = bundle()
    expect(launch({ file }).cache).toBe('off')
    // A regular file where the directory should be: the write fails quietly.
    writeFileSync(join(dir, 'blocked'), '')
    expect(launch({ file, cacheDir: join(dir, 'blocked', 'cache'), save: true })).toMatchObject({
      cache: 'missing',
      greeting: 'hello you a/b',
    })
  })
})

describe('runWithCodeCache with the caches built with the package', () => {
  it('builds one into the package, then uses it when the user has none, and writes no user cache', () => {
    const { dir, file, cacheDir } = bundle()
    const packagedDir = join(dir, 'packaged')
    expect(launch({ file, cacheDir, packagedDir, buildPackaged: true }).cache).toBe('missing')
    const built = readdirSync(packagedDir)
    // Named after the bundle's SHA-1: installing keeps the content, not the time.
    expect(built).toEqual([expect.stringMatching(/^bundle\.cjs-1-v[\d.]+-\w+-[0-9a-f]{40}-exec$/)])
    expect(statSync(join(packagedDir, built[0]!)).mode & 0o777).toBe(0o644)
    expect(readdirSync(dir)).not.toContain('cache')
    // A fresh HOME: no user cache, the package's is used, and none is written at exit.
    expect(launch({ file, cacheDir, packagedDir })).toMatchObject({
      cache: 'packaged',
      greeting: 'hello you a/b',
    })
    expect(readdirSync(dir)).not.toContain('cache')
    // Another version, another profile: not the package's cache; the user's is written as before.
    expect(launch({ file, cacheDir, packagedDir, version: '2' }).cache).toBe('missing')
    expect(launch({ file, cacheDir, packagedDir, profile: 'mcp-server' }).cache).toBe('missing')
    expect(readdirSync(cacheDir)).toHaveLength(2)
  })

  it("prefers the user's own cache, and never uses a package's cache of other content", () => {
    const { dir, file, cacheDir } = bundle()
    const packagedDir = join(dir, 'packaged')
    launch({ file, cacheDir, packagedDir, buildPackaged: true })
    launch({ file, cacheDir, save: true })
    expect(launch({ file, cacheDir, packagedDir }).cache).toBe('accepted')
    // The same length, other content (an edit in place): the package's cache is not for it.
    const other = join(dir, 'other')
    mkdirSync(other)
    const edited = join(other, 'bundle.cjs')
    writeFileSync(edited, SOURCE.replace('hello', 'howdy'))
    const otherCache = join(other, 'packaged')
    mkdirSync(otherCache)
    for (const name of readdirSync(packagedDir)) {
      writeFileSync(join(otherCache, name), readFileSync(join(packagedDir, name)), { mode: 0o644 })
    }
    expect(launch({ file: edited, packagedDir: otherCache })).toMatchObject({
      cache: 'off',
      greeting: 'howdy you a/b',
    })
  })

  it("ignores a package's cache that others may write", () => {
    const { dir, file } = bundle()
    const packagedDir = join(dir, 'packaged')
    launch({ file, packagedDir, buildPackaged: true })
    const [name] = readdirSync(packagedDir)
    chmodSync(join(packagedDir, String(name)), 0o646)
    expect(launch({ file, packagedDir }).cache).toBe('off')
    chmodSync(join(packagedDir, String(name)), 0o644)
    expect(launch({ file, packagedDir }).cache).toBe('packaged')
  })
})

describe('codeCacheDir', () => {
  it('takes AGENT_CODE_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache; none when disabled', () => {
    expect(codeCacheDir({ AGENT_CODE_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c')
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/agent/code-cache')
    expect(codeCacheDir({})).toMatch(/\/\.cache\/agent\/code-cache$/)
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1', AGENT_CODE_CACHE_DIR: '/c' })).toBeUndefined()
  })
})
