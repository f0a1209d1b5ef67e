// The plugins wired into a real `@agent/core` agent driven by a scripted model, the way the CLI
// composes them: hooks from published-style plugins around real tool calls, the Skill and Task
// tools in the toolset, a slash command expanded into the user's message.
import { realpathSync, writeFileSync } from 'node:fs'
import { type Agent, createAgent, type HookRunner, type ToolDefinition } from '@agent/core'
import { collectUntil, FakePolicy, FakeSandbox, reply, ScriptedModel } from '@agent/core/testing'
import { runCommand } from '@agent/exec'
import type { Event } from '@agent/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createHookRunner } from './hook-runner.js'
import { loadPlugins } from './loader.js'
import { resolveByName } from './names.js'
import { createSkillTool, type SkillArgs, skillsContextText } from './skills-tool.js'
import { expandSlashCommand, parseSlashInput } from './slash-commands.js'
import { createTaskTool, type SubagentRequest, type TaskArgs } from './task-tool.js'
import {
  writeDevKitPlugin,
  writeHookifyPlugin,
  writeHookifyRules,
  writeSecurityPlugin,
} from './test-support/claude-plugins.js'
import { type TempTree, tempTree } from './test-support/fixtures.js'

let tree: TempTree
const agents: Agent[] = []
beforeEach(() => {
  tree = tempTree()
})
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.shutdown()
  tree.remove()
})

const writeTool: ToolDefinition<{ file_path: string; content: string }> = {
  name: 'Write',
  description: 'Writes a file',
  parameters: z.object({ file_path: z.string(), content: z.string() }),
  readOnly: false,
  async handle(args, ctx) {
    writeFileSync(`${ctx.cwd}/${args.file_path}`, args.content)
    return { output: `wrote ${args.file_path}` }
  },
}

const bashTool: ToolDefinition<{ command: string }> = {
  name: 'Bash',
  description: 'Runs a shell command',
  parameters: z.object({ command: z.string() }),
  readOnly: false,
  async handle(args, ctx) {
    const outcome = await ctx.exec({ command: ['bash', '-c', args.command] })
    if (outcome.status === 'rejected') return { output: outcome.reason, isError: true }
    return { output: outcome.formatted }
  },
}

/** Core's registry takes tools of any argument type; the array needs the erased type. */
const anyTool = <A>(tool: ToolDefinition<A>) => tool as unknown as ToolDefinition

const isTurnEnd = (e: Event) => e.msg.type === 'turn_complete' || e.msg.type === 'turn_aborted'

async function startAgent(options: {
  model: ScriptedModel
  tools: ToolDefinition[]
  hooks?: HookRunner
  cwd: string
  instructions?: string
}): Promise<Agent> {
  const agent = await createAgent({
    model: options.model,
    // Commands run through @agent/exec, as the CLI wires it.
    runner: { run: (request) => runCommand(request) },
    sandbox: new FakeSandbox(),
    policy: new FakePolicy('allow'),
    tools: options.tools,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    cwd: options.cwd,
    modelName: 'scripted',
    approvalPolicy: 'never',
    sandboxPolicy: { type: 'workspace-write', writable_roots: [], network_access: false },
    projectDoc: { enabled: false },
    ...(options.instructions ? { instructions: options.instructions } : {}),
  })
  agents.push(agent)
  return agent
}

/** Tool results the model saw, by call id (from its last request, which holds the whole history). */
const output = (model: ScriptedModel, callId: string) =>
  (model.requests.at(-1)?.input ?? []).find(
    (i) => i.type === 'function_call_output' && i.call_id === callId,
  ) as { call_id: string; output: string; is_error?: boolean } | undefined

