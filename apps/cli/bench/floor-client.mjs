// The floor of the CLI benchmark: the least a Node program must do to run the same task as
// `agent exec` against the same server. It streams a Responses API request with Node's built-in
// `fetch` (no SDK, no dependency: the cheapest client Node has), runs each `shell` call the model
// makes (argv, output captured), and sends the growing history back, until a response has no
// tool call. Plain JavaScript, run as is: nothing to bundle or transpile, so its start-up is
// Node's plus the request's.
//   OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=x node bench/floor-client.mjs 'prompt'
// `runFloor` is the same client as a function, for benchmarks that compare in one process
// (packages/sdk/bench): one floor for every benchmark of the repository.
import { spawn } from 'node:child_process'
import { pathToFileURL } from 'node:url'

const tools = [
  {
    type: 'function',
    name: 'shell',
    description: 'Runs a command',
    parameters: {
      type: 'object',
      properties: { command: { type: 'array', items: { type: 'string' } } },
      required: ['command'],
    },
  },
]

/** Runs argv, resolving with its stdout and stderr together, and its exit code. */
function run(argv, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks = []
    child.stdout.on('data', (chunk) => chunks.push(chunk))
    child.stderr.on('data', (chunk) => chunks.push(chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ output: Buffer.concat(chunks).toString('utf8'), code }))
  })
}

/**
 * The task: `prompt` to the Responses server at `baseUrl`, each `shell` call run (in `cwd`, with
 * `env` when given), until a response has no tool call. Resolves with the last response's text.
 */
export async function runFloor({ baseUrl, apiKey = '', prompt = 'hi', cwd, env, model = 'bench' }) {
  const input = [{ role: 'user', content: [{ type: 'input_text', text: prompt }] }]
  const options = { ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) }
  for (;;) {
    const response = await fetch(`${baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model, input, tools, stream: true, store: false }),
    })
    if (!response.ok) throw new Error(`floor-client: HTTP ${response.status}: ${await response.text()}`)
    const calls = []
    let text = ''
    for (const line of (await response.text()).split('\n')) {
      if (!line.startsWith('data: ')) continue
      const event = JSON.parse(line.slice(6))
      if (event.type === 'response.output_item.done') {
        input.push(event.item)
        if (event.item.type === 'function_call') calls.push(event.item)
        if (event.item.type === 'message') text = event.item.content.map((part) => part.text ?? '').join('')
      }
    }
    if (calls.length === 0) return text
    for (const call of calls) {
      const { output, code } = await run(JSON.parse(call.arguments).command, options)
      input.push({ type: 'function_call_output', call_id: call.call_id, output: `exit ${code}\n${output}` })
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const baseUrl = process.env.OPENAI_BASE_URL
  if (!baseUrl) {
    console.error(
      'floor-client: set OPENAI_BASE_URL to the server to talk to (e.g. http://127.0.0.1:8080/v1)',
    )
    process.exit(2)
  }
  await runFloor({ baseUrl, apiKey: process.env.OPENAI_API_KEY ?? '', prompt: process.argv[2] ?? 'hi' })
}
