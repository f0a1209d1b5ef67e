import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatDiagnostic } from './diagnostics.js'
import { loadPlugins } from './loader.js'
import { writeDevKitPlugin, writeHookifyPlugin, writeSecurityPlugin } from './test-support/claude-plugins.js'
import { json, type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

const command = (description: string, body = 'body') => `---\ndescription: ${description}\n---\n${body}\n`

describe('loadPlugins: plugins in Claude Code format', () => {
  it('loads commands, subagents, skills, hooks and MCP servers, namespaced plugin:name', async () => {
    const devKit = writeDevKitPlugin(tree)
    const hookify = writeHookifyPlugin(tree)
    writeSecurityPlugin(tree)
    tree.write({ 'project/README.md': 'x' })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: null,
      pluginDirs: [tree.path('plugins')],
    })

    expect(loaded.diagnostics).toEqual([])
    expect(loaded.plugins.map((p) => p.name).sort()).toEqual(['dev-kit', 'hookify-lite', 'security-guidance'])
    const devInfo = loaded.plugins.find((p) => p.name === 'dev-kit')
    expect(devInfo).toMatchObject({
      version: '1.2.0',
      commands: 1,
      agents: 2,
      skills: 1,
      hooks: 0,
      mcpServers: 1,
    })

    const review = loaded.commands.find((c) => c.name === 'dev-kit:review')
    expect(review).toMatchObject({
      description: 'Review a pull request',
      argumentHint: '[pr-number] [priority]',
      allowedTools: ['Bash(git diff:*)', 'Read'],
      model: 'claude-sonnet-4-5',
      origin: { scope: 'plugin', plugin: 'dev-kit', pluginRoot: devKit },
    })
    expect(review?.body).toContain(`Plugin helpers live in ${devKit}/scripts.`)
    expect(review?.body).toContain('Review pull request #$0 with priority $1.')

    expect(loaded.agents.map((a) => a.name).sort()).toEqual(['dev-kit:code-reviewer', 'dev-kit:test-runner'])
    expect(loaded.agents.find((a) => a.name === 'dev-kit:code-reviewer')).toMatchObject({
      tools: ['Read', 'Grep', 'Glob'],
      model: 'sonnet',
      maxTurns: 8,
      systemPrompt: 'You are a meticulous code reviewer. Report bugs first, then style.',
    })
    expect(loaded.agents.find((a) => a.name === 'dev-kit:test-runner')?.tools).toEqual(['Bash', 'Read'])

    expect(loaded.skills).toHaveLength(1)
    expect(loaded.skills[0]).toMatchObject({
      name: 'dev-kit:csv-stats',
      directory: `${devKit}/skills/csv-stats`,
      allowedTools: ['Bash(bash:*)'],
    })
    expect(loaded.skills[0]?.body).toContain('bash scripts/stats.sh data.csv')
    expect(loaded.skills[0]?.body).not.toContain('description:')

    const events = loaded.hooks.map((h) => `${h.origin.plugin}:${h.event}:${h.matcher}`).sort()
    expect(events).toEqual([
      'hookify-lite:PreToolUse:',
      'hookify-lite:UserPromptSubmit:',
      'security-guidance:PreToolUse:Edit|Write|MultiEdit',
    ])
    const rule = loaded.hooks.find((h) => h.origin.plugin === 'hookify-lite' && h.event === 'PreToolUse')
    expect(rule).toMatchObject({ command: `node "${hookify}/hooks/rules.mjs"`, timeoutSec: 30 })
    expect(loaded.hookFiles).toContain(`${hookify}/hooks/hooks.json`)

    expect(loaded.mcpServers).toEqual([
      {
        name: 'dev-kit:issue-db',
        config: { command: 'node', args: [`${devKit}/server.js`], env: { DB: `${devKit}/db` } },
        origin: expect.objectContaining({ plugin: 'dev-kit', file: `${devKit}/.mcp.json` }),
      },
    ])
  })

  it('accepts a single plugin directory, manifest paths and inline hooks and MCP servers', async () => {
    tree.write({
      'p/.claude-plugin/plugin.json': json({
        name: 'inline',
        commands: ['./extra/deploy.md', './commands/hello.md', './missing'],
        agents: './team',
        hooks: {
          PostToolUse: [
            { matcher: 'Bash', hooks: [{ type: 'command', command: `\${AGENT_PLUGIN_ROOT}/log.sh` }] },
          ],
        },
        mcpServers: { files: { command: `\${CLAUDE_PLUGIN_ROOT}/fs-server` } },
      }),
      'p/extra/deploy.md': command('Deploy'),
      'p/team/planner.md': '---\nname: planner\ndescription: Plans\n---\nPlan.\n',
      'p/commands/hello.md': command('Say hello'),
    })
    const loaded = await loadPlugins({ cwd: tree.path('cwd'), home: null, pluginDirs: [tree.path('p')] })
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 3,
        reason: `commands: ${tree.path('p/missing')} does not exist`,
      }),
    ])
    expect(loaded.commands.map((c) => c.name).sort()).toEqual(['inline:deploy', 'inline:hello'])
    expect(loaded.agents.map((a) => a.name)).toEqual(['inline:planner'])
    expect(loaded.hooks).toEqual([
      expect.objectContaining({ event: 'PostToolUse', matcher: 'Bash', command: `${tree.path('p')}/log.sh` }),
    ])
    expect(loaded.mcpServers[0]).toMatchObject({
      name: 'inline:files',
      config: { command: `${tree.path('p')}/fs-server` },
    })
  })
})

