// Published-style plugins loaded from disk and their hooks run for real (Node scripts through
// bash), the way the CLI wires them: loadPlugins → createHookRunner.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHookRunner, type HookInput } from './hook-runner.js'
import { loadPlugins } from './loader.js'
import { writeHookifyPlugin, writeHookifyRules, writeSecurityPlugin } from './test-support/claude-plugins.js'
import { type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

async function setup() {
  writeHookifyPlugin(tree)
  writeSecurityPlugin(tree)
  writeHookifyRules(tree, 'project')
  const cwd = tree.path('project')
  const loaded = await loadPlugins({ cwd, home: null, pluginDirs: [tree.path('plugins')] })
  expect(loaded.diagnostics).toEqual([])
  const runner = createHookRunner({ hooks: loaded.hooks, projectDir: cwd })
  const base = { session_id: 's', transcript_path: tree.path('t.jsonl'), cwd }
  const tool = (tool_name: string, tool_input: unknown): HookInput => ({
    ...base,
    hook_event_name: 'PreToolUse',
    tool_name,
    tool_input,
    tool_use_id: 'toolu_1',
  })
  return {
    runner,
    tool,
    prompt: (prompt: string): HookInput => ({ ...base, hook_event_name: 'UserPromptSubmit', prompt }),
  }
}

describe('plugins end to end', () => {
  it('hookify-like rules block a dangerous command and warn about a file edit', async () => {
    const { runner, tool } = await setup()
    const rm = await runner.run(tool('Bash', { command: 'rm -rf build' }), {})
    expect(rm).toEqual({
      permissionDecision: 'deny',
      permissionDecisionReason: 'Do not delete directories recursively; move them to the trash instead.',
      blocked: { reason: 'Do not delete directories recursively; move them to the trash instead.' },
    })
    expect(await runner.run(tool('Bash', { command: 'ls -la' }), {})).toEqual({})
    const write = await runner.run(tool('Write', { file_path: 'a.js', content: 'console.log(1)' }), {})
    expect(write).toEqual({ systemMessages: ['⚠ console.log left in the code.'] })
  })

  it('the security reminder fires on Edit|Write only, and its exit 2 reaches the model', async () => {
    const { runner, tool } = await setup()
    const edit = await runner.run(
      tool('Edit', { file_path: 'src/calc.js', old_string: 'x', new_string: 'eval(expr)' }),
      {},
    )
    expect(edit.blocked?.reason).toBe(
      '⚠️ Security reminder for src/calc.js: eval() runs arbitrary code: parse the data instead (JSON.parse) or use a safe evaluator.',
    )
    expect(edit.permissionDecision).toBe('deny')
    // Bash is not matched by Edit|Write|MultiEdit, and hookify has no rule for it.
    expect(await runner.run(tool('Bash', { command: 'node -e "eval(1)"' }), {})).toEqual({})
  })

  it('both plugins run in parallel on the same call and their answers merge', async () => {
    const { runner, tool } = await setup()
    const events: { type: string }[] = []
    const outcome = await runner.run(tool('Write', { file_path: 'a.js', content: 'console.log(eval(x))' }), {
      onEvent: (e) => events.push(e),
    })
    expect(outcome.blocked?.reason).toContain('eval() runs arbitrary code')
    expect(outcome.systemMessages).toEqual(['⚠ console.log left in the code.'])
    expect(events.map((e) => e.type).sort()).toEqual([
      'hook_completed',
      'hook_completed',
      'hook_started',
      'hook_started',
    ])
  })

  it('a prompt rule blocks a user prompt', async () => {
    const { runner, prompt } = await setup()
    tree.write({
      'project/.claude/hookify.prod.local.md':
        '---\nevent: prompt\npattern: deploy to prod\naction: block\n---\nNo production deploys from the agent.\n',
    })
    expect(await runner.run(prompt('please deploy to prod now'), {})).toEqual({
      blocked: { reason: 'No production deploys from the agent.' },
    })
    expect(await runner.run(prompt('run the tests'), {})).toEqual({})
  })
})
