import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The version the runtime reports (MCP client info, session meta). The CLI bundles these
  // sources itself and defines its own.
  define: { __AGENT_VERSION__: JSON.stringify(version) },
})
