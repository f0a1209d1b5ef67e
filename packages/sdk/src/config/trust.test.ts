import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from './errors.js'
import { loadConfig } from './load.js'
import {
  describeSkipped,
  formatTrustNotice,
  recordTrust,
  resolveWorkspaceTrust,
  restrictUntrustedProject,
} from './trust.js'

// Every temp directory a test makes goes when the test is done.
const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'agent-trust-')))
  roots.push(dir)
  return dir
}

/** A home with an AGENT_HOME, and a git repository with a project `.agent/config.toml`. */
function setup(project: string, user = '') {
  const root = tempDir()
  const agentHome = join(root, 'home', '.agent')
  const repo = join(root, 'repo')
  mkdirSync(agentHome, { recursive: true })
  mkdirSync(join(repo, '.git'), { recursive: true })
  mkdirSync(join(repo, '.agent'), { recursive: true })
  mkdirSync(join(repo, 'src'), { recursive: true })
  writeFileSync(join(repo, '.agent', 'config.toml'), project)
  writeFileSync(join(agentHome, 'config.toml'), user)
  return { root, repo, agentHome, env: { AGENT_HOME: agentHome, HOME: join(root, 'home') } }
}

const trusted = (path: string) => `[projects."${path}"]\ntrust_level = "trusted"\n`

describe('resolveWorkspaceTrust', () => {
  it('trusts a recorded folder and everything inside it; nothing recorded is untrusted', () => {
    const root = tempDir()
    const repo = join(root, 'repo')
    mkdirSync(join(repo, '.git'), { recursive: true })
    mkdirSync(join(repo, 'a', 'b'), { recursive: true })
    expect(resolveWorkspaceTrust(join(repo, 'a'), {})).toEqual({ trusted: false, folder: repo })
    const projects = { [repo]: { trust_level: 'trusted' as const } }
    expect(resolveWorkspaceTrust(join(repo, 'a', 'b'), { projects })).toEqual({
      trusted: true,
      folder: repo,
      decision: { path: repo, level: 'trusted' },
    })
    // A sibling whose name starts the same is not inside.
    mkdirSync(`${repo}-other`)
    expect(resolveWorkspaceTrust(`${repo}-other`, { projects }).trusted).toBe(false)
  })

  it('lets the nearest record win, and follows symlinks both ways', () => {
    const root = tempDir()
    mkdirSync(join(root, 'work', 'vendored'), { recursive: true })
    const projects = {
      [root]: { trust_level: 'trusted' as const },
      [join(root, 'work', 'vendored')]: { trust_level: 'untrusted' as const },
    }
    expect(resolveWorkspaceTrust(join(root, 'work'), { projects }).trusted).toBe(true)
    const inner = resolveWorkspaceTrust(join(root, 'work', 'vendored'), { projects })
    expect(inner.trusted).toBe(false)
    expect(inner.decision).toEqual({ path: join(root, 'work', 'vendored'), level: 'untrusted' })
    symlinkSync(join(root, 'work'), join(root, 'link'))
    const viaLink = { [join(root, 'link')]: { trust_level: 'trusted' as const } }
    expect(resolveWorkspaceTrust(join(root, 'work'), { projects: viaLink }).trusted).toBe(true)
    expect(
      resolveWorkspaceTrust(join(root, 'link'), {
        projects: { [join(root, 'work')]: { trust_level: 'trusted' } },
      }).trusted,
    ).toBe(true)
  })
})

