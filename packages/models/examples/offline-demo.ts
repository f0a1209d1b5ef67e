// Runs a two-step tool-using exchange against the mock Anthropic server (no network, no key),
// recording it to JSONL, then replays the recording with no server at all.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { ModelClient, ModelRequest } from '@agent/protocol'
import { createModelClient } from '../src/index.js'
import { RecordingModelClient, ReplayModelClient, startMockProviderServer } from '../src/testing/index.js'

const server = await startMockProviderServer({
  wire: 'anthropic',
  turns: [
    { type: 'error', status: 529, message: 'Overloaded' }, // retried, visibly
    {
      reasoning: 'I should read the file first.',
      text: 'Let me look.',
      toolCalls: [{ name: 'read_file', arguments: { path: 'notes.txt' } }],
    },
    { text: 'The file says hello.' },
  ],
})
const created = createModelClient({
  provider: { ...server.providerConfig(), name: 'mock-anthropic', retry_base_delay_ms: 50 },
  model: 'claude-demo',
})
if (!created.ok) throw created.error
const file = path.join(mkdtempSync(path.join(tmpdir(), 'models-demo-')), 'session.jsonl')

async function run(label: string, model: ModelClient) {
  console.log(`\n== ${label}`)
  const request: ModelRequest = {
    model: '',
    instructions: 'Answer from the files.',
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What does notes.txt say?' }] },
    ],
    tools: [
      {
        name: 'read_file',
        description: 'Read a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } } },
      },
    ],
  }
  for (let step = 0; step < 2; step++) {
    for await (const event of model.stream(request)) {
      if (event.type === 'retry') console.log(`retry   ${event.message}`)
      if (event.type === 'output_item') {
        request.input.push(event.item)
        console.log(`item    ${JSON.stringify(event.item)}`)
      }
      if (event.type === 'tool_call') {
        request.input.push({ type: 'function_call_output', call_id: event.call_id, output: 'hello' })
      }
      if (event.type === 'completed' || event.type === 'error')
        console.log(`end     ${JSON.stringify(event)}`)
    }
  }
}

await run('live, against the mock server (recorded)', new RecordingModelClient(created.value, file))
await server.close()
console.log(`\nrecording: ${file} (${readFileSync(file, 'utf8').trim().split('\n').length} lines)`)
await run('replayed, server closed', ReplayModelClient.fromFile(file))
