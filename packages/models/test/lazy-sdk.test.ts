// The SDKs must load only when a client of their wire first streams, so the CLI's start-up does
// not pay for providers it does not use: no module may import them statically.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'

const srcDir = path.resolve(import.meta.dirname, '../src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

test('openai and @anthropic-ai/sdk are only imported dynamically', () => {
  const files = sources(srcDir)
  expect(files.length).toBeGreaterThan(10)
  const dynamic: string[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const statics = text.match(
      /^\s*(import|export)\s+(?!type\b)[^;]*?from\s+['"](openai|@anthropic-ai\/sdk)(\/[^'"]*)?['"]/gm,
    )
    expect(statics, path.relative(srcDir, file)).toBeNull()
    for (const match of text.matchAll(/import\(['"](openai|@anthropic-ai\/sdk)['"]\)/g))
      dynamic.push(match[1] as string)
  }
  expect(dynamic.sort()).toEqual(['@anthropic-ai/sdk', 'openai', 'openai'])
})
