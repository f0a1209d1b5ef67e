// Run by persistence.test.ts as a separate process that gets killed with SIGKILL mid-turn:
// a session with a JSONL store runs a few real commands, then a long one, and prints its id.
import { createAgent, JsonlSessionStore } from '../src/index.js'
import { FakePolicy, FakeSandbox, ProcessRunner, reply, ScriptedModel } from '../src/testing/index.js'
import { shellTool } from './helpers.js'

const [home, cwd] = process.argv.slice(2) as [string, string]
const steps = Array.from({ length: 5 }, (_, i) => [
  reply.toolCall('shell', { command: ['echo', `step ${i}`] }, `call_${i}`),
])
const model = new ScriptedModel([
  ...steps,
  [reply.toolCall('shell', { command: ['sleep', '60'] }, 'call_sleep')],
])
const agent = await createAgent({
  model,
  runner: new ProcessRunner(),
  sandbox: new FakeSandbox(),
  policy: new FakePolicy('allow'),
  tools: [shellTool],
  store: new JsonlSessionStore({ home }),
  cwd,
  modelName: 'child-model',
  approvalPolicy: 'never',
  sandboxPolicy: { type: 'danger-full-access' },
  projectDoc: { enabled: false },
})
await agent.submit({ type: 'user_input', items: [{ type: 'text', text: 'count to five then sleep' }] })
for await (const event of agent.events()) {
  if (event.msg.type === 'exec_command_begin' && event.msg.command[0] === 'sleep') {
    process.stdout.write(`ready ${agent.sessionId}\n`)
  }
}
