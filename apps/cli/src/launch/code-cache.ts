// Runs the CLI's CommonJS bundle with a V8 code cache kept on disk, so that a start after the
// first one skips parsing and compiling (~40% of what `agent exec` does before its first model
// request on Node 20, which has no compile cache of its own). The cache holds every function the
// first run of a kind of command compiled, the lazily compiled ones included: it is written when
// that run exits. V8 refuses a cache made by another V8, other flags or another source (it is
// then rewritten); a cache that cannot be read or written is simply not used.
import { isAscii } from 'node:buffer'
import { createHash } from 'node:crypto'
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import Module, { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import vm from 'node:vm'

export interface CodeCacheOptions {
  /** The CommonJS file to run. */
  file: string
  /**
   * Which cache of the file to use: runs that take different paths through the code (`exec`,
   * `mcp-server`...) compile different functions, so each kind keeps its own cache.
   */
  profile: string
  /** Where caches live; undefined runs the file without one. */
  cacheDir: string | undefined
  /** Part of the cache's name, so an upgrade never even tries an old cache. */
  version: string
  /**
   * Caches built with the package (`dist/code-cache`, read-only): used when `cacheDir` has none,
   * so that a first run after installing, or one with a fresh HOME, starts from compiled code
   * too. Each is named after the bundle's SHA-1, the version, the Node version and architecture.
   */
  packagedDir?: string
  /**
   * The package build's training run: read no cache, and write this run's into `packagedDir`
   * at exit.
   */
  buildPackaged?: boolean
  /**
   * The file is ASCII (the CLI's bundle is built so: esbuild escapes everything else): it is
   * decoded as Latin-1 without being scanned first. Otherwise an ASCII file is decoded as
   * Latin-1 and anything else as UTF-8.
   */
  ascii?: boolean
  /** Called just before the cache is made (e.g. to set V8's flags back to those it is read under). */
  beforeSave?: () => void
}

export interface CodeCacheRun {
  /** What the file put in `module.exports`. */
  exports: unknown
  /**
   * `missing`, `accepted` or `rejected` (by V8); `packaged` when the package's cache was
   * accepted; `off` without a cache directory.
   */
  cache: 'off' | 'missing' | 'accepted' | 'rejected' | 'packaged'
  /** The cache file read or to be written, when there is one. */
  cacheFile: string | undefined
  /**
   * Writes the cache now, from what has been compiled so far. Called at exit when the run had no
   * usable cache; a no-op without a cache directory.
   */
  saveCache(): void
}

/**
 * The cache directory: `$AGENT_CODE_CACHE_DIR`, else `$XDG_CACHE_HOME/agent/code-cache`, else
 * `~/.cache/agent/code-cache`. Undefined (no cache) when `NODE_DISABLE_COMPILE_CACHE` is set,
 * the variable that turns off Node's own compile cache, or when there is no home directory.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined
  if (env.AGENT_CODE_CACHE_DIR) return env.AGENT_CODE_CACHE_DIR
  const base = env.XDG_CACHE_HOME || (safeHomedir() && join(safeHomedir() as string, '.cache'))
  return base ? join(base, 'agent', 'code-cache') : undefined
}

/** Where the launcher's caches are written: paths a turn's snapshot must leave alone. */
export function launcherCachePaths(env: NodeJS.ProcessEnv): string[] {
  return [codeCacheDir(env), env.NODE_COMPILE_CACHE].filter((dir): dir is string => Boolean(dir))
}

/**
 * How a file can start to be run as it is: the function Node wraps every CommonJS module in. The
 * file then ends the function (`})`), and its value is what runs.
 */
export const MODULE_WRAPPER = '(function (exports, require, module, __filename, __dirname) { '

/**
 * Compiles and runs `options.file` as a CommonJS module, with its code cache when there is one.
 * The file must not use `import()`: on Node 20, functions restored from a code cache lose the
 * dynamic-import hook of their script (the CLI's bundle is built with `import()` turned into
 * `require`, and gets its one ES module, the UI, from the launcher).
 */
export function runWithCodeCache(options: CodeCacheOptions): CodeCacheRun {
  const { file } = options
  const bytes = readFileSync(file)
  // Decoding ASCII as Latin-1 skips the UTF-8 decoder (~3 ms for the CLI's bundle), and knowing
  // the file is ASCII skips the scan (~2.5 ms).
  const source = options.ascii || isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
  const userFile = options.cacheDir ? join(options.cacheDir, cacheName(options)) : undefined
  let cacheFile = userFile
  let cachedData = userFile && !options.buildPackaged ? readTrusted(userFile) : undefined
  let fromPackage = false
  if (!cachedData && options.packagedDir) {
    const packagedFile = join(options.packagedDir, packagedCacheName(options, bytes))
    if (options.buildPackaged) cacheFile = packagedFile
    else {
      cachedData = readTrusted(packagedFile, { rootMayOwn: true })
      fromPackage = cachedData !== undefined
      if (fromPackage) cacheFile = packagedFile
    }
  }

  // A file that is already a module wrapper is compiled as it is: wrapping it here would make
  // V8 copy the whole source into one flat string first (~5 ms for the CLI's bundle).
  const script = new vm.Script(source.startsWith(MODULE_WRAPPER) ? source : Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  })
  const cache = !cacheFile
    ? 'off'
    : !cachedData
      ? 'missing'
      : script.cachedDataRejected
        ? 'rejected'
        : fromPackage
          ? 'packaged'
          : 'accepted'
  // A package's cache that V8 refused (other V8 flags) leaves the user's cache to be written.
  if (cache === 'rejected' && fromPackage) cacheFile = userFile
  const saveCache = () => {
    if (!cacheFile) return
    options.beforeSave?.()
    writeCache(cacheFile, () => script.createCachedData(), !options.buildPackaged)
  }
  // At exit every function this run needed has been compiled: they all go into the cache.
  if (cache === 'missing' || cache === 'rejected') process.once('exit', saveCache)

  const module = new Module(file)
  module.filename = file
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(file),
  )
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  return { cache, cacheFile, saveCache, exports: module.exports }
}

