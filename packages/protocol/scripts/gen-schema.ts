// Writes the JSON Schema of every public message to schema/<name>.schema.json.
// Run: pnpm --filter @agent/protocol gen:schema   (a test fails when the files are stale)
import { mkdirSync, writeFileSync } from 'node:fs'
import { publicSchemas, toJsonSchema } from '../src/json-schema.js'

const dir = new URL('../schema/', import.meta.url)
mkdirSync(dir, { recursive: true })
for (const name of Object.keys(publicSchemas) as (keyof typeof publicSchemas)[]) {
  writeFileSync(new URL(`${name}.schema.json`, dir), `${JSON.stringify(toJsonSchema(name), null, 2)}\n`)
}
console.log(`wrote ${Object.keys(publicSchemas).length} schemas to schema/`)
