import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defineConfig, type Options } from 'tsup'
import { MODULE_WRAPPER } from './src/launch/code-cache.js'
import { STARTUP_FLAGS } from './src/launch/v8-flags.js'

type Plugin = NonNullable<Options['esbuildPlugins']>[number]

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

const EXTERNAL = [
  'web-tree-sitter',
  '@vscode/tree-sitter-wasm',
  '@modelcontextprotocol/sdk',
  // The Restate SDK (with its wasm core, ~2 MB) is only needed by `agent durable`: kept out of cli.cjs.
  '@restatedev/restate-sdk',
  // Ink imports it only under DEV=true (React DevTools); it is not installed otherwise.
  'react-devtools-core',
]

// zod's namespace re-exports every locale (`z.locales`, ~260 KB minified, more than half of zod)
// and a namespace import keeps them all. Nothing here switches locale, and zod registers English
// itself, so `z.locales` is narrowed to English: the chunk every start loads gets that much smaller.
const zodWithoutLocales: Plugin = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? {
            path: fileURLToPath(new URL('../locales/en.js', pathToFileURL(args.importer))),
            namespace: 'zod-en',
          }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      resolveDir: dirname(args.path),
    }))
  },
}

const define = { __AGENT_VERSION__: JSON.stringify(version) }
// The V8 flags `agent` starts Node with: the heap's sizes, which only count as Node starts. The
// launcher sets them back to their defaults at once, and sets the session's other memory flags
// once start-up is over (src/launch/v8-flags.ts): V8 accepts a code cache, Node's own for its
// built-ins included, only under the flags it was made with, the defaults.
const LAUNCH_FLAGS = Object.keys(STARTUP_FLAGS)
const conditions = ['@agent/source', 'import', 'node']

// The `agent` binary is three builds (`pnpm build` empties dist/ first; the builds run at once):
//  - dist/agent.cjs, the launcher: answers --version, and runs cli.cjs with a V8 code cache
//    (src/launch). Node 20 caches no compiled code itself, and parsing and compiling the bundle
//    is a large part of every start.
//  - dist/cli.cjs, everything else the commands need, workspace packages and small dependencies
//    inlined. One CommonJS file, because only a classic script can take a code cache on Node 20.
//    Lazily imported modules stay lazy: esbuild evaluates them on first import.
//  - dist/tui.js and its chunks, the interactive UI as ES modules: Ink uses top-level await,
//    which CommonJS cannot hold. cli.cjs imports it at run time.
// A few packages stay outside the bundles: tree-sitter loads wasm files it finds next to its own
// modules, and the MCP SDK is large and only loaded when servers are configured.
const base = {
  platform: 'node',
  target: 'node20',
  clean: false,
  sourcemap: true,
  // Less to parse: minified code loads measurably faster on slow machines.
  minify: true,
  dts: false,
  external: EXTERNAL,
  noExternal: [new RegExp(`^(?!(${EXTERNAL.map((name) => name.replace('/', '\\/')).join('|')})(/|$))`)],
  define,
  esbuildPlugins: [zodWithoutLocales],
} satisfies Options

// cli.cjs never contains the UI: the launcher hands `main` a loader for dist/tui.js. The default
// loader's `import('@agent/tui')` stays in the bundle as an unused fallback that must not pull
// Ink in, so it points at the built file.
const tuiBundle: Plugin = {
  name: 'tui-bundle',
  setup(build) {
    build.onResolve({ filter: /^@agent\/tui$/ }, () => ({ path: './tui.js', external: true }))
  },
}

