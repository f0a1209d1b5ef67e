// Plugins a user installed for Claude Code, through the built binary: a fake ~/.claude/plugins
// (installed_plugins.json, a cached plugin with a spaced skill name and a multi-line agent
// description) plus a local marketplace with a strict:false entry, enabled in ~/.claude/settings.json.
// `agent plugins list` shows them; a plugin command expands in `agent exec` against the mock provider.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
  }
}
const json = (value: unknown) => JSON.stringify(value, null, 2)

describe('Claude Code plugins as installed', () => {
  it('lists the enabled plugins and expands their commands in exec', async () => {
    const ws = workspace()
    const plugins = join(ws.home, '.claude', 'plugins')
    const cached = join(plugins, 'cache', 'official', 'plugin-dev', '1.0.0')
    const market = join(ws.root, 'team-market')
    write({
      [join(plugins, 'installed_plugins.json')]: json({
        version: 2,
        plugins: { 'plugin-dev@official': [{ scope: 'user', installPath: cached, version: '1.0.0' }] },
      }),
      [join(cached, '.claude-plugin', 'plugin.json')]: json({ name: 'plugin-dev', version: '1.0.0' }),
      [join(cached, 'skills', 'hook-development', 'SKILL.md')]:
        '---\nname: Hook Development\ndescription: How to write hooks\n---\nHooks are scripts.\n',
      [join(cached, 'agents', 'agent-creator.md')]:
        '---\nname: agent-creator\ndescription: Creates agents. Examples:\n<example>\nuser: "make one"\n</example>\nmodel: inherit\n---\nYou create agents.\n',
      [join(market, '.claude-plugin', 'marketplace.json')]: json({
        name: 'team',
        owner: { name: 'Team' },
        plugins: [{ name: 'snippets', source: './snippets', strict: false, commands: ['./cmds/standup.md'] }],
      }),
      [join(market, 'snippets', 'cmds', 'standup.md')]:
        '---\ndescription: Write a standup\n---\nWrite a standup about $ARGUMENTS, briefly.\n',
      [join(ws.home, '.claude', 'settings.json')]: json({
        extraKnownMarketplaces: { team: { source: { source: 'directory', path: market } } },
        enabledPlugins: { 'plugin-dev@official': true, 'snippets@team': true },
      }),
    })
    const env = ws.env()
    const list = await runAgent(['plugins', 'list'], { cwd: ws.repo, env })
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain(`plugin-dev@official 1.0.0  ${cached}`)
    expect(list.stdout).toContain(`snippets@team  ${join(market, 'snippets')}`)
    expect(list.stdout).toContain('plugin-dev:hook-development  How to write hooks')
    expect(list.stdout).toContain('plugin-dev:agent-creator  Creates agents. Examples:')
    expect(list.stdout).toContain('/snippets:standup  Write a standup')
    // The spaced skill name and the non-YAML agent are warnings, not skipped files.
    expect(list.stdout).toMatch(/Problems \(2\)[\s\S]*SKILL\.md:2: warning \[plugin plugin-dev\]/)
    expect(list.stdout).toMatch(/agent-creator\.md:2: warning \[plugin plugin-dev\]/)

    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'standup written' }] })
    const run = await runAgent(['exec', '/standup the release'], {
      cwd: ws.repo,
      env: { ...env, OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl },
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('standup written')
    const sent = JSON.stringify(server.requests[0]?.body)
    expect(sent).toContain('Write a standup about the release, briefly.')
    // The skill is offered to the model under its loaded name.
    expect(sent).toContain('plugin-dev:hook-development')
  })
})
