// Core's modules form no import cycle (type-only imports included): the turn loop's parts depend
// on `SessionContext`, never back on `session.ts`. A cycle found here is named with its path.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** Relative imports and re-exports of one file, resolved to source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gms)]
  return specifiers.map((m) => resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')))
}

/** Every elementary cycle's first occurrence, as module paths relative to src. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return cycles.map((cycle) => cycle.map((p) => relative(SRC, p)))
}

describe('core module graph', () => {
  it('has no import cycle', () => {
    const files = sourceFiles(SRC)
    const graph = new Map(files.map((f) => [f, importsOf(f)]))
    expect(files.length).toBeGreaterThan(30)
    expect(graph.get(join(SRC, 'agent/session.ts'))).toContain(join(SRC, 'agent/turn.ts'))
    expect(findCycles(graph)).toEqual([])
  })

  it('the cycle finder finds a cycle', () => {
    const graph = new Map([
      [join(SRC, 'a.ts'), [join(SRC, 'b.ts')]],
      [join(SRC, 'b.ts'), [join(SRC, 'c.ts')]],
      [join(SRC, 'c.ts'), [join(SRC, 'a.ts')]],
    ])
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
  })
})