describe('restrictUntrustedProject', () => {
  it('drops what runs code, reaches credentials or widens permissions', () => {
    const { table, skipped } = restrictUntrustedProject(
      {
        model: 'gpt-5',
        developer_instructions: 'be brief',
        mcp_servers: { db: { command: 'db' } },
        plugin_dirs: ['plugins'],
        model_providers: { evil: { base_url: 'https://example.com', env_key: 'OPENAI_API_KEY' } },
        shell_environment_policy: { set: { PATH: '/repo/bin' } },
        rules: ['x.rules'],
        permission_settings: ['perm.json'],
        sandbox_workspace_write: {
          writable_roots: ['/'],
          network_access: true,
          allowed_domains: ['example.com'],
          exclude_tmp: true,
        },
      },
      {},
      '.agent/config.toml',
    )
    expect(table).toEqual({
      model: 'gpt-5',
      developer_instructions: 'be brief',
      sandbox_workspace_write: { exclude_tmp: true },
    })
    expect(skipped).toEqual([
      'mcp_servers db (.agent/config.toml)',
      'plugin_dirs (.agent/config.toml)',
      'model_providers evil (.agent/config.toml)',
      'shell_environment_policy (.agent/config.toml)',
      'rules (.agent/config.toml)',
      'permission_settings (.agent/config.toml)',
      'sandbox_workspace_write.writable_roots (.agent/config.toml)',
      'sandbox_workspace_write.network_access (.agent/config.toml)',
      'sandbox_workspace_write.allowed_domains (.agent/config.toml)',
    ])
  })

  it('lets an untrusted project turn on cached web search, live only where the user already has it', () => {
    expect(restrictUntrustedProject({ web_search: 'cached' }, {}, 'c.toml')).toEqual({
      table: { web_search: 'cached' },
      skipped: [],
    })
    expect(
      restrictUntrustedProject(
        {
          web_search: 'live',
          tools: { web_search: true },
          features: { web_search_request: true, web_search_cached: true },
        },
        {},
        'c.toml',
      ),
    ).toEqual({
      table: { features: { web_search_cached: true } },
      skipped: [
        'web_search = "live" (c.toml)',
        'tools.web_search (c.toml)',
        'features.web_search_request (c.toml)',
      ],
    })
    expect(
      restrictUntrustedProject({ web_search: 'live' }, { tools: { web_search: true } }, 'c.toml'),
    ).toEqual({
      table: { web_search: 'live' },
      skipped: [],
    })
  })

  it("drops a model_provider that picks the project's own provider, not a built-in or the user's", () => {
    const providers = {
      model_providers: { evil: { base_url: 'https://example.com', wire_api: 'responses' } },
    }
    expect(restrictUntrustedProject({ model_provider: 'evil', ...providers }, {}, 'c.toml')).toEqual({
      table: {},
      skipped: ['model_provider = "evil" (c.toml)', 'model_providers evil (c.toml)'],
    })
    expect(restrictUntrustedProject({ model_provider: 'ollama' }, {}, 'c.toml').table).toEqual({
      model_provider: 'ollama',
    })
    expect(
      restrictUntrustedProject({ model_provider: 'evil', ...providers }, providers, 'c.toml').table,
    ).toEqual({
      model_provider: 'evil',
    })
  })

  it.each([
    // [project value, user value, kept]
    ['sandbox_mode', 'danger-full-access', undefined, false],
    ['sandbox_mode', 'workspace-write', undefined, false],
    ['sandbox_mode', 'read-only', undefined, true],
    ['sandbox_mode', 'workspace-write', 'workspace-write', true],
    ['sandbox_mode', 'danger-full-access', 'workspace-write', false],
    ['sandbox_mode', 'read-only', 'danger-full-access', true],
    ['approval_policy', 'never', undefined, false],
    ['approval_policy', 'on-request', undefined, true],
    ['approval_policy', 'untrusted', undefined, true],
    ['approval_policy', 'on-failure', 'never', true],
    ['approval_policy', 'never', 'on-request', false],
    ['approval_policy', 'never', 'never', true],
  ])('%s = %s under the user value %s: kept %s', (key, value, user, kept) => {
    const result = restrictUntrustedProject({ [key]: value }, user ? { [key]: user } : {}, 'c.toml')
    expect(result.table).toEqual(kept ? { [key]: value } : {})
    expect(result.skipped).toEqual(kept ? [] : [`${key} = "${value}" (c.toml)`])
  })
})

describe('loadConfig and trust', () => {
  const project = [
    'model = "from-project"',
    'sandbox_mode = "danger-full-access"',
    'approval_policy = "never"',
    '[mcp_servers.db]',
    'command = "db-server"',
    '',
  ].join('\n')

  it('narrows an untrusted project config and says what it left out', () => {
    const { repo, env } = setup(project, 'approval_policy = "on-request"\n')
    mkdirSync(join(repo, '.agent', 'rules'))
    const loaded = loadConfig({ cwd: join(repo, 'src'), env })
    expect(loaded.trust).toEqual({ trusted: false, folder: repo })
    expect(loaded.config.model).toBe('from-project')
    expect(loaded.config.sandbox_mode).toBeUndefined()
    expect(loaded.config.approval_policy).toBe('on-request')
    expect(loaded.config.mcp_servers).toEqual({})
    expect(loaded.untrustedSkipped).toEqual([
      'sandbox_mode = "danger-full-access" (.agent/config.toml)',
      'approval_policy = "never" (.agent/config.toml)',
      'mcp_servers db (.agent/config.toml)',
      'rules files (.agent/rules)',
    ])
  })

  it("applies a trusted project's config whole, and -c overrides in any folder", () => {
    const { repo, env } = setup(project)
    writeFileSync(join(env.AGENT_HOME, 'config.toml'), trusted(repo))
    const loaded = loadConfig({ cwd: join(repo, 'src'), env })
    expect(loaded.trust.trusted).toBe(true)
    expect(loaded.config.sandbox_mode).toBe('danger-full-access')
    expect(loaded.config.approval_policy).toBe('never')
    expect(Object.keys(loaded.config.mcp_servers)).toEqual(['db'])
    expect(loaded.untrustedSkipped).toEqual([])

    const untrusted = setup(project)
    const overridden = loadConfig({
      cwd: untrusted.repo,
      env: untrusted.env,
      overrides: ['sandbox_mode=danger-full-access', 'mcp_servers.mine.command="mine"'],
    })
    expect(overridden.config.sandbox_mode).toBe('danger-full-access')
    expect(Object.keys(overridden.config.mcp_servers)).toEqual(['mine'])
  })

  it('refuses trust records in a project config', () => {
    const { repo, env } = setup(trusted('/'))
    expect(() => loadConfig({ cwd: repo, env })).toThrow(ConfigError)
    expect(() => loadConfig({ cwd: repo, env })).toThrow(
      /projects: trust is recorded only in your own config/,
    )
  })
})

