import { createCommandRunner } from '@agent/exec'
import type { SlashCommand } from '@agent/plugins'
import { createCommandPolicy } from '@agent/policy'
import { createSandbox } from '@agent/sandbox'
import { describe, expect, it } from 'vitest'
import { confinedShell, describeMcpPrompt, expandPrompt } from './slash.js'

const command = (name: string, body: string): SlashCommand =>
  ({ name, description: name, body, origin: { scope: 'project', file: `/x/${name}.md` } }) as SlashCommand

const shell = async (approvalPolicy: 'never' | 'on-request' = 'never') =>
  confinedShell({
    policy: await createCommandPolicy(),
    sandbox: createSandbox(),
    runner: createCommandRunner(),
    env: { PATH: process.env.PATH ?? '' },
    approvalPolicy,
    sandboxPolicy: { type: 'danger-full-access' },
  })

describe('expandPrompt', () => {
  it('expands a known command and leaves other text alone', async () => {
    const runShell = await shell()
    const commands = [command('greet', 'Hello $ARGUMENTS, from !`echo the-shell`')]
    expect(await expandPrompt('/greet Ada', commands, { cwd: process.cwd(), runShell })).toBe(
      'Hello Ada, from the-shell',
    )
    expect(await expandPrompt('/usr/bin/env is a path', commands, { cwd: process.cwd(), runShell })).toBe(
      '/usr/bin/env is a path',
    )
    expect(await expandPrompt('plain text', commands, { cwd: process.cwd(), runShell })).toBe('plain text')
  })

  it('refuses a shell part the policy would ask about, since exec cannot ask', async () => {
    const runShell = await shell('on-request')
    const commands = [command('wipe', 'Done: !`rm -rf /tmp/nothing-here`')]
    await expect(expandPrompt('/wipe', commands, { cwd: process.cwd(), runShell })).rejects.toThrow(
      /was not run.*cannot ask/,
    )
  })
})

describe('describeMcpPrompt', () => {
  it('shows the description, the server and the arguments, required ones in <>', () => {
    expect(
      describeMcpPrompt({
        server: 'srv',
        command: 'mcp__srv__greet',
        description: 'Greets someone',
        arguments: [{ name: 'name', required: true }, { name: 'style' }],
      }),
    ).toBe('Greets someone (MCP server srv; args: <name> [style])')
    expect(describeMcpPrompt({ server: 'db', command: 'mcp__db__schema', arguments: [] })).toBe(
      'MCP prompt (MCP server db)',
    )
  })
})
