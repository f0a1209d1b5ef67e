// Plugins enabled the Claude Code way: a fake ~/.claude/plugins (installed_plugins.json,
// known_marketplaces.json, cache/), a local marketplace with path-source and strict:false
// entries, enabledPlugins in user and project settings, workspace trust, and the lenient
// frontmatter reading published plugins need.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadPlugins } from './loader.js'
import { json, type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

/** An agent whose description runs over many unquoted lines, as in Claude Code's official plugins. */
const multiLineAgent = `---
name: agent-creator
description: Use this agent when the user asks to "create an agent". Examples:

<example>
Context: User wants a reviewer
user: "Create an agent that reviews code"
assistant: "I'll use the agent-creator agent."
</example>
model: sonnet
color: magenta
tools: ["Write", "Read"]
---
You create agents.
`

/** A skill named with spaces and capitals, as `plugin-dev`'s are. */
const spacedSkill =
  '---\nname: Hook Development\ndescription: How to write hooks\nversion: 0.1.0\n---\nHooks are...\n'

function writeClaudeHome() {
  const home = tree.path('home')
  const cache = tree.path('home/.claude/plugins/cache/official/plugin-dev/1.0.0')
  const marketplace = tree.path('home/.claude/plugins/marketplaces/official')
  tree.write({
    // Claude Code's records of what is installed and where its marketplaces are.
    'home/.claude/plugins/installed_plugins.json': json({
      version: 2,
      plugins: {
        'plugin-dev@official': [{ scope: 'user', installPath: cache, version: '1.0.0' }],
        'other-project@official': [
          { scope: 'project', projectPath: tree.path('elsewhere'), installPath: cache, version: '1.0.0' },
        ],
      },
    }),
    'home/.claude/plugins/known_marketplaces.json': json({
      official: { source: { source: 'github', repo: 'example/official' }, installLocation: marketplace },
    }),
    'home/.claude/plugins/marketplaces/official/.claude-plugin/marketplace.json': json({
      name: 'official',
      owner: { name: 'Example' },
      plugins: [
        { name: 'plugin-dev', source: './plugins/plugin-dev', description: 'Plugin tools' },
        { name: 'remote-only', source: { source: 'github', repo: 'example/remote-only' } },
      ],
    }),
    // The cached copy of plugin-dev: a manifest, a spaced skill, a multi-line agent, a hook.
    'home/.claude/plugins/cache/official/plugin-dev/1.0.0/.claude-plugin/plugin.json': json({
      name: 'plugin-dev',
      version: '1.0.0',
    }),
    'home/.claude/plugins/cache/official/plugin-dev/1.0.0/skills/hook-development/SKILL.md': spacedSkill,
    'home/.claude/plugins/cache/official/plugin-dev/1.0.0/agents/agent-creator.md': multiLineAgent,
    'home/.claude/plugins/cache/official/plugin-dev/1.0.0/commands/create-plugin.md':
      '---\ndescription: Create a plugin\nargument-hint: [name]\n---\nCreate plugin $1\n',
    'home/.claude/plugins/cache/official/plugin-dev/1.0.0/hooks/hooks.json': json({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo done' }] }] },
    }),
  })
  return home
}

function writeLocalMarketplace() {
  tree.write({
    'market/.claude-plugin/marketplace.json': json({
      name: 'team',
      owner: { name: 'Team' },
      metadata: { pluginRoot: './plugins' },
      plugins: [
        // A path source with its own plugin.json.
        { name: 'formatter', source: './plugins/formatter' },
        // strict:false and no plugin.json: the entry is the manifest, naming its commands.
        {
          name: 'snippets',
          source: 'snippets',
          strict: false,
          description: 'Shared snippets',
          version: '2.0.0',
          commands: ['./extra/standup.md'],
          // The variable is written literally, as in a plugin's files.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${CLAUDE_PLUGIN_ROOT}
          mcpServers: { notes: { command: 'notes-server', args: ['${CLAUDE_PLUGIN_ROOT}/data'] } },
        },
        // strict:false while plugin.json declares components too: Claude Code refuses it.
        { name: 'conflicted', source: './plugins/conflicted', strict: false, commands: ['./c.md'] },
      ],
    }),
    'market/plugins/formatter/.claude-plugin/plugin.json': json({ name: 'formatter' }),
    'market/plugins/formatter/commands/fmt.md': '---\ndescription: Format the code\n---\nFormat $ARGUMENTS\n',
    'market/plugins/formatter/hooks/hooks.json': json({
      hooks: { PostToolUse: [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'fmt' }] }] },
    }),
    'market/plugins/snippets/extra/standup.md': '---\ndescription: Write a standup\n---\nWrite my standup\n',
    'market/plugins/conflicted/.claude-plugin/plugin.json': json({ name: 'conflicted', commands: './c.md' }),
    'market/plugins/conflicted/c.md': 'c\n',
  })
  return tree.path('market')
}