// Two large dependencies that a start never evaluates are files of their own, required when first
// used, so that no start reads, decodes and hashes them as part of cli.cjs: web_fetch's HTML →
// Markdown (turndown and its DOM, domino: ~240 KB, at the first HTML page a session fetches) and
// the Anthropic SDK (~430 KB, for sessions on an Anthropic provider; its code was compiled at its
// first use inside cli.cjs too, since the packaged code cache is trained on the default provider).
const ownFiles = {
  turndown: createRequire(new URL('../../packages/tools/package.json', import.meta.url)).resolve('turndown'),
  // Its ES module build, as inside cli.cjs before: esbuild drops what the client does not use.
  anthropic: createRequire(new URL('../../packages/models/package.json', import.meta.url))
    .resolve('@anthropic-ai/sdk')
    .replace(/index\.js$/, 'index.mjs'),
}
const ownFile: Plugin = {
  name: 'own-file',
  setup(build) {
    build.onResolve({ filter: /^turndown$/ }, () => ({ path: './turndown.cjs', external: true }))
    build.onResolve({ filter: /^@anthropic-ai\/sdk$/ }, () => ({ path: './anthropic.cjs', external: true }))
  },
}

export default defineConfig([
  {
    ...base,
    entry: { agent: 'src/launch/launcher.ts' },
    // CommonJS too: Node starts a CommonJS entry ~5 ms sooner than an ES module one.
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
    define: { ...define, 'import.meta.url': '__agentModuleUrl' },
    // Started as a program (`agent`, the package's bin), the file is a shell script that runs
    // Node on itself with the V8 flags the launcher wants (see src/launch/launcher.ts): the size of
    // the young generation can only be set as Node starts. To Node, the second line is a string
    // and a comment. `/usr/bin/env sh` rather than `/bin/sh`: publint (and some installers) only
    // take an env shebang as the mark of an executable bin.
    banner: {
      js: `#!/usr/bin/env sh\n':' //; exec node ${LAUNCH_FLAGS.join(' ')} "$0" "$@"\nvar __agentModuleUrl = require("node:url").pathToFileURL(__filename).href;`,
    },
    esbuildOptions(options) {
      options.conditions = conditions
    },
  },
  {
    ...base,
    entry: { cli: 'src/main.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
    // The workspace packages are ES modules that read `import.meta.url` (e.g. to find the bash
    // grammar); in the CommonJS bundle it is this file's URL.
    define: { ...define, 'import.meta.url': '__agentModuleUrl' },
    // The file is its own module wrapper (MODULE_WRAPPER of src/launch/code-cache.ts), which the
    // launcher compiles as it is: wrapping 1.6 MB of source at each start would copy it again.
    banner: {
      js: `${MODULE_WRAPPER}var __agentModuleUrl = require("node:url").pathToFileURL(__filename).href;`,
    },
    footer: { js: '})' },
    esbuildOptions(options) {
      options.conditions = conditions
      // Functions restored from a V8 code cache cannot `import()` on Node 20 (see
      // launch/code-cache.ts): esbuild turns every import() into require(), which loads the
      // packages kept external through their CommonJS builds (web-tree-sitter, the MCP SDK).
      options.supported = { ...options.supported, 'dynamic-import': false }
      // Non-ASCII characters escaped: the launcher reads an ASCII bundle faster (as Latin-1).
      options.charset = 'ascii'
    },
    esbuildPlugins: [zodWithoutLocales, tuiBundle, ownFile],
  },
  {
    ...base,
    entry: { tui: 'src/tui.ts' },
    format: ['esm'],
    splitting: true,
    banner: {
      js: "import { createRequire as __agentCreateRequire } from 'node:module';\nconst require = __agentCreateRequire(import.meta.url);",
    },
    esbuildOptions(options) {
      options.conditions = conditions
    },
  },
  {
    ...base,
    entry: { turndown: ownFiles.turndown },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
  },
  {
    ...base,
    entry: { anthropic: ownFiles.anthropic },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
    // cli.cjs reads `(await import('@anthropic-ai/sdk')).default`, which esbuild turns into a
    // require() whose `default` is module.exports (Node's rule for a CommonJS file): the module's
    // value is the client class, as `import` gives it.
    footer: { js: 'module.exports = module.exports.default;' },
  },
])
