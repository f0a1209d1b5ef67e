import { readFileSync } from 'node:fs'
import type { EventMsg } from '@agent/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HookRegistration } from './hook-config.js'
import { createHookRunner, type HookInput } from './hook-runner.js'
import { json, type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

function reg(event: string, command: string, extra: Partial<HookRegistration> = {}): HookRegistration {
  return { event, matcher: '', command, origin: { scope: 'project', file: '/settings.json' }, ...extra }
}

function input(event: string, fields: Partial<HookInput> = {}): HookInput {
  return {
    session_id: 's-1',
    transcript_path: '/tmp/t.jsonl',
    cwd: tree.root,
    hook_event_name: event,
    ...fields,
  }
}

const pre = (tool: string, toolInput: unknown = {}) =>
  input('PreToolUse', { tool_name: tool, tool_input: toolInput, tool_use_id: 'call-1' })

async function run(hooks: HookRegistration[], hookInput: HookInput) {
  const events: EventMsg[] = []
  const outcome = await createHookRunner({ hooks }).run(hookInput, { onEvent: (e) => events.push(e) })
  return { outcome, events }
}

/** A bash command printing `value` as JSON on stdout. */
const printJson = (value: unknown) => `printf '%s' '${JSON.stringify(value).replaceAll("'", `'\\''`)}'`

describe('hook protocol: exit codes', () => {
  it('exit 0 without output: no effect, started and completed events', async () => {
    const { outcome, events } = await run([reg('PreToolUse', 'exit 0')], pre('Bash'))
    expect(outcome).toEqual({})
    expect(events).toEqual([
      {
        type: 'hook_started',
        run_id: expect.any(String),
        hook_event_name: 'PreToolUse',
        command: 'exit 0',
        tool_name: 'Bash',
      },
      {
        type: 'hook_completed',
        run_id: (events[0] as { run_id: string }).run_id,
        hook_event_name: 'PreToolUse',
        outcome: 'success',
        exit_code: 0,
        duration_ms: expect.any(Number),
      },
    ])
  })

  it('exit 0 plain stdout is context for UserPromptSubmit and SessionStart, ignored elsewhere', async () => {
    const echo = reg('UserPromptSubmit', 'echo "Current sprint: 42"')
    expect((await run([echo], input('UserPromptSubmit', { prompt: 'hi' }))).outcome).toEqual({
      additionalContext: ['Current sprint: 42'],
    })
    const start = reg('SessionStart', 'echo "branch: main"')
    expect((await run([start], input('SessionStart', { source: 'startup' }))).outcome).toEqual({
      additionalContext: ['branch: main'],
    })
    expect(
      (await run([reg('PostToolUse', 'echo noise')], input('PostToolUse', { tool_name: 'Bash' }))).outcome,
    ).toEqual({})
  })

  it('exit 2 blocks; stderr is the reason for the model', async () => {
    const { outcome, events } = await run(
      [reg('PreToolUse', 'echo "no rm -rf here" >&2; exit 2')],
      pre('Bash'),
    )
    expect(outcome).toEqual({
      blocked: { reason: 'no rm -rf here' },
      permissionDecision: 'deny',
      permissionDecisionReason: 'no rm -rf here',
    })
    expect(events[1]).toMatchObject({ outcome: 'blocked', exit_code: 2, message: 'no rm -rf here' })
    for (const event of ['PostToolUse', 'Stop', 'SubagentStop', 'UserPromptSubmit', 'BeforeModelRequest']) {
      const r = await run([reg(event, 'echo "not yet" >&2; exit 2')], input(event, { tool_name: 'Bash' }))
      expect(r.outcome, event).toEqual({ blocked: { reason: 'not yet' } })
    }
  })

  it('exit 2 on an event that cannot block shows stderr to the user only', async () => {
    const { outcome, events } = await run(
      [reg('SessionStart', 'echo "cannot block a start" >&2; exit 2')],
      input('SessionStart', { source: 'startup' }),
    )
    expect(outcome).toEqual({ systemMessages: [expect.stringContaining('cannot block a start')] })
    expect(events[1]).toMatchObject({ outcome: 'error', exit_code: 2 })
  })

  it('any other exit code is a non-blocking error shown to the user', async () => {
    const { outcome, events } = await run([reg('PreToolUse', 'echo oops >&2; exit 1')], pre('Write'))
    expect(outcome).toEqual({
      systemMessages: ['hook "echo oops >&2; exit 1" failed with exit code 1: oops'],
    })
    expect(events[1]).toMatchObject({ outcome: 'error', exit_code: 1 })
    const missing = await run([reg('PreToolUse', '/no/such/guard.sh')], pre('Write'))
    expect(missing.outcome.blocked).toBeUndefined()
    expect(missing.outcome.systemMessages?.[0]).toContain('exit code 127')
  })
})

describe('hook protocol: JSON output', () => {
  it('continue: false stops the agent with stopReason; systemMessage goes to the user', async () => {
    const { outcome } = await run(
      [
        reg(
          'PostToolUse',
          printJson({ continue: false, stopReason: 'Build broke', systemMessage: 'see ci.log' }),
        ),
      ],
      input('PostToolUse', { tool_name: 'Bash' }),
    )
    expect(outcome).toEqual({ stop: { reason: 'Build broke' }, systemMessages: ['see ci.log'] })
  })

  it('decision: "block" with a reason blocks PostToolUse, Stop and UserPromptSubmit', async () => {
    for (const event of ['PostToolUse', 'Stop', 'SubagentStop', 'UserPromptSubmit']) {
      const { outcome, events } = await run(
        [reg(event, printJson({ decision: 'block', reason: 'tests still fail' }))],
        input(event, { tool_name: 'Edit', stop_hook_active: false }),
      )
      expect(outcome, event).toEqual({ blocked: { reason: 'tests still fail' } })
      expect(events[1]).toMatchObject({ outcome: 'blocked', exit_code: 0 })
    }
  })

  it('PreToolUse permission decisions merge deny > ask > allow across hooks', async () => {
    const decide = (decision: string, reason: string) =>
      printJson({
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: decision,
          permissionDecisionReason: reason,
        },
      })
    const allow = reg('PreToolUse', decide('allow', 'safe read'))
    const ask = reg('PreToolUse', decide('ask', 'touches .env'))
    const deny = reg('PreToolUse', decide('deny', 'secrets'))
    expect((await run([allow], pre('Read'))).outcome).toEqual({
      permissionDecision: 'allow',
      permissionDecisionReason: 'safe read',
    })
    expect((await run([allow, ask], pre('Read'))).outcome).toEqual({
      permissionDecision: 'ask',
      permissionDecisionReason: 'touches .env',
    })
    expect((await run([deny, allow, ask], pre('Read'))).outcome).toEqual({
      permissionDecision: 'deny',
      permissionDecisionReason: 'secrets',
      blocked: { reason: 'secrets' },
    })
  })

  it('PreToolUse updatedInput and additionalContext; legacy decision "approve"', async () => {
    const rewrite = reg(
      'PreToolUse',
      printJson({
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'allow',
          updatedInput: { command: 'npm test -- --run' },
          additionalContext: 'tests run once, not in watch mode',
        },
      }),
    )
    expect((await run([rewrite], pre('Bash', { command: 'npm test' }))).outcome).toEqual({
      permissionDecision: 'allow',
      updatedInput: { command: 'npm test -- --run' },
      additionalContext: ['tests run once, not in watch mode'],
    })
    const legacy = reg('PreToolUse', printJson({ decision: 'approve', reason: 'allow-listed' }))
    expect((await run([legacy], pre('Bash'))).outcome).toEqual({
      permissionDecision: 'allow',
      permissionDecisionReason: 'allow-listed',
    })
    // A denied call does not run, so a rewrite from another hook is dropped.
    const deny = reg('PreToolUse', 'echo no >&2; exit 2')
    expect((await run([rewrite, deny], pre('Bash'))).outcome.updatedInput).toBeUndefined()
  })

  it('PermissionRequest decisions', async () => {
    const allow = reg(
      'PermissionRequest',
      printJson({
        hookSpecificOutput: {
          hookEventName: 'PermissionRequest',
          decision: { behavior: 'allow', updatedInput: { a: 1 } },
        },
      }),
    )
    expect((await run([allow], input('PermissionRequest', { tool_name: 'Bash' }))).outcome).toEqual({
      permissionDecision: 'allow',
      updatedInput: { a: 1 },
    })
    const deny = reg(
      'PermissionRequest',
      printJson({
        hookSpecificOutput: {
          hookEventName: 'PermissionRequest',
          decision: { behavior: 'deny', message: 'not on main', interrupt: true },
        },
      }),
    )
    expect((await run([deny], input('PermissionRequest', { tool_name: 'Bash' }))).outcome).toEqual({
      permissionDecision: 'deny',
      permissionDecisionReason: 'not on main',
      blocked: { reason: 'not on main' },
      stop: { reason: 'not on main' },
    })
  })

  it('UserPromptSubmit may rewrite the prompt (updatedPrompt) and add context', async () => {
    const hook = reg(
      'UserPromptSubmit',
      printJson({
        hookSpecificOutput: {
          hookEventName: 'UserPromptSubmit',
          updatedPrompt: 'fix the bug (ticket #7)',
          additionalContext: 'ticket #7: crash on save',
        },
      }),
    )
    expect((await run([hook], input('UserPromptSubmit', { prompt: 'fix the bug' }))).outcome).toEqual({
      updatedPrompt: 'fix the bug (ticket #7)',
      additionalContext: ['ticket #7: crash on save'],
    })
    const topLevel = reg('UserPromptSubmit', printJson({ updatedPrompt: 'rewritten' }))
    expect((await run([topLevel], input('UserPromptSubmit', { prompt: 'x' }))).outcome.updatedPrompt).toBe(
      'rewritten',
    )
  })

  it('invalid JSON or JSON outside the protocol is a non-blocking error', async () => {
    const broken = await run([reg('PreToolUse', `printf '{"decision": '`)], pre('Bash'))
    expect(broken.outcome.systemMessages?.[0]).toMatch(/printed invalid JSON/)
    expect(broken.outcome.blocked).toBeUndefined()
    const wrong = await run([reg('PreToolUse', printJson({ continue: 'no' }))], pre('Bash'))
    expect(wrong.outcome.systemMessages?.[0]).toMatch(/does not fit the hook protocol: continue/)
  })
})

describe('hook runner', () => {
  it('sends Claude Code input fields on stdin, with project and plugin directories in the env', async () => {
    const out = tree.path('stdin.json')
    const hook = reg(
      'PreToolUse',
      `cat > ${out}; echo "$CLAUDE_PROJECT_DIR|$CLAUDE_PLUGIN_ROOT|$AGENT_PLUGIN_ROOT" >> ${out}.env`,
      {
        origin: { scope: 'plugin', file: '/p/hooks.json', plugin: 'p', pluginRoot: '/p' },
      },
    )
    const hookInput = pre('Edit', { file_path: 'a.ts', old_string: 'a', new_string: 'b' })
    await createHookRunner({ hooks: [hook], projectDir: '/proj' }).run(hookInput, {})
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(hookInput)
    expect(readFileSync(`${out}.env`, 'utf8').trim()).toBe('/proj|/p|/p')
  })

  it('selects hooks with Claude Code matcher rules against the tool name', async () => {
    const hooks = [
      reg('PreToolUse', 'echo edit-write >&2; exit 2', { matcher: 'Edit|Write' }),
      reg('PreToolUse', 'echo mcp >&2; exit 2', { matcher: 'mcp__.*' }),
      reg('PreToolUse', 'echo all >&2; exit 2', { matcher: '*' }),
      reg('SessionStart', 'echo resumed', { matcher: 'resume' }),
      reg('Stop', 'echo stop-ignores-matcher >&2; exit 2', { matcher: 'Whatever' }),
    ]
    const runner = createHookRunner({ hooks })
    const reasons = async (i: HookInput) => (await runner.run(i, {})).blocked?.reason.split('\n') ?? []
    expect(await reasons(pre('Write'))).toEqual(['edit-write', 'all'])
    expect(await reasons(pre('mcp__github__create_issue'))).toEqual(['mcp', 'all'])
    expect(await reasons(pre('MultiEditor'))).toEqual(['all'])
    expect(await reasons(input('Stop'))).toEqual(['stop-ignores-matcher'])
    expect(
      (await runner.run(input('SessionStart', { source: 'startup' }), {})).additionalContext,
    ).toBeUndefined()
    expect((await runner.run(input('SessionStart', { source: 'resume' }), {})).additionalContext).toEqual([
      'resumed',
    ])
  })

  it('with no hook for the event or tool, runs nothing and serialises nothing', async () => {
    const hooks = [reg('PreToolUse', 'exit 2', { matcher: 'Edit' }), reg('Stop', 'exit 2')]
    // Input that JSON cannot serialise: only a hook that runs would need its stdin.
    const circular: Record<string, unknown> = {}
    circular.self = circular
    const { outcome, events } = await run(hooks, pre('Bash', circular))
    expect(outcome).toEqual({})
    expect(events).toEqual([])
    // A hook that does run gets its input serialised (here, that fails and is reported).
    const ran = await run(hooks, pre('Edit', circular))
    expect(ran.outcome.systemMessages?.[0]).toMatch(/hooks for PreToolUse failed/)
  })

  it('runs matching hooks in parallel and deduplicates identical commands', async () => {
    // Each hook waits for the other's file: this finishes only when both run at once.
    const wait = (mine: string, theirs: string) =>
      `touch ${tree.path(mine)}; for i in $(seq 400); do [ -f ${tree.path(theirs)} ] && exit 0; sleep 0.05; done; echo alone >&2; exit 1`
    const hooks = [reg('Stop', wait('a', 'b')), reg('Stop', wait('b', 'a')), reg('Stop', wait('b', 'a'))]
    const { outcome, events } = await run(hooks, input('Stop'))
    expect(outcome).toEqual({})
    expect(events.filter((e) => e.type === 'hook_started')).toHaveLength(2)
  })

  it('stops a hook that sleeps past its timeout, and carries on', async () => {
    const started = Date.now()
    const { outcome, events } = await run(
      [reg('PreToolUse', 'sleep 60', { timeoutSec: 1 }), reg('PreToolUse', 'echo fine')],
      pre('Bash'),
    )
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(outcome).toEqual({ systemMessages: [expect.stringMatching(/hook "sleep 60" timed out/)] })
    expect(events.find((e) => e.type === 'hook_completed' && e.outcome === 'timeout')).toMatchObject({
      exit_code: null,
    })
  })

  it('caps a hook that prints 10 MB', async () => {
    const flood = reg('UserPromptSubmit', `head -c 10000000 /dev/zero | tr '\\0' a`)
    const { outcome, events } = await run([flood], input('UserPromptSubmit', { prompt: 'x' }))
    const context = outcome.additionalContext?.[0] ?? ''
    expect(context.length).toBeLessThan(11_000)
    expect(context).toMatch(/^a{10000}\n\[hook output truncated/)
    expect(events[1]).toMatchObject({ outcome: 'success' })
    const jsonFlood = reg(
      'PreToolUse',
      `printf '{"systemMessage": "'; head -c 10000000 /dev/zero | tr '\\0' a; printf '"}'`,
    )
    const r = await run([jsonFlood], pre('Bash'))
    expect(r.outcome.systemMessages?.[0]).toMatch(/output was too large and was truncated/)
  })

  it('never hangs or rejects: a crashing or stuck process runner, a throwing listener, an abort', async () => {
    const crashing = createHookRunner({
      hooks: [reg('Stop', 'true')],
      runProcess: () => Promise.reject(new Error('spawn exploded')),
    })
    expect(await crashing.run(input('Stop'), {})).toEqual({
      systemMessages: ['hook "true" could not run: spawn exploded'],
    })
    const stuck = createHookRunner({
      hooks: [reg('Stop', 'true', { timeoutSec: 0.2 })],
      runProcess: () => new Promise(() => {}),
      stuckGraceMs: 200,
    })
    expect((await stuck.run(input('Stop'), {})).systemMessages?.[0]).toMatch(/timed out/)
    const throwing = createHookRunner({ hooks: [reg('Stop', 'echo x >&2; exit 2')] })
    const outcome = await throwing.run(input('Stop'), {
      onEvent: () => {
        throw new Error('listener bug')
      },
    })
    expect(outcome.blocked?.reason).toBe('x')
    const controller = new AbortController()
    const pending = createHookRunner({ hooks: [reg('Stop', 'sleep 60')] }).run(input('Stop'), {
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 200)
    expect((await pending).systemMessages).toEqual(['hook "sleep 60" was cancelled'])
  })

  it('matching() lists what would run, deduplicated, without running anything', async () => {
    const runner = createHookRunner({
      hooks: [
        reg('PreToolUse', 'touch should-not-exist', { matcher: 'Bash' }),
        reg('PreToolUse', 'touch should-not-exist', { matcher: '*' }),
        reg('PostToolUse', 'true'),
      ],
    })
    expect((await runner.matching(pre('Bash'))).map((h) => h.command)).toEqual(['touch should-not-exist'])
    expect(await runner.matching(pre('Read'))).toHaveLength(1)
    expect(runner.hooks).toHaveLength(3)
  })

  it('a reload that fails keeps the old hooks and says why', async () => {
    tree.write({ 'settings.json': '{}' })
    let fail = true
    const runner = createHookRunner({
      hooks: [reg('Stop', 'echo old >&2; exit 2')],
      reload: {
        files: [tree.path('settings.json')],
        load: async () => {
          if (fail) throw new Error('disk on fire')
          return { hooks: [reg('Stop', 'echo new >&2; exit 2')] }
        },
      },
    })
    tree.write({ 'settings.json': '{"hooks": {}}' })
    expect(await runner.run(input('Stop'), {})).toEqual({
      blocked: { reason: 'old' },
      systemMessages: ['hooks could not be reloaded, the previous ones stay in force: disk on fire'],
    })
    // Not retried (nor repeated) until the files change again.
    fail = false
    expect(await runner.run(input('Stop'), {})).toEqual({ blocked: { reason: 'old' } })
    tree.write({ 'settings.json': '{"hooks": {"Stop": []}}' })
    expect((await runner.run(input('Stop'), {})).blocked?.reason).toBe('new')
  })

  it('reloads hooks when their files change, without a restart', async () => {
    const { loadPlugins } = await import('./loader.js')
    const settings = (command: string) =>
      json({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command }] }] } })
    tree.write({ 'p/.claude/settings.json': settings('echo first >&2; exit 2') })
    const load = () => loadPlugins({ cwd: tree.path('p'), home: null })
    const loaded = await load()
    const runner = createHookRunner({ hooks: loaded.hooks, reload: { files: loaded.hookFiles, load } })
    expect((await runner.run(pre('Bash'), {})).blocked?.reason).toBe('first')

    tree.write({
      'p/.claude/settings.json': settings('echo second >&2; exit 2 # longer, so the size changes'),
    })
    const events: EventMsg[] = []
    expect((await runner.run(pre('Bash'), { onEvent: (e) => events.push(e) })).blocked?.reason).toBe('second')
    expect(events[0]).toEqual({ type: 'background_event', message: 'hooks reloaded: 1 hook(s) configured' })

    // A file that did not exist yet counts too; a broken one is reported as a warning event.
    tree.write({
      'p/.agent/settings.local.json': settings('echo third >&2; exit 2'),
      'p/.agent/settings.json': '{ "hooks": ',
    })
    const more: EventMsg[] = []
    expect((await runner.run(pre('Bash'), { onEvent: (e) => more.push(e) })).blocked?.reason).toBe(
      'second\nthird',
    )
    expect(more[1]).toMatchObject({
      type: 'warning',
      message: expect.stringMatching(/\.agent\/settings\.json:1: error: invalid JSON/),
    })
  })

  it('willRun says whether a run would run a hook, after a reload it reports at that run', async () => {
    const { loadPlugins } = await import('./loader.js')
    const settings = (event: string) =>
      json({
        hooks: {
          [event]: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo ran >&2; exit 2' }] }],
        },
      })
    tree.write({ 'p/.claude/settings.json': settings('Stop') })
    const load = () => loadPlugins({ cwd: tree.path('p'), home: null })
    const loaded = await load()
    const runner = createHookRunner({ hooks: loaded.hooks, reload: { files: loaded.hookFiles, load } })
    expect(await runner.willRun(pre('Bash'))).toBe(false)
    expect(await runner.willRun(pre('Read'))).toBe(false)
    expect(await runner.run(pre('Bash'), {})).toEqual({})

    tree.write({ 'p/.claude/settings.json': settings('PreToolUse') })
    expect(await runner.willRun(pre('Read'))).toBe(false)
    expect(await runner.willRun(pre('Bash'))).toBe(true)
    // The run after the check that reloaded reports the reload, and runs the new hook.
    const events: EventMsg[] = []
    expect((await runner.run(pre('Bash'), { onEvent: (e) => events.push(e) })).blocked?.reason).toBe('ran')
    expect(events[0]).toEqual({ type: 'background_event', message: 'hooks reloaded: 1 hook(s) configured' })
  })

  it('a failed reload found by willRun says yes, and the next run says why', async () => {
    tree.write({ 'settings.json': '{}' })
    const runner = createHookRunner({
      hooks: [],
      reload: {
        files: [tree.path('settings.json')],
        load: async () => {
          throw new Error('disk on fire')
        },
      },
    })
    tree.write({ 'settings.json': '{"hooks": {}}' })
    expect(await runner.willRun(input('Stop'))).toBe(true)
    expect(await runner.run(input('Stop'), {})).toEqual({
      systemMessages: ['hooks could not be reloaded, the previous ones stay in force: disk on fire'],
    })
  })
})