describe('loadPlugins: sources and merge order', () => {
  it('merges plugins, ~/.claude, $AGENT_HOME, .claude and .agent in that order', async () => {
    writeDevKitPlugin(tree)
    tree.write({
      'home/.claude/commands/deploy.md': command('user-claude deploy'),
      'home/.claude/commands/only-user.md': command('only in ~/.claude'),
      'home/.claude/agents/helper.md': '---\nname: helper\ndescription: user helper\n---\nU\n',
      'home/.claude/settings.json': json({
        permissions: { allow: ['Bash(npm test:*)'] },
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo user-claude' }] }] },
      }),
      'home/.claude.json': json({
        numStartups: 3,
        mcpServers: { github: { type: 'http', url: 'https://x' } },
        projects: { [tree.path('project')]: { mcpServers: { local: { command: 'local-db' } } } },
      }),
      'agenthome/commands/deploy.md': command('agent-home deploy'),
      'agenthome/settings.json': json({
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo agent-home' }] }] },
      }),
      'project/.claude/commands/deploy.md': command('project-claude deploy'),
      'project/.claude/agents/helper.md': '---\nname: helper\ndescription: project helper\n---\nP\n',
      'project/.claude/skills/lint/SKILL.md': '---\nname: lint\ndescription: Lint it\n---\nRun the linter.\n',
      'project/.claude/settings.json': json({ permissions: { deny: ['Read(./.env)'] } }),
      'project/.claude/settings.local.json': json({
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo local' }] }] },
      }),
      'project/.mcp.json': json({ mcpServers: { github: { command: 'gh-mcp' } } }),
      'project/.agent/commands/deploy.md': command('project deploy'),
      'project/.agent/settings.json': json({ permissions: { ask: ['Bash(git push:*)'] } }),
    })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: tree.path('home'),
      agentHome: tree.path('agenthome'),
      pluginDirs: [tree.path('plugins/dev-kit')],
    })
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(loaded.commands.find((c) => c.name === 'deploy')?.description).toBe('project deploy')
    expect(loaded.commands.find((c) => c.name === 'only-user')?.origin.scope).toBe('user-claude')
    expect(loaded.commands.find((c) => c.name === 'dev-kit:review')).toBeDefined()
    expect(loaded.agents.find((a) => a.name === 'helper')?.description).toBe('project helper')
    expect(loaded.skills.map((s) => s.name)).toEqual(['dev-kit:csv-stats', 'lint'])
    // Hooks accumulate, lowest precedence first.
    expect(loaded.hooks.map((h) => h.command)).toEqual(['echo user-claude', 'echo agent-home', 'echo local'])
    expect(loaded.hooks.map((h) => h.origin.scope)).toEqual(['user-claude', 'user', 'project-claude'])
    expect(loaded.permissions.map((p) => [p.origin.scope, p.permissions])).toEqual([
      ['user-claude', { allow: ['Bash(npm test:*)'] }],
      ['project-claude', { deny: ['Read(./.env)'] }],
      ['project', { ask: ['Bash(git push:*)'] }],
    ])
    expect(loaded.mcpServers.map((m) => [m.name, m.config, m.origin.scope])).toEqual([
      ['dev-kit:issue-db', expect.any(Object), 'plugin'],
      ['github', { command: 'gh-mcp' }, 'project-claude'],
      ['local', { command: 'local-db' }, 'project-claude'],
    ])
    // Shadowing is reported, so a user can see why their command is not the one that runs.
    const shadowed = loaded.diagnostics.filter((d) => d.reason.includes('"deploy" replaces'))
    expect(shadowed).toHaveLength(3)
    expect(loaded.hookFiles).toEqual(
      expect.arrayContaining([
        tree.path('project/.agent/settings.local.json'),
        tree.path('home/.claude/settings.json'),
      ]),
    )
  })

  it('finds plugins installed under $AGENT_HOME/plugins', async () => {
    writeSecurityPlugin(tree, 'agenthome/plugins/security-guidance')
    const loaded = await loadPlugins({ cwd: tree.path('p'), home: null, agentHome: tree.path('agenthome') })
    expect(loaded.plugins.map((p) => p.name)).toEqual(['security-guidance'])
  })

  it('honours disableAllHooks', async () => {
    tree.write({
      'p/.claude/settings.json': json({
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'true' }] }] },
      }),
      'p/.claude/settings.local.json': json({ disableAllHooks: true }),
    })
    const loaded = await loadPlugins({ cwd: tree.path('p'), home: null })
    expect(loaded.hooks).toEqual([])
    expect(loaded.diagnostics[0]?.reason).toContain('disableAllHooks')
  })
})

