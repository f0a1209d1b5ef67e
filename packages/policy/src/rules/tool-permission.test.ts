import { describe, expect, it } from 'vitest'
import {
  EDIT_TOOLS,
  evaluateToolPermission,
  parsePermissionSettings,
  pathRuleMatches,
  READ_TOOLS,
} from '../index.js'
import { matchToolRules } from './tool-permission.js'

const where = { cwd: '/repo/app', home: '/home/me', settingsDir: '/repo' }

describe('pathRuleMatches (gitignore-style, as Claude Code reads them)', () => {
  it.each([
    ['./.env', '/repo/app/.env', true],
    ['./.env', '/repo/app/sub/.env', false],
    ['.env', '/repo/app/sub/.env', true], // no slash: any depth
    ['*.env', '/repo/app/a/b/prod.env', true],
    ['./secrets/**', '/repo/app/secrets/key.pem', true],
    ['./secrets/**', '/repo/app/secrets/deep/x', true],
    ['./secrets/**', '/repo/app/other/key.pem', false],
    ['secrets/', '/repo/app/secrets/key.pem', true], // a directory covers its contents
    ['src/**/*.ts', '/repo/app/src/a/b.ts', true],
    ['src/**/*.ts', '/repo/app/src/a/b.js', false],
    ['/docs/**', '/repo/docs/intro.md', true], // relative to the settings file's project
    ['/docs/**', '/repo/app/docs/intro.md', false],
    ['~/.zshrc', '/home/me/.zshrc', true],
    ['~/.ssh/**', '/home/me/.ssh/id_ed25519', true],
    ['//etc/passwd', '/etc/passwd', true],
    ['//Users/alice/secrets/**', '/Users/alice/secrets/a', true],
    ['./build', '/repo/app/build/out.js', true],
  ])('%s vs %s → %s', (spec, path, expected) => {
    expect(pathRuleMatches(spec, path, where)).toBe(expected)
  })

  it('resolves relative tool paths against the working directory', () => {
    expect(pathRuleMatches('./secrets/**', 'secrets/a.txt', where)).toBe(true)
    expect(pathRuleMatches('./secrets/**', '../secrets/a.txt', where)).toBe(false)
  })
})

describe('matchToolRules', () => {
  const settings = parsePermissionSettings(
    {
      permissions: {
        allow: ['Read', 'Edit(src/**)', 'mcp__github', 'WebFetch(domain:*.example.com)', 'Task(Explore)'],
        ask: ['Write(./package.json)', 'mcp__github__create_pull_request'],
        deny: ['Read(./secrets/**)', 'Edit(./secrets/**)', 'mcp__db__*'],
      },
    },
    { source: 'settings.json', settingsDir: '/repo' },
  )

  it('applies Read rules to every read tool and Edit rules to every edit tool', () => {
    for (const tool of READ_TOOLS)
      expect(matchToolRules(tool, { path: '/repo/app/secrets' }, settings, where).decision).toBe('forbidden')
    for (const tool of EDIT_TOOLS)
      expect(
        matchToolRules(tool, { file_path: 'secrets/x', notebook_path: 'secrets/x' }, settings, where)
          .decision,
      ).toBe('forbidden')
    expect(matchToolRules('Read', { file_path: '/repo/app/README.md' }, settings, where).decision).toBe(
      'allow',
    )
    expect(matchToolRules('Edit', { file_path: '/repo/app/src/a.ts' }, settings, where).decision).toBe(
      'allow',
    )
    expect(matchToolRules('Write', { file_path: '/repo/app/package.json' }, settings, where).decision).toBe(
      'prompt',
    )
    expect(matchToolRules('Edit', { file_path: '/repo/app/README.md' }, settings, where)).toEqual({
      decision: 'unmatched',
      reason: 'no permission rule names Edit',
      matchedRules: [],
    })
  })

  it('matches MCP servers and tools, web domains and subagents', () => {
    expect(matchToolRules('mcp__github__list_issues', {}, settings).decision).toBe('allow')
    expect(matchToolRules('mcp__github__create_pull_request', {}, settings).decision).toBe('prompt')
    expect(matchToolRules('mcp__db__query', {}, settings).decision).toBe('forbidden')
    expect(matchToolRules('mcp__githubx__list', {}, settings).decision).toBe('unmatched')
    expect(matchToolRules('WebFetch', { url: 'https://docs.example.com/a' }, settings).decision).toBe('allow')
    expect(matchToolRules('WebFetch', { url: 'https://example.org/' }, settings).decision).toBe('unmatched')
    expect(matchToolRules('WebFetch', { url: 'not a url' }, settings).decision).toBe('unmatched')
    expect(matchToolRules('Task', { subagent_type: 'Explore' }, settings).decision).toBe('allow')
    const denied = matchToolRules('mcp__db__drop', {}, settings)
    expect(denied.reason).toBe('mcp__db__drop is denied by rule `mcp__db__*` (settings.json)')
    expect(denied.matchedRules).toEqual([
      { source: 'settings.json (permissions.deny)', rule: 'mcp__db__*', decision: 'forbidden' },
    ])
  })

  it('evaluateToolPermission is the async entry point for any tool', async () => {
    const d = await evaluateToolPermission('Read', { file_path: 'secrets/key' }, settings, {
      cwd: '/repo/app',
    })
    expect(d.decision).toBe('forbidden')
  })
})
