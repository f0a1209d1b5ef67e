import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defineConfig, type Options } from 'tsup'

type Plugin = NonNullable<Options['esbuildPlugins']>[number]

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

const EXTERNAL = [
  'web-tree-sitter',
  '@vscode/tree-sitter-wasm',
  '@modelcontextprotocol/sdk',
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

// The CLI is bundled (workspace packages and small dependencies inlined) so that start-up
// reads one file; heavy modules are imported lazily and land in separate chunks.
export default defineConfig({
  entry: { agent: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // Less to parse at every start: minified chunks load measurably faster on slow machines.
  minify: true,
  splitting: true,
  dts: false,
  // Everything is inlined except these packages (direct dependencies of the CLI): tree-sitter
  // loads wasm files it finds next to its own modules, and the MCP SDK is large and only loaded
  // when servers are configured. The provider SDKs are inlined: they sit on the path to the
  // first model request, and one lazily imported chunk loads far faster than the ~300 small
  // modules they ship as (every one resolved, read and compiled on its own).
  noExternal: [new RegExp(`^(?!(${EXTERNAL.map((name) => name.replace('/', '\\/')).join('|')})(/|$))`)],
  external: EXTERNAL,
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __agentCreateRequire } from 'node:module';\nconst require = __agentCreateRequire(import.meta.url);",
  },
  define: { __AGENT_VERSION__: JSON.stringify(version) },
  esbuildOptions(options) {
    options.conditions = ['@agent/source', 'import', 'node']
  },
  esbuildPlugins: [zodWithoutLocales],
})