function cacheName(options: CodeCacheOptions): string {
  const stat = statSync(options.file)
  // No dash in the profile: the last dash of a cache's name separates it (see removeStale).
  const profile = options.profile.replace(/[^a-z0-9]/gi, '_')
  return [
    basename(options.file),
    options.version,
    process.version,
    process.arch,
    stat.size,
    Math.round(stat.mtimeMs),
    profile,
  ].join('-')
}

/**
 * The name of a cache built with the package. The bundle's own SHA-1 (~1.5 ms for the CLI's)
 * rather than its size and time, which installing does not keep: a cache is only ever used with
 * the very bundle it was made from. V8 itself checks little more than the source's length.
 */
function packagedCacheName(options: CodeCacheOptions, bytes: Buffer): string {
  const profile = options.profile.replace(/[^a-z0-9]/gi, '_')
  const digest = createHash('sha1').update(bytes).digest('hex')
  return [basename(options.file), options.version, process.version, process.arch, digest, profile].join('-')
}

/** `user` false: a package's cache, readable by every user of the package and never pruned. */
function writeCache(cacheFile: string, data: () => Buffer, user = true): void {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: user ? 0o700 : 0o755 })
    // Written aside and renamed: two agents starting at once never read half a file.
    const partial = `${cacheFile}.${process.pid}.tmp`
    writeFileSync(partial, data(), { mode: user ? 0o600 : 0o644 })
    renameSync(partial, cacheFile)
    if (user) removeStale(cacheFile)
  } catch {
    // A read-only or full disk only costs the next start its cache.
  }
}

/**
 * Caches of older builds of the same file for the same profile: an upgrade (or a rebuild) would
 * otherwise leave a ~1 MB file behind each time.
 */
function removeStale(cacheFile: string): void {
  const name = basename(cacheFile)
  const bundle = name.slice(0, name.indexOf('-'))
  const profile = name.slice(name.lastIndexOf('-') + 1)
  for (const entry of readdirSync(dirname(cacheFile))) {
    if (entry !== name && entry.startsWith(`${bundle}-`) && entry.endsWith(`-${profile}`))
      rmSync(join(dirname(cacheFile), entry), { force: true })
  }
}

/**
 * The cache's bytes become running code, so only a file this user owns and nobody else may
 * write is read (a shared or misconfigured cache directory must not let another user plant one).
 * A package's cache may also be root's (a global install), like the bundle beside it.
 * Anything else counts as no cache, and is replaced at exit.
 */
function readTrusted(file: string, { rootMayOwn = false } = {}): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const stat = fstatSync(fd)
    const uid = process.getuid?.()
    const owner = uid === undefined || stat.uid === uid || (rootMayOwn && stat.uid === 0)
    if (!stat.isFile() || !owner || (stat.mode & 0o022) !== 0) return undefined
    return readFileSync(fd)
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined
  } catch {
    return undefined
  }
}