describe('loadPlugins: broken files are reported with file, line and reason, and skipped', () => {
  it('reports each broken file and still loads the rest', async () => {
    writeDevKitPlugin(tree)
    tree.write({
      'plugins/bad-json/.claude-plugin/plugin.json': '{\n  "name": "bad-json",\n  "version": 1.0.0\n}\n',
      'plugins/no-name/.claude-plugin/plugin.json': json({
        version: '1.0.0',
        description: 'forgot the name',
      }),
      'plugins/spaced/.claude-plugin/plugin.json': json({ name: 'has spaces' }),
      'plugins/bad-hooks/.claude-plugin/plugin.json': json({ name: 'bad-hooks' }),
      'plugins/bad-hooks/hooks/hooks.json': json({
        hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'x', timeout: -5 }] }] },
      }),
      'plugins/bad-hooks/commands/fine.md': command('still loads'),
      'project/.claude/commands/broken-yaml.md':
        '---\ndescription: ok\nallowed-tools:\n  - Read\n - Grep\n---\nbody\n',
      'project/.claude/commands/no-close.md': '---\ndescription: never closed\nbody\n',
      'project/.claude/agents/no-description.md': '---\nname: lonely\ntools: Read\n---\nHi\n',
      'project/.claude/agents/bad-turns.md': '---\nname: spinner\ndescription: x\nmaxTurns: lots\n---\nHi\n',
      'project/.claude/skills/Bad_Name/SKILL.md': '---\nname: Bad_Name\ndescription: x\n---\nbody\n',
      'project/.claude/settings.json': '{\n  "hooks": {\n    "Stop": [\n  }\n}\n',
      'project/.agent/settings.json': json({
        hooks: {
          PreToolUser: [{ hooks: [{ type: 'command', command: 'echo typo' }] }],
          Stop: [{ hooks: [{ type: 'prompt', prompt: 'Is the work done?' }] }],
          SessionStart: [{ hooks: [{ type: 'command' }] }],
        },
      }),
      'project/.mcp.json': json({ mcpServers: { broken: 'not an object' } }),
    })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: null,
      pluginDirs: [tree.path('plugins')],
    })
    const byFile = (suffix: string) => loaded.diagnostics.filter((d) => d.file.endsWith(suffix))

    expect(byFile('bad-json/.claude-plugin/plugin.json')[0]).toMatchObject({ severity: 'error', line: 3 })
    expect(byFile('no-name/.claude-plugin/plugin.json')[0]?.reason).toMatch(/^name: .*; plugin skipped/)
    expect(byFile('spaced/.claude-plugin/plugin.json')[0]).toMatchObject({ line: 2 })
    expect(byFile('spaced/.claude-plugin/plugin.json')[0]?.reason).toContain('kebab-case')
    const badHooks = byFile('bad-hooks/hooks/hooks.json')[0]
    expect(badHooks).toMatchObject({ severity: 'error', line: 10, plugin: 'bad-hooks' })
    expect(badHooks?.reason).toContain('hooks.PreToolUse.0.hooks.0.timeout')
    expect(byFile('broken-yaml.md')[0]).toMatchObject({ severity: 'error', line: 5 })
    expect(byFile('no-close.md')[0]?.reason).toContain('no closing ---')
    expect(byFile('no-description.md')[0]?.reason).toContain('description is required')
    expect(byFile('bad-turns.md')[0]).toMatchObject({ line: 4 })
    expect(byFile('Bad_Name/SKILL.md')[0]).toMatchObject({ line: 2 })
    expect(byFile('.claude/settings.json')[0]).toMatchObject({ severity: 'error', line: 4 })
    const agentSettings = byFile('.agent/settings.json').map((d) => `${d.severity}: ${d.reason}`)
    expect(agentSettings).toEqual([
      expect.stringMatching(/^warning: hook event "PreToolUser" is not fired/),
      expect.stringMatching(/^warning: Stop: hook type "prompt" is not supported/),
      expect.stringMatching(/^error: SessionStart: a "command" hook needs a non-empty "command"/),
    ])
    expect(byFile('.mcp.json')[0]).toMatchObject({ severity: 'error', line: 3 })

    // Everything that was fine loaded.
    expect(loaded.plugins.map((p) => p.name).sort()).toEqual(['bad-hooks', 'dev-kit'])
    expect(loaded.commands.map((c) => c.name).sort()).toEqual(['bad-hooks:fine', 'dev-kit:review'])
    expect(loaded.hooks.map((h) => h.command)).toEqual(['echo typo'])
    expect(formatDiagnostic(byFile('broken-yaml.md')[0]!)).toMatch(/broken-yaml\.md:5: error: invalid YAML/)
  })

  it('reads flat frontmatter that is not YAML as text, as Claude Code does', async () => {
    tree.write({
      'p/.claude/commands/fix.md':
        '---\ndescription: Fix it: then test\nargument-hint: [file] [mode]\n---\nFix $ARGUMENTS\n',
    })
    const loaded = await loadPlugins({ cwd: tree.path('p'), home: null })
    expect(loaded.diagnostics).toEqual([])
    expect(loaded.commands[0]).toMatchObject({
      description: 'Fix it: then test',
      argumentHint: '[file] [mode]',
    })
  })

  it('reports an explicit --plugin-dir that holds no plugin, and duplicate plugin names', async () => {
    writeSecurityPlugin(tree, 'a/security-guidance')
    writeSecurityPlugin(tree, 'b/security-guidance')
    tree.write({ 'empty/readme.txt': 'nothing' })
    const loaded = await loadPlugins({
      cwd: tree.path('p'),
      home: null,
      pluginDirs: [tree.path('empty'), tree.path('a'), tree.path('b')],
    })
    expect(loaded.plugins).toHaveLength(1)
    expect(loaded.diagnostics.map((d) => d.reason)).toEqual([
      expect.stringContaining('already loaded from'),
      expect.stringContaining('no plugin here'),
    ])
  })
})
