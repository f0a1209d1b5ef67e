// `@openai/codex-sdk` drives the built `agent` binary unchanged (`codexPathOverride`): the exact
// argv, environment and stdin it sends, and the JSONL it parses, against the mock provider
// speaking the Responses wire.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { Codex, type ThreadEvent, type ThreadOptions } from '@openai/codex-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { bin, isAlive, runAgent, waitForPid, waitUntilGone, workspace } from './helpers.js'

let server: MockProviderServer | undefined
const roots: string[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

async function setup(turns: MockTurn[], files: Record<string, string> = {}) {
  const ws = workspace(files)
  roots.push(ws.root)
  server = await startMockProviderServer({ wire: 'responses', turns })
  const codex = new Codex({
    codexPathOverride: bin,
    baseUrl: server.baseUrl,
    apiKey: 'sdk-key',
    env: ws.env(),
  })
  const thread = (options: ThreadOptions = {}) =>
    codex.startThread({ model: 'test-model', workingDirectory: ws.repo, ...options })
  return { ws, codex, thread, server }
}

type RequestBody = {
  model: string
  input: { type: string; role?: string; content?: { type: string; text?: string; image_url?: string }[] }[]
  reasoning?: { effort?: string }
  text?: { format?: { type: string; schema?: unknown; name?: string; strict?: boolean } }
}
const body = (s: MockProviderServer, index: number) => s.requests[index]?.body as RequestBody

const userTexts = (request: RequestBody) =>
  request.input
    .filter((item) => item.role === 'user')
    .flatMap((item) => item.content ?? [])
    .flatMap((part) => (part.type === 'input_text' && part.text ? [part.text] : []))

const shell = (script: string) => ({ name: 'shell', arguments: { command: ['bash', '-c', script] } })

describe('@openai/codex-sdk with codexPathOverride = agent', () => {
  it('run: a multi-step turn returns its items, final response and usage', async () => {
    const { thread, server } = await setup(
      [
        {
          reasoning: 'Let me look.',
          text: 'Reading.',
          toolCalls: [shell('cat notes.txt')],
          usage: { input: 30, output: 10, reasoning: 3 },
        },
        { text: 'The notes say hello.', usage: { input: 40, cached: 8, output: 6, reasoning: 2 } },
      ],
      { 'notes.txt': 'hello\n' },
    )
    const t = thread()
    const result = await t.run('what do the notes say?')

    expect(result.finalResponse).toBe('The notes say hello.')
    const command = result.items.find((item) => item.type === 'command_execution')
    expect(command).toMatchObject({ status: 'completed', exit_code: 0, aggregated_output: 'hello\n' })
    expect(result.items.map((item) => item.type)).toEqual([
      'reasoning',
      'agent_message',
      'command_execution',
      'agent_message',
    ])
    // Summed over the turn's two model requests.
    expect(result.usage).toMatchObject({
      input_tokens: 70,
      cached_input_tokens: 8,
      output_tokens: 16,
      reasoning_output_tokens: 5,
    })
    expect(t.id).toMatch(/\S/)
    // CODEX_API_KEY is the OpenAI key, `openai_base_url` moved the endpoint, the prompt came on stdin.
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sdk-key')
    expect(body(server, 0).model).toBe('test-model')
    expect(userTexts(body(server, 0))).toContain('what do the notes say?')
  })

  it('runStreamed: the documented event types in order, a todo list updated in place', async () => {
    const plan = (status: string) => ({
      name: 'update_plan',
      arguments: { plan: [{ step: 'look around', status }] },
    })
    const { thread } = await setup([
      { toolCalls: [plan('in_progress')] },
      { toolCalls: [shell('echo hi')] },
      { toolCalls: [plan('completed')] },
      { text: 'Done.' },
    ])
    const { events } = await thread().runStreamed('plan then act')
    const seen: ThreadEvent[] = []
    for await (const event of events) seen.push(event)

    const shape = seen.map((e) =>
      e.type.startsWith('item.') ? `${e.type}:${(e as { item: { type: string } }).item.type}` : e.type,
    )
    expect(shape).toEqual([
      'thread.started',
      'turn.started',
      'item.started:todo_list',
      'item.started:command_execution',
      'item.completed:command_execution',
      'item.updated:todo_list',
      'item.completed:agent_message',
      'item.completed:todo_list',
      'turn.completed',
    ])
    const todo = seen.filter((e) => e.type === 'item.completed' && e.item.type === 'todo_list').at(-1)
    expect(todo).toMatchObject({ item: { items: [{ text: 'look around', completed: true }] } })
    const ids = new Set(seen.flatMap((e) => ('item' in e ? [e.item.id] : [])))
    expect(ids.size).toBe(3) // a todo list, a command, a message: started/updated/completed share ids
    const done = seen.at(-1)
    expect(done?.type === 'turn.completed' && done.usage.reasoning_output_tokens).toBeTypeOf('number')
  })

  it('resumeThread: the next turn reads the prompt from stdin and carries the history', async () => {
    const { codex, thread, server, ws } = await setup([
      { text: 'The secret word is kumquat.' },
      { text: 'You asked me for the secret word.' },
    ])
    const first = thread()
    await first.run('remember a secret word')
    const id = first.id
    expect(id).toBeTruthy()

    const resumed = codex.resumeThread(id as string, { model: 'test-model', workingDirectory: ws.repo })
    const result = await resumed.run('what did I ask before?')
    expect(result.finalResponse).toBe('You asked me for the secret word.')
    expect(resumed.id).toBe(id)
    const second = body(server, 1)
    expect(userTexts(second)).toEqual(
      expect.arrayContaining(['remember a secret word', 'what did I ask before?']),
    )
    const assistant = second.input.filter((item) => item.role === 'assistant')
    expect(JSON.stringify(assistant)).toContain('kumquat')
  })

  it('accepts every thread option the SDK sends: images, extra dirs, effort, network, web search, approvals', async () => {
    const { thread, server, ws } = await setup([
      { toolCalls: [shell(`echo written > ${join('..', 'extra', 'out.txt')}`)] },
      { text: 'Wrote it.' },
    ])
    const extra = join(ws.root, 'extra')
    mkdirSync(extra)
    const image = join(ws.root, 'pixel.png')
    writeFileSync(image, PNG_1x1)
    const t = thread({
      sandboxMode: 'workspace-write',
      skipGitRepoCheck: true,
      additionalDirectories: [extra],
      modelReasoningEffort: 'low',
      networkAccessEnabled: false,
      webSearchMode: 'disabled',
      approvalPolicy: 'never',
    })
    const result = await t.run([
      { type: 'text', text: 'write into the extra dir' },
      { type: 'local_image', path: image },
    ])
    expect(result.finalResponse).toBe('Wrote it.')
    // --add-dir made the directory writable inside the workspace-write sandbox.
    expect(readFileSync(join(extra, 'out.txt'), 'utf8')).toBe('written\n')
    const first = body(server, 0)
    expect(first.reasoning?.effort).toBe('low')
    const parts = first.input.flatMap((item) => item.content ?? [])
    expect(parts.find((p) => p.type === 'input_image')?.image_url).toMatch(/^data:image\/png;base64,/)
  })

  it("webSearchMode: the hosted search is offered, and comes back as the SDK's web_search item", async () => {
    const { thread, server } = await setup([
      {
        webSearch: {
          query: 'codex sdk 0.163',
          results: [{ url: 'https://example.com/codex', title: 'Codex' }],
        },
        text: 'It shipped.',
      },
    ])
    const result = await thread({ webSearchMode: 'live' }).run('search the web')
    expect(result.finalResponse).toBe('It shipped.')
    // What @openai/codex-sdk users read: a completed web_search item with the query.
    expect(result.items.map((item) => item.type)).toEqual(['web_search', 'agent_message'])
    expect(result.items[0]).toMatchObject({ type: 'web_search', query: 'codex sdk 0.163' })
    const tools = (server.requests[0] as { body: { tools: { type: string }[] } }).body.tools
    expect(tools.filter((tool) => tool.type === 'web_search')).toEqual([
      { type: 'web_search', external_web_access: true },
    ])
  })

  it('the error the SDK reports when the turn fails, and when the agent cannot start', async () => {
    const { thread, codex, ws } = await setup([
      { type: 'error', status: 400, message: 'model test-model does not exist' },
    ])
    await expect(thread().run('hello')).rejects.toThrow(/model test-model does not exist/)

    // A configuration problem: the agent exits 2 and the SDK reports its stderr.
    const broken = codex.startThread({
      model: 'test-model',
      workingDirectory: join(ws.root, 'no-such-dir'),
    })
    await expect(broken.run('hello')).rejects.toThrow(/exited with code 2: .*no such directory/s)
  })

  it('outputSchema: the schema reaches the model as Responses text.format, the answer is the JSON', async () => {
    const schema = {
      type: 'object',
      properties: {
        summary: { type: 'string' },
        status: { type: 'string', enum: ['ok', 'action_required'] },
      },
      required: ['summary', 'status'],
      additionalProperties: false,
    }
    const { thread, server } = await setup([{ text: '{"summary":"all good","status":"ok"}' }])
    const result = await thread().run('summarise the repo status', { outputSchema: schema })
    expect(JSON.parse(result.finalResponse)).toEqual({ summary: 'all good', status: 'ok' })
    expect(body(server, 0).text?.format).toMatchObject({ type: 'json_schema', schema, strict: true })
  })

  it('--output-schema: a file that is missing or not a JSON Schema object is a usage error naming it', async () => {
    const { ws } = await setup([])
    writeFileSync(join(ws.repo, 'list.json'), '[1, 2]')
    for (const [file, problem] of [
      ['missing.json', /--output-schema .*missing\.json: cannot read/],
      ['list.json', /--output-schema .*list\.json: expected a JSON Schema object/],
    ] as const) {
      const run = await runAgent(['exec', '--experimental-json', '--output-schema', file, 'hi'], {
        cwd: ws.repo,
        env: ws.env({ CODEX_API_KEY: 'k' }),
      })
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(problem)
      expect(run.stdout).toBe('')
    }
  })

  it('signal: aborting a run kills the agent and every process its command started', async () => {
    const { thread, ws } = await setup([
      { toolCalls: [shell('sleep 600 & echo $! > sleep.pid; wait')] },
      { text: 'never reached' },
    ])
    const controller = new AbortController()
    const { events } = await thread({ sandboxMode: 'danger-full-access' }).runStreamed('sleep a while', {
      signal: controller.signal,
    })
    const pidFile = join(ws.repo, 'sleep.pid')
    let sleepPid = 0
    const consumed = (async () => {
      for await (const event of events) {
        if (event.type === 'item.started' && event.item.type === 'command_execution') {
          sleepPid = await waitForPid(pidFile)
          controller.abort()
        }
      }
    })()
    await expect(consumed).rejects.toThrow(/abort/i)
    expect(sleepPid).toBeGreaterThan(0)
    await waitUntilGone(sleepPid)
    expect(isAlive(sleepPid)).toBe(false)
  })
})
