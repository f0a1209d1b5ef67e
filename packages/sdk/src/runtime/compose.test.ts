import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config/errors.js'
import { loadConfig } from '../config/load.js'
import { AgentConfig } from '../config/schema.js'
import { composeRuntime, sandboxPolicyFor } from './compose.js'

describe('sandboxPolicyFor', () => {
  it('applies sandbox_workspace_write, with roots resolved against the cwd', () => {
    const config = AgentConfig.parse({
      sandbox_workspace_write: {
        writable_roots: ['../shared', '/data'],
        network_access: true,
        exclude_tmp: true,
      },
    })
    expect(sandboxPolicyFor('workspace-write', config, '/w/repo')).toEqual({
      type: 'workspace-write',
      writable_roots: ['/w/shared', '/data'],
      network_access: true,
      exclude_tmp: true,
    })
    expect(sandboxPolicyFor('read-only', config, '/w')).toEqual({ type: 'read-only' })
    expect(sandboxPolicyFor('danger-full-access', config, '/w')).toEqual({ type: 'danger-full-access' })
  })
})

describe('composeRuntime', () => {
  it('exposes the plugins it loaded, with a shell runner that goes through the policy', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'cli-compose-')))
    const home = join(root, 'home')
    mkdirSync(join(root, 'repo', '.claude', 'commands'), { recursive: true })
    mkdirSync(home, { recursive: true })
    writeFileSync(
      join(root, 'repo', '.claude', 'commands', 'hi.md'),
      '---\ndescription: Hi\n---\nHi !`echo there`\n',
    )
    const cwd = join(root, 'repo')
    const env = {
      AGENT_HOME: home,
      HOME: root,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      OPENAI_API_KEY: 'x',
    }
    const runtime = await composeRuntime({
      cwd,
      loaded: loadConfig({ cwd, env }),
      env,
      model: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
      sandboxMode: 'danger-full-access',
      approvalPolicy: 'on-request',
      pluginDirs: [],
      ephemeral: true,
    })
    try {
      const command = runtime.plugins.commands[0]
      if (!command) throw new Error('the command did not load')
      expect(runtime.plugins.commands.map((c) => c.name)).toEqual(['hi'])
      expect(runtime.commands).toBe(runtime.plugins.commands)
      expect(await runtime.runShell('echo there', { cwd, command })).toEqual({
        output: 'there\n',
        exitCode: 0,
      })
      await expect(runtime.runShell('rm -rf /tmp/not-there', { cwd, command })).rejects.toThrow(
        /was not run.*cannot ask for approval/,
      )
    } finally {
      await runtime.close()
    }
  })

  it('checks rule files before anything runs, and applies them once the grammar has loaded', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'cli-compose-rules-')))
    const home = join(root, 'home')
    mkdirSync(join(home, 'rules'), { recursive: true })
    const env = {
      AGENT_HOME: home,
      HOME: root,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      OPENAI_API_KEY: 'x',
    }
    const settings = {
      cwd: root,
      env,
      model: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
      sandboxMode: 'danger-full-access' as const,
      approvalPolicy: 'on-request' as const,
      pluginDirs: [],
      ephemeral: true,
    }
    writeFileSync(join(home, 'rules', 'bad.rules'), 'prefix_rule(pattern=')
    await expect(composeRuntime({ ...settings, loaded: loadConfig({ cwd: root, env }) })).rejects.toThrow(
      ConfigError,
    )

    writeFileSync(
      join(home, 'rules', 'bad.rules'),
      'prefix_rule(pattern=["echo", "secret"], decision="forbidden", justification="no secrets")',
    )
    const runtime = await composeRuntime({ ...settings, loaded: loadConfig({ cwd: root, env }) })
    try {
      const command = { name: 'x', description: '', body: '', source: { kind: 'project', file: 'x.md' } }
      await expect(runtime.runShell('echo secret', { cwd: root, command } as never)).rejects.toThrow(
        /no secrets/,
      )
      expect(await runtime.runShell('echo public', { cwd: root, command } as never)).toEqual({
        output: 'public\n',
        exitCode: 0,
      })
    } finally {
      await runtime.close()
    }
  })
})