describe('plugins installed for Claude Code', () => {
  it('loads the enabled plugins from the cache, leniently, and says what it cannot load', async () => {
    const home = writeClaudeHome()
    tree.write({
      'home/.claude/settings.json': json({
        enabledPlugins: {
          'plugin-dev@official': true,
          'remote-only@official': true,
          'other-project@official': true,
          'missing@nowhere': true,
          'disabled@official': false,
        },
      }),
      'project/README.md': 'x',
    })
    const loaded = await loadPlugins({ cwd: tree.path('project'), home })

    expect(loaded.plugins.map((p) => [p.id, p.name, p.version, p.root])).toEqual([
      [
        'plugin-dev@official',
        'plugin-dev',
        '1.0.0',
        tree.path('home/.claude/plugins/cache/official/plugin-dev/1.0.0'),
      ],
    ])
    // The spaced skill loads under its directory's name, with a warning on its name line.
    expect(loaded.skills.map((s) => s.name)).toEqual(['plugin-dev:hook-development'])
    const skillWarning = loaded.diagnostics.find((d) => d.file.endsWith('SKILL.md'))
    expect(skillWarning).toMatchObject({ severity: 'warning', line: 2, plugin: 'plugin-dev' })
    expect(skillWarning?.reason).toContain('"Hook Development"')
    // The agent with the multi-line description loads, examples and all.
    const agent = loaded.agents.find((a) => a.name === 'plugin-dev:agent-creator')
    expect(agent).toMatchObject({
      model: 'sonnet',
      tools: ['Write', 'Read'],
      systemPrompt: 'You create agents.',
    })
    expect(agent?.description.split('\n')).toEqual([
      'Use this agent when the user asks to "create an agent". Examples:',
      '',
      '<example>',
      'Context: User wants a reviewer',
      'user: "Create an agent that reviews code"',
      `assistant: "I'll use the agent-creator agent."`,
      '</example>',
    ])
    expect(loaded.diagnostics.find((d) => d.file.endsWith('agent-creator.md'))).toMatchObject({
      severity: 'warning',
    })
    expect(loaded.commands.map((c) => c.name)).toEqual(['plugin-dev:create-plugin'])
    expect(loaded.hooks.map((h) => h.event)).toEqual(['Stop'])

    const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
    const settingsFile = tree.path('home/.claude/settings.json')
    expect(errors.map((d) => [d.file, d.plugin])).toEqual(
      expect.arrayContaining([
        [settingsFile, 'remote-only'],
        [settingsFile, 'other-project'],
        [settingsFile, 'missing'],
      ]),
    )
    expect(errors).toHaveLength(3)
    expect(errors.find((d) => d.plugin === 'remote-only')?.reason).toContain(
      'claude plugin install remote-only@official',
    )
  })
})

