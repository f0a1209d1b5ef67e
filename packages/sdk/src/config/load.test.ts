import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from './errors.js'
import { loadConfig } from './load.js'
import { parseOverride } from './overrides.js'
import { webSearchMode } from './schema.js'

// Every temp directory a test makes goes when the test is done.
const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function setup(user?: string, project?: string) {
  const root = mkdtempSync(join(tmpdir(), 'agent-config-'))
  roots.push(root)
  const home = join(root, 'home')
  const repo = join(root, 'repo')
  mkdirSync(join(home, '.agent'), { recursive: true })
  mkdirSync(join(repo, '.git'), { recursive: true })
  mkdirSync(join(repo, 'src', 'deep'), { recursive: true })
  if (user !== undefined) writeFileSync(join(home, '.agent', 'config.toml'), user)
  if (project !== undefined) {
    mkdirSync(join(repo, '.agent'))
    writeFileSync(join(repo, '.agent', 'config.toml'), project)
  }
  return { home, repo, env: { HOME: home } }
}

function expectConfigError(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('merges user, project and -c overrides in that order', () => {
    const { repo, env, home } = setup(
      'model = "gpt-5"\napproval_policy = "on-request"\n[sandbox_workspace_write]\nwritable_roots = ["/data"]\n',
      'approval_policy = "never"\n[sandbox_workspace_write]\nnetwork_access = true\n',
    )
    // The repository is trusted, so its config applies whole (see trust.test.ts for the rest).
    appendFileSync(join(home, '.agent', 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`)
    const loaded = loadConfig({
      cwd: join(repo, 'src', 'deep'),
      env,
      overrides: ['model=o4-mini', 'mcp_servers.fs.command="npx"', 'toolset=claude'],
    })
    expect(loaded.files).toEqual([join(home, '.agent', 'config.toml'), join(repo, '.agent', 'config.toml')])
    expect(loaded.config.model).toBe('o4-mini')
    expect(loaded.config.approval_policy).toBe('never')
    expect(loaded.config.sandbox_workspace_write).toEqual({
      writable_roots: ['/data'],
      network_access: true,
      allowed_domains: [],
    })
    expect(loaded.config.toolset).toBe('claude')
    expect(loaded.config.mcp_servers.fs).toMatchObject({ command: 'npx' })
  })

  it('merges a table (the SDK config object) after the files and before -c; readFiles: false skips the files', () => {
    const { repo, env } = setup('model = "from-file"\n[sandbox_workspace_write]\nnetwork_access = true\n')
    const table = { model: 'from-table', sandbox_workspace_write: { writable_roots: ['/x'] } }
    const loaded = loadConfig({ cwd: repo, env, table, overrides: ['toolset=claude'] })
    expect(loaded.config.model).toBe('from-table')
    expect(loaded.config.sandbox_workspace_write).toEqual({
      writable_roots: ['/x'],
      network_access: true,
      allowed_domains: [],
    })
    expect(loaded.config.toolset).toBe('claude')
    const bare = loadConfig({ cwd: repo, env, table, readFiles: false })
    expect(bare.files).toEqual([])
    expect(bare.config.sandbox_workspace_write).toEqual({
      writable_roots: ['/x'],
      network_access: false,
      allowed_domains: [],
    })
    const bad = expectConfigError(() => loadConfig({ cwd: repo, env, table: { toolset: 'vim' } }))
    expect(bad.keyPath).toBe('toolset')
  })

  it('reads the allowed domains and names a bad entry', () => {
    const good = setup(
      '[sandbox_workspace_write]\nallowed_domains = ["docs.rs", "*.npmjs.org", "127.0.0.1"]\n',
    )
    expect(
      loadConfig({ cwd: good.repo, env: good.env }).config.sandbox_workspace_write?.allowed_domains,
    ).toEqual(['docs.rs', '*.npmjs.org', '127.0.0.1'])
    const bad = setup('[sandbox_workspace_write]\nallowed_domains = ["https://docs.rs/x"]\n')
    expect(() => loadConfig({ cwd: bad.repo, env: bad.env })).toThrow(/allowed_domains[\s\S]*use a host name/)
  })

  it('reads web_search, its older Codex forms, and names a bad mode', () => {
    const dirs: string[] = []
    const mode = (user: string, overrides: string[] = []) => {
      const ws = setup(user)
      dirs.push(join(ws.home, '..'))
      return webSearchMode(loadConfig({ cwd: ws.repo, env: ws.env, overrides }).config)
    }
    try {
      expect(mode('')).toBe('disabled')
      expect(mode('web_search = "cached"\n')).toBe('cached')
      expect(mode('[tools]\nweb_search = true\n')).toBe('live')
      expect(mode('[features]\nweb_search_request = true\n')).toBe('live')
      expect(mode('[features]\nweb_search_cached = true\n')).toBe('cached')
      // The explicit key wins over the older forms; a -c override (what @openai/codex-sdk passes) over both.
      expect(mode('web_search = "disabled"\n[tools]\nweb_search = true\n')).toBe('disabled')
      expect(mode('web_search = "cached"\n', ['web_search="live"'])).toBe('live')
      const bad = setup('web_search = "always"\n')
      dirs.push(join(bad.home, '..'))
      expect(() => loadConfig({ cwd: bad.repo, env: bad.env })).toThrow(/web_search[\s\S]*"live"/)
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    }
  })

  it('honours AGENT_HOME', () => {
    const { repo } = setup()
    const agentHome = mkdtempSync(join(tmpdir(), 'agent-home-'))
    roots.push(agentHome)
    writeFileSync(join(agentHome, 'config.toml'), 'model = "from-agent-home"\n')
    const loaded = loadConfig({ cwd: repo, env: { AGENT_HOME: agentHome } })
    expect(loaded.config.model).toBe('from-agent-home')
    expect(loaded.agentHome).toBe(agentHome)
  })

  it('names the file, the key path and what was expected', () => {
    const { repo, env, home } = setup('sandbox_mode = "yolo"\n')
    const error = expectConfigError(() => loadConfig({ cwd: repo, env }))
    expect(error.file).toBe(join(home, '.agent', 'config.toml'))
    expect(error.keyPath).toBe('sandbox_mode')
    expect(error.message).toContain(`${join(home, '.agent', 'config.toml')}: sandbox_mode:`)
    expect(error.message).toContain('workspace-write')
  })

  it('reports unknown keys and TOML syntax errors with their location', () => {
    const typo = setup(undefined, 'sandbox_mdoe = "read-only"\n')
    const unknown = expectConfigError(() => loadConfig({ cwd: typo.repo, env: typo.env }))
    expect(unknown.message).toMatch(/config\.toml: sandbox_mdoe: unknown key/)

    const broken = setup('model = "unterminated\n')
    const syntax = expectConfigError(() => loadConfig({ cwd: broken.repo, env: broken.env }))
    expect(syntax.message).toMatch(/config\.toml:1:\d+: invalid TOML/)
  })

  it('validates nested sections with the owning package schema', () => {
    const { repo, env } = setup('[mcp_servers.db]\nargs = ["x"]\n')
    const error = expectConfigError(() => loadConfig({ cwd: repo, env }))
    expect(error.message).toContain('mcp_servers.db')
  })

  it('rejects a bad -c override', () => {
    const { repo, env } = setup()
    expect(
      expectConfigError(() => loadConfig({ cwd: repo, env, overrides: ['approval_policy=sometimes'] }))
        .message,
    ).toContain('config (with -c overrides): approval_policy:')
    expect(expectConfigError(() => loadConfig({ cwd: repo, env, overrides: ['novalue'] })).message).toContain(
      'expected key.path=value',
    )
  })
})

describe('parseOverride', () => {
  it('parses values as TOML, falling back to a string', () => {
    expect(parseOverride('a.b=true')).toEqual({ path: ['a', 'b'], value: true })
    expect(parseOverride('rules=["x.rules"]')).toEqual({ path: ['rules'], value: ['x.rules'] })
    expect(parseOverride('model=gpt-5-codex')).toEqual({ path: ['model'], value: 'gpt-5-codex' })
    expect(parseOverride('model_context_window=200000')).toEqual({
      path: ['model_context_window'],
      value: 200000,
    })
  })
})