describe('plugins in a real agent (scripted model)', () => {
  it('hooks, Skill, Task with two subagents and a slash command, end to end', async () => {
    writeHookifyPlugin(tree)
    writeSecurityPlugin(tree)
    writeDevKitPlugin(tree)
    writeHookifyRules(tree, 'project')
    tree.write({ 'project/data.csv': 'id,name\n1,a\n2,b\n3,c\n', 'project/REVIEWING.md': 'Be kind.\n' })
    const cwd = realpathSync(tree.path('project'))
    const loaded = await loadPlugins({ cwd, home: null, pluginDirs: [tree.path('plugins')] })
    expect(loaded.diagnostics).toEqual([])

    // SubagentStop is recorded by a project hook.
    const stops = tree.path('subagent-stops.log')
    const hooks = createHookRunner({
      hooks: [
        ...loaded.hooks,
        {
          event: 'SubagentStop',
          matcher: '',
          command: `cat >> ${stops}; echo >> ${stops}`,
          origin: { scope: 'project', file: '/x' },
        },
      ],
      projectDir: cwd,
    })

    // The CLI's runSubagent: a child agent with the definition's tool allowlist and a fresh context.
    const childTools = [anyTool(writeTool), anyTool(bashTool)]
    const subagentRuns: { agent: string; tools: string[]; firstInput: string }[] = []
    const runSubagent = async (request: SubagentRequest) => {
      const tools = childTools.filter((t) => !request.agent.tools || request.agent.tools.includes(t.name))
      const model = new ScriptedModel([
        [reply.text(`${request.agent.name} says: looked at ${request.prompt}`)],
      ])
      const child = await startAgent({ model, tools, hooks, cwd, instructions: request.agent.systemPrompt })
      await child.submit({ type: 'user_input', items: [{ type: 'text', text: request.prompt }] })
      const events = await collectUntil(child, isTurnEnd)
      const end = events.at(-1)?.msg
      subagentRuns.push({
        agent: request.agent.name,
        tools: tools.map((t) => t.name),
        firstInput: JSON.stringify(model.requests[0]?.input),
      })
      return {
        finalMessage: end?.type === 'turn_complete' ? end.last_agent_message : null,
        sessionId: child.sessionId,
      }
    }

    const model = new ScriptedModel([
      [
        reply.toolCall('Write', { file_path: 'calc.js', content: 'module.exports = (e) => eval(e)' }, 'w1'),
        reply.toolCall('Bash', { command: 'rm -rf build' }, 'b1'),
      ],
      [reply.toolCall('Skill', { skill: 'csv-stats' }, 's1')],
      // Like a model would: take the skill's directory from the Skill tool's answer.
      (request) => {
        const text = JSON.stringify(request.input)
        const directory = /Base directory for this skill: ([^\\]+)\\n/.exec(text)?.[1]
        return [reply.toolCall('Bash', { command: `bash ${directory}/scripts/stats.sh data.csv` }, 'b2')]
      },
      [
        reply.toolCall(
          'Task',
          { description: 'Review', prompt: 'calc.js', subagent_type: 'code-reviewer' },
          't1',
        ),
        reply.toolCall(
          'Task',
          { description: 'Test', prompt: 'the tests', subagent_type: 'dev-kit:test-runner' },
          't2',
        ),
      ],
      [reply.text('All done.')],
    ])
    // The plugin tools satisfy core's contract structurally: these annotations are the check.
    const skillTool: ToolDefinition<SkillArgs> = createSkillTool(loaded.skills)
    const taskTool: ToolDefinition<TaskArgs> = createTaskTool({ agents: loaded.agents, runSubagent, hooks })
    const hookRunner: HookRunner = hooks
    expect(hookRunner).toBe(hooks)
    const agent = await startAgent({
      model,
      tools: [anyTool(writeTool), anyTool(bashTool), anyTool(skillTool), anyTool(taskTool)],
      hooks,
      cwd,
      instructions: `You are a test agent.\n\n${skillsContextText(loaded.skills, { budgetChars: 8000 })}`,
    })

    // The user types a slash command; the CLI expands it before submitting.
    const slash = parseSlashInput('/review 7 high')
    const found = slash && resolveByName(loaded.commands, slash.name)
    if (!slash || !found?.ok) throw new Error('review command not found')
    await runCommand({ argv: ['git', 'init', '-q', '-b', 'main'], cwd })
    const expanded = await expandSlashCommand(found.value, slash.args, {
      cwd,
      runShell: async (command) => (await runCommand({ argv: ['bash', '-c', command], cwd })).stdout,
    })
    if (!expanded.ok) throw new Error(expanded.error.message)
    const skillDir = tree.path('plugins/dev-kit/skills/csv-stats')
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: expanded.value.prompt }] })
    const events = await collectUntil(agent, isTurnEnd, { timeoutMs: 60_000 })
    expect(events.at(-1)?.msg).toMatchObject({ type: 'turn_complete', last_agent_message: 'All done.' })

    // The slash command's expansion is what the model received.
    const firstRequest = JSON.stringify(model.requests[0]?.input)
    expect(firstRequest).toContain('Review pull request #7 with priority high.')
    expect(firstRequest).toContain('Current branch: main')
    expect(firstRequest).toContain('Be kind.')
    expect(JSON.stringify(model.requests[0])).toContain('- dev-kit:csv-stats: Summarise a CSV file')

    // PreToolUse hooks from the plugins blocked both calls and told the model why.
    const write = output(model, 'w1')
    const bash = output(model, 'b1')
    expect(write).toMatchObject({ call_id: 'w1', is_error: true })
    expect(write?.output).toContain('eval() runs arbitrary code')
    expect(bash).toMatchObject({ call_id: 'b1', is_error: true })
    expect(bash?.output).toContain('Do not delete directories recursively')

    // The Skill tool loaded SKILL.md with its directory, and the bundled script ran.
    expect(output(model, 's1')?.output).toContain(`Base directory for this skill: ${skillDir}`)
    expect(output(model, 'b2')?.output).toContain('rows: 3')

    // Two subagents ran with their own allowlists and fresh contexts; their answers came back.
    expect([output(model, 't1')?.output, output(model, 't2')?.output]).toEqual([
      'dev-kit:code-reviewer says: looked at calc.js',
      'dev-kit:test-runner says: looked at the tests',
    ])
    expect(subagentRuns.map((r) => [r.agent, r.tools]).sort()).toEqual([
      ['dev-kit:code-reviewer', []],
      ['dev-kit:test-runner', ['Bash']],
    ])
    for (const run of subagentRuns) expect(run.firstInput).not.toContain('Review pull request')
    const stopLog = (await import('node:fs')).readFileSync(stops, 'utf8').trim().split('\n')
    expect(stopLog.map((l) => JSON.parse(l).agent_type).sort()).toEqual([
      'dev-kit:code-reviewer',
      'dev-kit:test-runner',
    ])

    // Every hook run was visible in the agent's event stream.
    const hookEvents = events.filter((e) => e.msg.type === 'hook_completed').map((e) => e.msg)
    expect(hookEvents.filter((m) => m.type === 'hook_completed' && m.outcome === 'blocked')).toHaveLength(2)
  }, 90_000)
})
