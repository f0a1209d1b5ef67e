import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolicyError } from './errors.js'
import { loadRulesFiles, loadSettingsFiles, pathRuleMatches } from './index.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-load-'))
  await mkdir(join(dir, 'rules'))
  await writeFile(
    join(dir, 'rules', 'b.rules'),
    'prefix_rule(pattern=["git", "push"], decision="forbidden")\n',
  )
  await writeFile(join(dir, 'rules', 'a.rules'), 'prefix_rule(pattern=["npm"], decision="prompt")\n')
  await writeFile(join(dir, 'rules', 'notes.txt'), 'not a rules file')
  await writeFile(join(dir, 'extra.rules'), 'host_executable(name="git", paths=["/usr/bin/git"])\n')
  await writeFile(join(dir, 'broken.rules'), 'prefix_rule(pattern=["ls"], decision="nope")\n')
  await mkdir(join(dir, 'project', '.claude'), { recursive: true })
  await writeFile(
    join(dir, 'project', '.claude', 'settings.json'),
    JSON.stringify({ permissions: { deny: ['Read(/secrets/**)'] } }),
  )
  await writeFile(join(dir, 'user.json'), JSON.stringify({ permissions: { allow: ['Bash(ls *)'] } }))
  await writeFile(join(dir, 'bad.json'), '{ "permissions": ')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('loadRulesFiles', () => {
  it('reads files and directories of *.rules in name order', async () => {
    const policy = await loadRulesFiles([join(dir, 'rules'), join(dir, 'extra.rules')])
    expect(policy.rules.map((r) => [r.pattern[0], r.source.endsWith('a.rules') ? 'a' : 'b'])).toEqual([
      ['npm', 'a'],
      ['git', 'b'],
    ])
    expect(policy.hostExecutables.get('git')).toEqual(['/usr/bin/git'])
  })

  it('names the file and line of an error, and missing files', async () => {
    await expect(loadRulesFiles([join(dir, 'broken.rules')])).rejects.toThrow(
      `${join(dir, 'broken.rules')}:1: decision must be`,
    )
    const missing = await loadRulesFiles([join(dir, 'nope.rules')]).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(PolicyError)
    expect((missing as PolicyError).message).toContain('cannot read rules file')
  })
})

describe('loadSettingsFiles', () => {
  it('merges files; /path rules are relative to the project holding .claude', async () => {
    const settings = await loadSettingsFiles([
      join(dir, 'user.json'),
      join(dir, 'project', '.claude', 'settings.json'),
    ])
    expect(settings.rules.map((r) => r.text)).toEqual(['Bash(ls *)', 'Read(/secrets/**)'])
    expect(settings.settingsDir).toBe(join(dir, 'project'))
    expect(
      pathRuleMatches('/secrets/**', join(dir, 'project', 'secrets', 'k'), {
        settingsDir: settings.settingsDir as string,
      }),
    ).toBe(true)
  })

  it('reports invalid JSON and unreadable files', async () => {
    await expect(loadSettingsFiles([join(dir, 'bad.json')])).rejects.toThrow(
      `${join(dir, 'bad.json')} is not valid JSON`,
    )
    await expect(loadSettingsFiles([join(dir, 'none.json')])).rejects.toThrow('cannot read settings file')
  })
})
