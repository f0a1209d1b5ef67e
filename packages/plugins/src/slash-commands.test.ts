import { runCommand } from '@agent/exec'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadPlugins } from './loader.js'
import type { SlashCommand } from './markdown-components.js'
import {
  expandSlashCommand,
  parseSlashInput,
  type RunShell,
  splitArguments,
  substituteArguments,
} from './slash-commands.js'
import { writeDevKitPlugin } from './test-support/claude-plugins.js'
import { type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

/** A real shell runner, standing in for the CLI's (which goes through core's orchestrator). */
const bash: RunShell = async (command, { cwd }) => {
  const result = await runCommand({ argv: ['bash', '-c', command], cwd, timeoutMs: 30_000 })
  if (result.error) throw new Error(result.error)
  return { output: result.aggregatedOutput, exitCode: result.exitCode }
}

function command(body: string, extra: Partial<SlashCommand> = {}): SlashCommand {
  return { name: 'c', description: 'd', body, origin: { scope: 'project', file: '/c.md' }, ...extra }
}

describe('parseSlashInput / splitArguments / substituteArguments', () => {
  it('parses /name args', () => {
    expect(parseSlashInput('/review 12 high')).toEqual({ name: 'review', args: '12 high' })
    expect(parseSlashInput('  /dev-kit:review  ')).toEqual({ name: 'dev-kit:review', args: '' })
    expect(parseSlashInput('/fix\nline two')).toEqual({ name: 'fix', args: 'line two' })
    expect(parseSlashInput('not a command')).toBeUndefined()
    expect(parseSlashInput('/ nope')).toBeUndefined()
  })

  it('splits arguments with shell-like quoting', () => {
    expect(splitArguments(`12 "needs work" 'it''s' a\\ b`)).toEqual(['12', 'needs work', 'its', 'a b'])
    expect(splitArguments('  ')).toEqual([])
    expect(splitArguments(`"" x`)).toEqual(['', 'x'])
  })

  it('substitutes $ARGUMENTS, $ARGUMENTS[N] and $N, 0-based', () => {
    expect(substituteArguments('PR $0 at $1 ($ARGUMENTS) [$ARGUMENTS[1]] $5.', '12 high')).toEqual({
      text: 'PR 12 at high (12 high) [high] .',
      used: true,
    })
    expect(substituteArguments('no placeholders', 'x')).toEqual({ text: 'no placeholders', used: false })
    expect(substituteArguments('echo $0 $1', `"a'b; rm" -rf`, { quote: true }).text).toBe(
      `echo 'a'\\''b; rm' -rf`,
    )
  })
})

describe('expandSlashCommand', () => {
  it('expands a plugin command with arguments, @file and !`cmd` through the shell runner', async () => {
    writeDevKitPlugin(tree)
    tree.write({ 'project/REVIEWING.md': 'Small commits.\nTests first.\n' })
    await runCommand({ argv: ['git', 'init', '-q', '-b', 'feature-x'], cwd: tree.path('project') })
    const loaded = await loadPlugins({
      cwd: tree.path('project'),
      home: null,
      pluginDirs: [tree.path('plugins')],
    })
    const review = loaded.commands.find((c) => c.name === 'dev-kit:review')
    if (!review) throw new Error('review command not loaded')
    const ran: string[] = []
    const result = await expandSlashCommand(review, '42 "high priority"', {
      cwd: tree.path('project'),
      runShell: async (cmd, context) => {
        ran.push(`${cmd} [${context.allowedTools?.join(' ')}]`)
        return bash(cmd, context)
      },
    })
    if (!result.ok) throw new Error(result.error.message)
    expect(ran).toEqual(['git branch --show-current [Bash(git diff:*) Read]'])
    expect(result.value).toMatchObject({
      model: 'claude-sonnet-4-5',
      allowedTools: ['Bash(git diff:*)', 'Read'],
      files: [tree.path('project/REVIEWING.md')],
    })
    expect(result.value.prompt).toBe(
      [
        'Review pull request #42 with priority high priority.',
        '',
        'Everything the user said: 42 "high priority"',
        '',
        'House rules: @REVIEWING.md',
        '',
        'Current branch: feature-x',
        `Plugin helpers live in ${tree.path('plugins/dev-kit')}/scripts.`,
        '',
        'Contents of REVIEWING.md:',
        '```',
        'Small commits.',
        'Tests first.',
        '```',
      ].join('\n'),
    )
  })

  it('appends the arguments when the body has no placeholder, as Claude Code does', async () => {
    const result = await expandSlashCommand(command('Explain the code.\n'), 'src/a.ts', { cwd: tree.root })
    expect(result).toMatchObject({ ok: true, value: { prompt: 'Explain the code.\n\nARGUMENTS: src/a.ts' } })
  })

  it('quotes arguments inside !`cmd` so they cannot inject shell syntax', async () => {
    const result = await expandSlashCommand(command('Said: !`printf "%s" $0`'), `'$(touch pwned)'`, {
      cwd: tree.root,
      runShell: bash,
    })
    expect(result).toMatchObject({ ok: true, value: { prompt: 'Said: $(touch pwned)' } })
  })

  it('leaves @mentions that are not files alone, and cuts large files', async () => {
    tree.write({ 'big.txt': 'x'.repeat(5000) })
    const result = await expandSlashCommand(command('Ask @alice about @big.txt, mail bob@example.com'), '', {
      cwd: tree.root,
      maxFileBytes: 1000,
    })
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.files).toEqual([tree.path('big.txt')])
    expect(result.value.prompt).toContain('Ask @alice about @big.txt, mail bob@example.com')
    expect(result.value.prompt).toContain(`${'x'.repeat(1000)}\n[file truncated at 1000 bytes]`)
  })

  it('fails clearly when a shell step is refused or no runner is given', async () => {
    const refused = await expandSlashCommand(command('!`rm -rf build`'), '', {
      cwd: tree.root,
      runShell: () => Promise.reject(new Error('forbidden by policy: rm -rf')),
    })
    expect(refused).toEqual({
      ok: false,
      error: { kind: 'shell_failed', message: '/c: `rm -rf build` failed: forbidden by policy: rm -rf' },
    })
    const none = await expandSlashCommand(command('!`ls`'), '', { cwd: tree.root })
    expect(none).toMatchObject({ ok: false, error: { kind: 'shell_unavailable' } })
  })
})