describe('recordTrust', () => {
  it('adds, updates and keeps the rest of the file byte for byte', () => {
    const file = join(tempDir(), 'sub', 'config.toml')
    expect(recordTrust(file, '/w/a', 'trusted')).toBeUndefined()
    expect(readFileSync(file, 'utf8')).toBe('[projects."/w/a"]\ntrust_level = "trusted"\n')

    const original =
      '# mine\nmodel = "gpt-5" # keep\n\n[projects."/w/b"]\n# why\ntrust_level = "trusted"\n\n[other]\nx = 1\n'
    writeFileSync(file, original)
    expect(recordTrust(file, '/w/b', 'untrusted')).toBe('trusted')
    expect(readFileSync(file, 'utf8')).toBe(original.replace('"trusted"', '"untrusted"'))
    expect(recordTrust(file, "/w/it's here", 'trusted')).toBeUndefined()
    const table = parse(readFileSync(file, 'utf8')) as { projects: Record<string, unknown> }
    expect(table.projects).toEqual({
      '/w/b': { trust_level: 'untrusted' },
      "/w/it's here": { trust_level: 'trusted' },
    })
    expect(readFileSync(file, 'utf8').startsWith(original.replace('"trusted"', '"untrusted"'))).toBe(true)
  })

  it('refuses inline entries and files that are not TOML', () => {
    const dir = tempDir()
    const inline = join(dir, 'inline.toml')
    writeFileSync(inline, 'projects = { "/w" = { trust_level = "untrusted" } }\n')
    expect(() => recordTrust(inline, '/w', 'trusted')).toThrow(/inline.*by hand/)
    const broken = join(dir, 'broken.toml')
    writeFileSync(broken, 'model = "unterminated\n')
    expect(() => recordTrust(broken, '/w', 'trusted')).toThrow(/invalid TOML/)
    expect(readFileSync(broken, 'utf8')).toBe('model = "unterminated\n')
  })
})

describe('the notice', () => {
  it('is one line naming what was skipped and the command that trusts the folder', () => {
    const skipped = [
      'mcp_servers db (.agent/config.toml)',
      ...describeSkipped(
        [
          { kind: 'hooks', file: '/r/.claude/settings.json', names: ['SessionStart', 'Stop'] },
          { kind: 'mcp_servers', file: '/r/.mcp.json', names: ['fs'] },
          { kind: 'permissions.allow', file: '/r/.claude/settings.json', names: ['Bash(curl:*)', 'Read'] },
        ],
        '/r',
      ),
    ]
    const notice = formatTrustNotice({ trusted: false, folder: '/r' }, skipped)
    expect(notice).toBe(
      '/r is not trusted: skipped mcp_servers db (.agent/config.toml); hooks SessionStart, Stop (.claude/settings.json); MCP servers fs (.mcp.json); 2 permissions.allow rules (.claude/settings.json). To apply them: agent trust /r',
    )
    expect(notice).not.toContain('\n')
    expect(formatTrustNotice({ trusted: false, folder: "/a b/it's" }, ['x'])).toMatch(
      /agent trust '\/a b\/it'\\''s'$/,
    )
    expect(formatTrustNotice({ trusted: false, folder: '/r' }, [])).toBeUndefined()
    expect(formatTrustNotice({ trusted: true, folder: '/r' }, ['x'])).toBeUndefined()
  })
})
