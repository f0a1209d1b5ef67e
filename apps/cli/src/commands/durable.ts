// `agent durable ...`: durable sessions on Restate (@agent/restate). `serve` runs a worker; `exec`
// sends a prompt (or `--attach`es to a running turn) through Restate's ingress; `approve` answers
// a pending approval. Implementations are imported lazily, like every other command's.
import { type Command, InvalidArgumentError } from 'commander'
import { addConfigOption, addModelOptions, addPolicyOptions, collect } from './agent-options.js'

type Run = (action: () => Promise<number>) => Promise<void>

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('expected a port number (1-65535)')
  return n
}

function seconds(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a number of seconds above 0, e.g. 30 or 0.5')
  return n
}

function io() {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  }
}

export function addDurableCommands(program: Command, run: Run): void {
  const durable = program
    .command('durable')
    .description('durable sessions on Restate: turns that survive crashes, spread over many workers')

  const serve = durable
    .command('serve')
    .description('run a worker for durable sessions on 127.0.0.1:PORT (Restate calls it)')
    .requiredOption('--port <PORT>', 'port to listen on (127.0.0.1)', port)
    .option(
      '--register <ADMIN_URL>',
      "register with Restate's admin API (e.g. http://127.0.0.1:9070); retried until it answers",
    )
  addConfigOption(
    addPolicyOptions(addModelOptions(serve), {
      sandbox: 'how commands are confined (default read-only)',
      approval: 'when to ask for approval (answer with `agent durable approve`; default never)',
      fullAuto: 'let the agent edit the workspace: -s workspace-write',
    }),
  )
    .option('--plugin-dir <DIR>', 'load a plugin for every session; repeatable', collect, [])
    .option(
      '--ingress <URL>',
      "Restate's ingress URL as this worker reaches it: publish streaming deltas there for clients to preview",
    )
    .option(
      '--mcp-idle-timeout <SECONDS>',
      "stop a turn's MCP server processes while it waits longer than this for an approval (default 30); they start again with the answer",
      seconds,
    )
    .action(async (flags) => {
      await run(async () => (await import('../durable/serve.js')).runDurableServe(flags, io()))
    })

  durable
    .command('exec')
    .description('send a prompt to a durable session and print its turn like `agent exec`')
    .argument('[PROMPT]', 'what to do; `-` (or nothing, with stdin not a terminal) reads it from stdin')
    .requiredOption('--ingress <URL>', "Restate's ingress URL, e.g. http://127.0.0.1:8080")
    .option('--session <ID>', 'continue this session (default: start a new one)')
    .option('-C, --cd <DIR>', "the new session's working directory (workers must see it)")
    .option('--json', 'print events as JSONL on stdout (as `agent exec --json`)')
    .option('--attach', 'follow the turn running in --session instead of sending a prompt')
    .option('-o, --output-last-message <FILE>', "write the agent's final message to FILE")
    .action(async (prompt: string | undefined, flags) => {
      await run(async () => (await import('../durable/exec.js')).runDurableExec(prompt, flags, io()))
    })

  durable
    .command('steer')
    .description("steer a durable session's running turn: the text reaches the model at its next request")
    .argument('<TEXT>', 'what the turn should take into account')
    .requiredOption('--ingress <URL>', "Restate's ingress URL")
    .requiredOption('--session <ID>', 'the session whose turn to steer')
    .action(async (text: string, flags) => {
      await run(async () => (await import('../durable/steer.js')).runDurableSteer(text, flags, io()))
    })

  durable
    .command('approve')
    .description("answer a durable session's pending approval")
    .argument('<CALL_ID>', 'the call id the approval request named')
    .argument(
      '<DECISION>',
      'approve, approve-session (the same command again: no asking, for the rest of the session) or deny',
    )
    .requiredOption('--ingress <URL>', "Restate's ingress URL")
    .requiredOption('--session <ID>', 'the session that asks')
    .action(async (callId: string, decision: string, flags) => {
      await run(async () =>
        (await import('../durable/approve.js')).runDurableApprove(callId, decision, flags, io()),
      )
    })
}
