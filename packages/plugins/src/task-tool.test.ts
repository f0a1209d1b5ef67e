import type { EventMsg } from '@agent/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHookRunner } from './hook-runner.js'
import { loadPlugins } from './loader.js'
import { createTaskTool, type SubagentRequest, type SubagentResult } from './task-tool.js'
import { writeDevKitPlugin } from './test-support/claude-plugins.js'
import { type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
beforeEach(() => {
  tree = tempTree()
})
afterEach(() => tree.remove())

function context(events: EventMsg[] = [], callId = 'call-1') {
  return {
    callId,
    sessionId: 'parent-session',
    cwd: tree.root,
    signal: new AbortController().signal,
    emit: (e: EventMsg) => events.push(e),
  }
}

async function devKitAgents() {
  writeDevKitPlugin(tree)
  return (await loadPlugins({ cwd: tree.root, home: null, pluginDirs: [tree.path('plugins')] })).agents
}

describe('createTaskTool', () => {
  it('delegates to the named subagent with its definition and returns its final message', async () => {
    const agents = await devKitAgents()
    const requests: SubagentRequest[] = []
    const tool = createTaskTool({
      agents,
      runSubagent: async (request) => {
        requests.push(request)
        return { finalMessage: `reviewed: ${request.prompt}` }
      },
    })
    expect(tool).toMatchObject({ name: 'Task', readOnly: false, parallelSafe: true })
    expect(tool.description).toContain('- dev-kit:code-reviewer: Reviews code for bugs and style.')
    expect(tool.description).toContain('(Tools: Read, Grep, Glob)')
    expect(tool.description).toContain('- general-purpose:')
    const args = tool.parameters.parse({
      description: 'Review diff',
      prompt: 'src/a.ts',
      subagent_type: 'code-reviewer',
    })
    expect(await tool.handle(args, context())).toEqual({ output: 'reviewed: src/a.ts' })
    expect(requests[0]).toMatchObject({
      agent: { name: 'dev-kit:code-reviewer', tools: ['Read', 'Grep', 'Glob'], model: 'sonnet', maxTurns: 8 },
      prompt: 'src/a.ts',
      description: 'Review diff',
      parent: { sessionId: 'parent-session', callId: 'call-1', cwd: tree.root },
    })
    await tool.handle({ description: 'Look around', prompt: 'find TODOs' }, context())
    expect(requests[1]?.agent.name).toBe('general-purpose')
  })

  it('runs several subagents at once when the model asks for several', async () => {
    const agents = await devKitAgents()
    let inFlight = 0
    let maxInFlight = 0
    let release: () => void = () => {}
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve
    })
    const tool = createTaskTool({
      agents,
      runSubagent: async (request) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        if (inFlight === 2) release()
        await bothStarted
        inFlight--
        return { finalMessage: `${request.agent.name} done` }
      },
      name: 'Agent',
    })
    expect(tool.name).toBe('Agent')
    const results = await Promise.all([
      tool.handle(
        { description: 'Review', prompt: 'a', subagent_type: 'dev-kit:code-reviewer' },
        context([], 'c1'),
      ),
      tool.handle({ description: 'Test', prompt: 'b', subagent_type: 'test-runner' }, context([], 'c2')),
    ])
    expect(maxInFlight).toBe(2)
    expect(results.map((r) => r.output)).toEqual(['dev-kit:code-reviewer done', 'dev-kit:test-runner done'])
  })

  it('fires SubagentStop through the hook runner; a blocking hook sends the subagent back to work', async () => {
    const agents = await devKitAgents()
    // Blocks the first stop (stop_hook_active false), lets the second one through.
    const hook = `input=$(cat); echo "$input" >> ${tree.path('stops.jsonl')}; case "$input" in *'"stop_hook_active":false'*) echo "run the tests too" >&2; exit 2;; esac`
    const hooks = createHookRunner({
      hooks: [
        {
          event: 'SubagentStop',
          matcher: 'dev-kit:test-runner',
          command: hook,
          origin: { scope: 'project', file: '/s.json' },
        },
      ],
    })
    const prompts: string[] = []
    const session = (n: number): SubagentResult => ({
      finalMessage: `answer ${n}`,
      sessionId: 'child-1',
      continue: async (prompt) => {
        prompts.push(prompt)
        return session(n + 1)
      },
    })
    const tool = createTaskTool({ agents, hooks, runSubagent: async () => session(1) })
    const events: EventMsg[] = []
    const result = await tool.handle(
      { description: 'Test', prompt: 'go', subagent_type: 'test-runner' },
      context(events),
    )
    expect(result).toEqual({ output: 'answer 2' })
    expect(prompts).toEqual(['run the tests too'])
    const { readFileSync } = await import('node:fs')
    const stops = readFileSync(tree.path('stops.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(stops).toEqual([
      expect.objectContaining({
        hook_event_name: 'SubagentStop',
        session_id: 'parent-session',
        agent_type: 'dev-kit:test-runner',
        agent_id: 'child-1',
        stop_hook_active: false,
        last_assistant_message: 'answer 1',
      }),
      expect.objectContaining({ stop_hook_active: true, last_assistant_message: 'answer 2' }),
    ])
    expect(
      events.filter((e) => e.type === 'hook_completed').map((e) => (e as { outcome: string }).outcome),
    ).toEqual(['blocked', 'success'])
    // The matcher selects by agent type: another subagent's stop runs no hook.
    await tool.handle({ description: 'Review', prompt: 'go', subagent_type: 'code-reviewer' }, context())
    expect(readFileSync(tree.path('stops.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2)
  })

  it('reports an unknown agent type or a failed subagent as a tool error', async () => {
    const tool = createTaskTool({
      agents: await devKitAgents(),
      runSubagent: () => Promise.reject(new Error('model unavailable')),
    })
    const unknown = await tool.handle({ description: 'x', prompt: 'y', subagent_type: 'designer' }, context())
    expect(unknown).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^No "designer" is defined\. Agent types: /),
    })
    expect(
      await tool.handle({ description: 'x', prompt: 'y', subagent_type: 'test-runner' }, context()),
    ).toEqual({
      output: 'Subagent "dev-kit:test-runner" failed: model unavailable',
      isError: true,
    })
  })
})
