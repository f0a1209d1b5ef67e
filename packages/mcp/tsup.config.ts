import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', config: 'src/config-entry.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
})