describe('a local marketplace named in extraKnownMarketplaces', () => {
  it('loads path-source and strict:false entries enabled in project settings', async () => {
    const market = writeLocalMarketplace()
    tree.write({
      'project/.claude/settings.json': json({
        extraKnownMarketplaces: { team: { source: { source: 'directory', path: '../market' } } },
        enabledPlugins: { 'formatter@team': true, 'snippets@team': true, 'conflicted@team': true },
      }),
    })
    const loaded = await loadPlugins({ cwd: tree.path('project'), home: null })

    expect(loaded.plugins.map((p) => [p.id, p.root])).toEqual([
      ['formatter@team', `${market}/plugins/formatter`],
      ['snippets@team', `${market}/plugins/snippets`],
    ])
    expect(loaded.plugins[1]).toMatchObject({ version: '2.0.0', description: 'Shared snippets', commands: 1 })
    expect(loaded.commands.map((c) => c.name).sort()).toEqual(['formatter:fmt', 'snippets:standup'])
    expect(loaded.mcpServers).toEqual([
      expect.objectContaining({
        name: 'snippets:notes',
        config: { command: 'notes-server', args: [`${market}/plugins/snippets/data`] },
      }),
    ])
    expect(loaded.hooks.map((h) => [h.event, h.command])).toEqual([['PostToolUse', 'fmt']])
    const conflict = loaded.diagnostics.find((d) => d.plugin === 'conflicted')
    expect(conflict).toMatchObject({
      severity: 'error',
      file: `${market}/plugins/conflicted/.claude-plugin/plugin.json`,
    })
    expect(conflict?.reason).toContain('"strict": false')
    expect(loaded.untrustedSkipped).toEqual([])
  })

  it('in an untrusted project, plugins only the project enabled load without hooks or MCP servers', async () => {
    writeLocalMarketplace()
    const settings = tree.path('project/.claude/settings.json')
    tree.write({
      'project/.claude/settings.json': json({
        extraKnownMarketplaces: { team: { source: { source: 'directory', path: '../market' } } },
        enabledPlugins: { 'formatter@team': true, 'snippets@team': true },
      }),
    })
    const loaded = await loadPlugins({ cwd: tree.path('project'), home: null, projectTrust: 'untrusted' })

    // Their commands are text and load; their hooks and MCP servers would run code.
    expect(loaded.commands.map((c) => c.name).sort()).toEqual(['formatter:fmt', 'snippets:standup'])
    expect(loaded.hooks).toEqual([])
    expect(loaded.mcpServers).toEqual([])
    expect(loaded.plugins.map((p) => [p.name, p.hooks, p.mcpServers])).toEqual([
      ['formatter', 0, 0],
      ['snippets', 0, 0],
    ])
    expect(loaded.untrustedSkipped).toEqual([
      { kind: 'hooks', file: settings, names: ['PostToolUse (plugin formatter)'] },
      { kind: 'mcp_servers', file: settings, names: ['snippets:notes'] },
    ])
  })

  it('a plugin the user enabled keeps its hooks in an untrusted project', async () => {
    writeLocalMarketplace()
    tree.write({
      'home/.claude/settings.json': json({
        extraKnownMarketplaces: { team: { source: { source: 'directory', path: '../market' } } },
        enabledPlugins: { 'formatter@team': true },
      }),
      'project/.claude/settings.json': json({ enabledPlugins: { 'formatter@team': true } }),
    })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: tree.path('home'),
      projectTrust: 'untrusted',
    })
    expect(loaded.hooks.map((h) => h.command)).toEqual(['fmt'])
    expect(loaded.untrustedSkipped).toEqual([])
  })

  it('a project may turn off a plugin the user enabled', async () => {
    writeLocalMarketplace()
    tree.write({
      'home/.claude/settings.json': json({
        extraKnownMarketplaces: { team: { source: { source: 'directory', path: '../market' } } },
        enabledPlugins: { 'formatter@team': true },
      }),
      'project/.claude/settings.local.json': json({ enabledPlugins: { 'formatter@team': false } }),
    })
    const loaded = await loadPlugins({ cwd: tree.path('project'), home: tree.path('home') })
    expect(loaded.plugins).toEqual([])
    expect(loaded.diagnostics).toEqual([])
  })
})

describe('plugin directories without a manifest', () => {
  it('loads one with components by its directory name, with a warning, and reports one without', async () => {
    tree.write({
      'plugins/bare/commands/hello.md': '---\ndescription: Say hello\n---\nHello\n',
      'plugins/empty/README.md': 'nothing here',
      'plugins/named/.claude-plugin/plugin.json': json({ name: 'named' }),
      'project/README.md': 'x',
    })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: null,
      pluginDirs: [tree.path('plugins')],
    })
    expect(loaded.plugins.map((p) => p.name)).toEqual(['named', 'bare'])
    expect(loaded.commands.map((c) => c.name)).toEqual(['bare:hello'])
    expect(loaded.diagnostics.map((d) => [d.severity, d.file])).toEqual([
      ['warning', tree.path('plugins/bare/.claude-plugin/plugin.json')],
      ['warning', tree.path('plugins/empty')],
    ])
  })
})
