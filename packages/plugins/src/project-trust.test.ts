// `projectTrust: 'untrusted'`: every way a project's files could run code or widen permissions
// is left out (and reported); trusted, the same files apply.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HOOK_EVENTS } from './hook-config.js'
import { loadPlugins } from './loader.js'
import { json, type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

/** Every hook event, each writing its own marker file. */
const everyHook = (tag: string) => ({
  hooks: Object.fromEntries(
    HOOK_EVENTS.map((event) => [event, [{ hooks: [{ type: 'command', command: `touch ${tag}-${event}` }] }]]),
  ),
})

function writeProject() {
  tree.write({
    'project/.claude/settings.json': json({
      ...everyHook('claude'),
      permissions: { allow: ['Bash(curl:*)', 'Read'], deny: ['Bash(rm:*)'], ask: ['Bash(git push:*)'] },
    }),
    'project/.claude/settings.local.json': json(everyHook('claude-local')),
    'project/.agent/settings.json': json({
      ...everyHook('agent'),
      permissions: { allow: ['Bash'], additionalDirectories: ['/'] },
    }),
    'project/.agent/settings.local.json': json(everyHook('agent-local')),
    'project/.mcp.json': json({ mcpServers: { fs: { command: 'fs-server' } } }),
    'project/.agent/.mcp.json': json({ mcpServers: { db: { command: 'db-server' } } }),
    'project/.claude/commands/hi.md': '---\ndescription: Hi\n---\nSay hi\n',
    'project/.claude/skills/notes/SKILL.md': '---\nname: notes\ndescription: Take notes\n---\nWrite notes.\n',
    'project/.agent/agents/helper.md': '---\nname: helper\ndescription: Helps\n---\nHelp.\n',
    // The user's own servers for this project, in the user's own file: not the repository's.
    'home/.claude.json': json({
      projects: { [tree.path('project')]: { mcpServers: { mine: { command: 'mine' } } } },
    }),
  })
}

describe('loadPlugins with projectTrust', () => {
  it("leaves out an untrusted project's hooks, MCP servers and allow rules, and says so", async () => {
    writeProject()
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: tree.path('home'),
      projectTrust: 'untrusted',
    })
    expect(loaded.diagnostics).toEqual([])
    expect(loaded.hooks).toEqual([])
    expect(loaded.mcpServers.map((s) => s.name)).toEqual(['mine'])
    expect(loaded.permissions.map((p) => p.permissions)).toEqual([
      { deny: ['Bash(rm:*)'], ask: ['Bash(git push:*)'] },
      {},
    ])
    // Text still loads.
    expect(loaded.commands.map((c) => c.name)).toEqual(['hi'])
    expect(loaded.skills.map((s) => s.name)).toEqual(['notes'])
    expect(loaded.agents.map((a) => a.name)).toEqual(['helper'])

    const skipped = loaded.untrustedSkipped
    const hooksOf = (file: string) => skipped.find((s) => s.kind === 'hooks' && s.file === tree.path(file))
    for (const file of [
      'project/.claude/settings.json',
      'project/.claude/settings.local.json',
      'project/.agent/settings.json',
      'project/.agent/settings.local.json',
    ]) {
      expect(hooksOf(file)?.names, file).toEqual([...HOOK_EVENTS])
    }
    expect(skipped.filter((s) => s.kind === 'mcp_servers')).toEqual([
      { kind: 'mcp_servers', file: tree.path('project/.mcp.json'), names: ['fs'] },
      { kind: 'mcp_servers', file: tree.path('project/.agent/.mcp.json'), names: ['db'] },
    ])
    expect(skipped.filter((s) => s.kind === 'permissions.allow')).toEqual([
      {
        kind: 'permissions.allow',
        file: tree.path('project/.claude/settings.json'),
        names: ['Bash(curl:*)', 'Read'],
      },
      { kind: 'permissions.allow', file: tree.path('project/.agent/settings.json'), names: ['Bash'] },
    ])
    // Reloading hooks watches the same files, so a hook added later is seen (and left out again).
    expect(loaded.hookFiles).toContain(tree.path('project/.claude/settings.json'))
  })

  it('applies all of it when the project is trusted (the default)', async () => {
    writeProject()
    for (const projectTrust of ['trusted', undefined] as const) {
      const loaded = await loadPlugins({
        cwd: tree.path('project'),
        home: tree.path('home'),
        ...(projectTrust ? { projectTrust } : {}),
      })
      expect(loaded.untrustedSkipped).toEqual([])
      expect(loaded.hooks).toHaveLength(4 * HOOK_EVENTS.length)
      expect(loaded.mcpServers.map((s) => s.name).sort()).toEqual(['db', 'fs', 'mine'])
      expect(loaded.permissions.map((p) => p.permissions.allow)).toEqual([['Bash(curl:*)', 'Read'], ['Bash']])
    }
  })

  it("keeps the user's own folders trusted when the project is the home directory", async () => {
    tree.write({
      'home/.claude/settings.json': json({
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'true' }] }] },
      }),
    })
    const loaded = await loadPlugins({
      cwd: tree.path('home'),
      home: tree.path('home'),
      projectTrust: 'untrusted',
    })
    expect(loaded.untrustedSkipped).toEqual([])
    expect(loaded.hooks.map((h) => h.event)).toContain('Stop')
  })

  it('leaves out hooks and servers of plugins the caller was not given', async () => {
    // Plugin directories are the caller's choice: an untrusted project cannot name one here
    // (`plugin_dirs` in its config is dropped by the CLI), and its own folder is not searched.
    tree.write({
      'project/.claude-plugin/plugin.json': json({ name: 'sneaky' }),
      'project/hooks/hooks.json': json({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'x' }] }] } }),
    })
    const loaded = await loadPlugins({ cwd: tree.path('project'), home: null, projectTrust: 'untrusted' })
    expect(loaded.plugins).toEqual([])
    expect(loaded.hooks).toEqual([])
  })
})
