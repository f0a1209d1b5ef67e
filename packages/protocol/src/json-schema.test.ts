import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { publicSchemas, toJsonSchema } from './json-schema.js'

describe('generated JSON Schema', () => {
  for (const name of Object.keys(publicSchemas) as (keyof typeof publicSchemas)[]) {
    it(`schema/${name}.schema.json is up to date (run \`pnpm gen:schema\` if not)`, () => {
      const onDisk = JSON.parse(
        readFileSync(new URL(`../schema/${name}.schema.json`, import.meta.url), 'utf8'),
      )
      expect(onDisk).toEqual(toJsonSchema(name))
    })
  }

  it('describes the op union by its type discriminator', () => {
    const schema = toJsonSchema('submission') as {
      properties: { op: { oneOf?: unknown[]; anyOf?: unknown[] } }
    }
    const variants = schema.properties.op.oneOf ?? schema.properties.op.anyOf ?? []
    expect(variants.length).toBe(9)
  })
})
