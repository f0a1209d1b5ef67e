// Moving from @openai/codex-sdk by changing the import: a program typed against the Codex SDK's
// own declarations (this file typechecks only if the shapes match) runs on `Codex` from here,
// against the mock Responses server, with the Codex SDK's options (baseUrl, apiKey, env, config).
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import type {
  Input as CodexInput,
  CodexOptions,
  ThreadEvent as CodexThreadEvent,
  ThreadOptions as CodexThreadOptions,
  RunResult as CodexTurn,
  TurnOptions as CodexTurnOptions,
} from '@openai/codex-sdk'
import { afterEach, expect, it } from 'vitest'
import { Codex } from '../src/index.js'
import { workspace } from './helpers.js'

/** The part of the Codex SDK's `Codex` and `Thread` a program uses, in the Codex SDK's own types. */
interface CodexThreadLike {
  readonly id: string | null
  run(input: CodexInput, options?: CodexTurnOptions): Promise<CodexTurn>
  runStreamed(
    input: CodexInput,
    options?: CodexTurnOptions,
  ): Promise<{ events: AsyncGenerator<CodexThreadEvent> }>
}
interface CodexLike {
  startThread(options?: CodexThreadOptions): CodexThreadLike
  resumeThread(id: string, options?: CodexThreadOptions): CodexThreadLike
}

/** A program written for @openai/codex-sdk. */
async function codexProgram(
  codex: CodexLike,
  cwd: string,
): Promise<{ first: CodexTurn; streamed: string[] }> {
  const thread = codex.startThread({
    workingDirectory: cwd,
    approvalPolicy: 'never',
    sandboxMode: 'read-only',
  })
  const first = await thread.run([{ type: 'text', text: 'summarise' }], {
    outputSchema: {
      type: 'object',
      properties: { ok: { type: 'boolean' } },
      required: ['ok'],
      additionalProperties: false,
    },
  })
  const resumed = codex.resumeThread(thread.id as string, { workingDirectory: cwd })
  const { events } = await resumed.runStreamed('and now?')
  const streamed: string[] = []
  for await (const event of events) streamed.push(event.type)
  return { first, streamed }
}

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
})

it('runs a program written against @openai/codex-sdk types, unchanged but for the import', async () => {
  const ws = workspace()
  server = await startMockProviderServer({
    wire: 'responses',
    turns: [{ text: '{"ok":true}' }, { text: 'nothing more' }],
  })
  const options: CodexOptions = {
    baseUrl: server.baseUrl,
    apiKey: 'sk-test',
    env: ws.env,
    config: { model: 'test-model' },
  }
  const codex: CodexLike = new Codex(options)
  const { first, streamed } = await codexProgram(codex, ws.dir)
  expect(JSON.parse(first.finalResponse)).toEqual({ ok: true })
  expect(first.usage).toMatchObject({ cache_write_input_tokens: 0 })
  expect(streamed).toEqual(['thread.started', 'turn.started', 'item.completed', 'turn.completed'])
  // The key went where the provider reads it, and the request was the Responses wire's.
  expect(server.requests[0]?.path).toBe('/v1/responses')
  expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test')
})
