// Embedding @agent/core: a scripted model (swap in a real one from @agent/models), a tool of
// your own, real processes, and the event loop that prints what happens and answers approvals.
// Run: pnpm --filter @agent/core example
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { createAgent, defineTool, MemorySessionStore } from '../src/index.js'
import { FakePolicy, FakeSandbox, ProcessRunner, reply, ScriptedModel } from '../src/testing/index.js'

// A tool: runs a command through the agent's orchestrator (policy → approval → sandbox → exec).
const shell = defineTool<{ command: string[] }>({
  name: 'shell',
  description: 'Runs a command and returns its output.',
  parameters: z.object({ command: z.array(z.string()).min(1) }),
  readOnly: false,
  async handle(args, ctx) {
    const outcome = await ctx.exec({ command: args.command })
    if (outcome.status === 'rejected') return { output: outcome.reason, isError: true }
    return { output: outcome.formatted, isError: outcome.result.exitCode !== 0 }
  },
})

// What the model "says": first a tool call, then an answer.
const model = new ScriptedModel([
  [reply.toolCall('shell', { command: ['sh', '-c', 'echo 6*7 | bc || echo 42'] })],
  [reply.text('The answer is 42.')],
])

const agent = await createAgent({
  model,
  runner: new ProcessRunner(), // production: createCommandRunner() from @agent/exec
  sandbox: new FakeSandbox(), // production: createSandbox() from @agent/sandbox
  policy: new FakePolicy('prompt'), // production: await createCommandPolicy() from @agent/policy
  tools: [shell],
  store: new MemorySessionStore(), // production: new JsonlSessionStore()
  cwd: mkdtempSync(join(tmpdir(), 'embed-')),
  modelName: 'scripted',
  approvalPolicy: 'on-request',
})

await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'What is 6 × 7?' }] })
for await (const { msg } of agent.events()) {
  if (msg.type === 'exec_approval_request') {
    console.log(`approve? ${msg.command.join(' ')} — yes`)
    await agent.submit({ type: 'exec_approval', id: msg.call_id, decision: 'approved' })
  } else if (msg.type === 'exec_command_end') {
    console.log(`ran, exit ${msg.exit_code}: ${msg.stdout.trim()}`)
  } else if (msg.type === 'agent_message') {
    console.log(`agent: ${msg.message}`)
  } else if (msg.type === 'turn_complete') {
    await agent.shutdown()
  }
}
