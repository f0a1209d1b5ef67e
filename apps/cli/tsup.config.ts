import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

const EXTERNAL = [
  'web-tree-sitter',
  '@vscode/tree-sitter-wasm',
  'openai',
  '@anthropic-ai/sdk',
  '@modelcontextprotocol/sdk',
  // Ink imports it only under DEV=true (React DevTools); it is not installed otherwise.
  'react-devtools-core',
]

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
  // loads wasm files it finds next to its own modules, and the provider and MCP SDKs are large,
  // only ever imported lazily, and are best loaded exactly as their authors ship them.
  noExternal: [new RegExp(`^(?!(${EXTERNAL.map((name) => name.replace('/', '\\/')).join('|')})(/|$))`)],
  external: EXTERNAL,
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __agentCreateRequire } from 'node:module';\nconst require = __agentCreateRequire(import.meta.url);",
  },
  define: { __AGENT_VERSION__: JSON.stringify(version) },
  esbuildOptions(options) {
    options.conditions = ['@agent/source', 'import', 'node']
  },
})
