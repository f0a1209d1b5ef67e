// Enforces the dependency direction of ARCHITECTURE.md: which workspace package may depend on
// (and import) which. Checked from package.json dependencies and from the import statements of
// every non-test source file, so the picture cannot rot.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

/** Workspace packages each package may use at run time. Test files may use dev dependencies. */
const allowed: Record<string, string[]> = {
  '@agent/protocol': [],
  '@agent/exec': ['@agent/protocol'],
  '@agent/policy': ['@agent/protocol'],
  // The static bwrap for machines without bubblewrap, an optional dependency (no code).
  '@agent/sandbox': ['@agent/protocol', '@agent/sandbox-linux-x64'],
  '@agent/sandbox-linux-x64': [],
  '@agent/models': ['@agent/protocol'],
  '@agent/mcp': ['@agent/protocol'],
  // The hook runner runs hook commands through exec (ARCHITECTURE.md allows this one edge).
  '@agent/plugins': ['@agent/protocol', '@agent/exec'],
  // core declares ports and receives implementations; it never imports a leaf.
  '@agent/core': ['@agent/protocol'],
  // The built-in tools implement core's tool contract (types from core); core does not import
  // them, the CLI injects them. They may run helper processes (ripgrep, git) through exec.
  '@agent/tools': ['@agent/protocol', '@agent/core', '@agent/exec'],
  // The UI talks to an agent only through the protocol.
  '@agent/tui': ['@agent/protocol'],
  // The ACP server, like the UI, talks to an agent only through the protocol (the host gives it
  // connections); it never imports core.
  '@agent/acp': ['@agent/protocol'],
  // Durable sessions adapt core's journal and approval ports to Restate structurally: the agent
  // factory is injected by the composition root, so restate never imports core.
  '@agent/restate': ['@agent/protocol'],
  // The composition root knows every concrete package.
  '@agent/sdk': ['*'],
  // The CLI builds on the composition in sdk (it constructs no model client or runner itself);
  // it still uses packages directly for printing and for its own subcommands (the UI, sessions,
  // `agent policy`, `agent sandbox`, `agent apply-patch`, `agent mcp`, `agent plugins`, `agent acp`).
  '@agent/cli': [
    '@agent/sdk',
    '@agent/protocol',
    '@agent/core',
    '@agent/tui',
    '@agent/acp',
    '@agent/plugins',
    '@agent/mcp',
    '@agent/policy',
    '@agent/sandbox',
    '@agent/tools',
    // `agent durable`: the worker (session object) and the ingress client.
    '@agent/restate',
  ],
}

interface Pkg {
  name: string
  dir: string
  deps: string[]
}

function workspacePackages(): Pkg[] {
  const out: Pkg[] = []
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group))) {
      const dir = join(root, group, entry)
      let manifest: {
        name: string
        dependencies?: Record<string, string>
        optionalDependencies?: Record<string, string>
        peerDependencies?: Record<string, string>
      }
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      } catch {
        continue
      }
      const deps = Object.keys({
        ...manifest.dependencies,
        ...manifest.optionalDependencies,
        ...manifest.peerDependencies,
      })
      out.push({ name: manifest.name, dir, deps })
    }
  }
  return out
}

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry === 'dist') continue
      const p = join(d, entry)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(ts|tsx|mts)$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !p.includes('/test/'))
        files.push(p)
    }
  }
  // A package of prebuilt files only (a platform binary) has no sources.
  if (existsSync(join(dir, 'src'))) walk(join(dir, 'src'))
  return files
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function workspaceImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? ''
    const match = /^(@agent\/[^/]+)/.exec(spec)
    if (match?.[1]) found.push(match[1])
  }
  return found
}

const packages = workspacePackages()
const isAllowed = (from: string, to: string) => {
  const rule = allowed[from]
  return rule !== undefined && (rule.includes('*') || rule.includes(to))
}

describe('dependency direction (ARCHITECTURE.md)', () => {
  it('knows every workspace package', () => {
    for (const pkg of packages)
      expect(Object.keys(allowed), `add ${pkg.name} to the rules`).toContain(pkg.name)
  })

  for (const pkg of packages) {
    it(`${pkg.name}: package.json depends only on allowed workspace packages`, () => {
      const bad = pkg.deps.filter((d) => d.startsWith('@agent/') && !isAllowed(pkg.name, d))
      expect(bad, `${pkg.name} must not depend on ${bad.join(', ')}`).toEqual([])
    })

    it(`${pkg.name}: source files import only allowed workspace packages`, () => {
      const bad: string[] = []
      for (const file of sourceFiles(pkg.dir)) {
        for (const target of workspaceImports(file)) {
          if (target !== pkg.name && !isAllowed(pkg.name, target))
            bad.push(`${relative(root, file)} imports ${target}`)
        }
      }
      expect(bad).toEqual([])
    })
  }

  it('detects a forbidden import (self-check of the scanner)', () => {
    expect(isAllowed('@agent/core', '@agent/exec')).toBe(false)
    const sample =
      "import { x } from '@agent/exec'\nexport * from '@agent/sandbox/linux'\nconst m = await import('@agent/models')"
    expect([...sample.matchAll(importRe)].map((m) => m[1] ?? m[2])).toEqual([
      '@agent/exec',
      '@agent/sandbox/linux',
      '@agent/models',
    ])
  })
})
