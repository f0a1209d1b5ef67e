// The client API end to end on each wire: a real mock provider server on 127.0.0.1 speaking the
// wire's SSE format, commands run for real in a temp git repository, everything in this process.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ThreadEvent, type ThreadItem, TurnFailedError } from '../src/index.js'
import { clientFor, mockServers, sentText, shellCall, WIRES, workspace } from './helpers.js'

const { mock, closers } = mockServers()

describe.each(WIRES)('client over $wire', (wire) => {
  it('runs a multi-step turn: commands, the final response, usage and the thread id', async () => {
    const ws = workspace({ 'notes.txt': 'hello\n' })
    const server = await mock(wire.wire, [
      {
        text: 'Looking.',
        toolCalls: [shellCall(wire, 'cat notes.txt > copy.txt')],
        usage: { input: 10, output: 3 },
      },
      { toolCalls: [shellCall(wire, 'wc -c < copy.txt')], usage: { input: 20, cached: 5, output: 4 } },
      { text: 'Copied 6 bytes.', usage: { input: 30, output: 5, reasoning: 2 } },
    ])
    const client = clientFor(server, wire, ws)
    const thread = client.startThread({ workingDirectory: ws.dir, sandboxMode: 'danger-full-access' })
    closers.push(() => thread.close())
    expect(thread.id).toBeNull()
    const turn = await thread.run('copy the notes')
    expect(turn.finalResponse).toBe('Copied 6 bytes.')
    expect(readFileSync(join(ws.dir, 'copy.txt'), 'utf8')).toBe('hello\n')
    const commands = turn.items.filter((i) => i.type === 'command_execution')
    expect(commands.map((c) => c.status)).toEqual(['completed', 'completed'])
    expect(commands[1]).toMatchObject({ exit_code: 0, aggregated_output: expect.stringContaining('6') })
    expect(turn.items.filter((i) => i.type === 'agent_message').map((i) => i.text)).toEqual([
      'Looking.',
      'Copied 6 bytes.',
    ])
    expect(turn.usage).toMatchObject({ output_tokens: 12, cache_write_input_tokens: 0 })
    expect(turn.usage?.input_tokens).toBeGreaterThanOrEqual(60)
    expect(server.requests).toHaveLength(3)
    expect(thread.id).toMatch(/\S/)
    // Nothing written under the home: sessions stay in memory unless persisted.
    expect(existsSync(join(ws.home, 'sessions'))).toBe(false)
  })

  it('streams the ThreadEvents of agent exec --json, in order', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [{ toolCalls: [shellCall(wire, 'echo hi')] }, { text: 'Said hi.' }])
    const thread = clientFor(server, wire, ws).startThread({
      workingDirectory: ws.dir,
      sandboxMode: 'danger-full-access',
    })
    closers.push(() => thread.close())
    const { events } = await thread.runStreamed('say hi')
    const seen: ThreadEvent[] = []
    for await (const event of events) seen.push(event)
    expect(
      seen.map((e) =>
        e.type.startsWith('item.') ? `${e.type}:${(e as { item: ThreadItem }).item.type}` : e.type,
      ),
    ).toEqual([
      'thread.started',
      'turn.started',
      'item.started:command_execution',
      'item.completed:command_execution',
      'item.completed:agent_message',
      'turn.completed',
    ])
    expect(seen[0]).toEqual({ type: 'thread.started', thread_id: thread.id })
    const started = seen[2] as { item: ThreadItem }
    expect(started.item).not.toHaveProperty('exit_code')
  })

  it('resumes a thread by id, with the earlier conversation sent again', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [{ text: 'The word is kiwi.' }, { text: 'It was kiwi.' }])
    const client = clientFor(server, wire, ws)
    const first = client.startThread({ workingDirectory: ws.dir, skipGitRepoCheck: true })
    await first.run('remember the word kiwi')
    const id = first.id as string
    await first.close()
    const again = client.resumeThread(id, { workingDirectory: ws.dir })
    closers.push(() => again.close())
    const turn = await again.run('which word?')
    expect(turn.finalResponse).toBe('It was kiwi.')
    expect(again.id).toBe(id)
    const second = sentText(server, 1)
    expect(second).toContain('remember the word kiwi')
    expect(second).toContain('The word is kiwi.')
  })

  it('sends outputSchema to the model natively and returns the JSON', async () => {
    const ws = workspace()
    const schema = {
      type: 'object',
      properties: { status: { type: 'string' } },
      required: ['status'],
      additionalProperties: false,
    }
    const server = await mock(wire.wire, [{ text: '{"status":"ok"}' }])
    const thread = clientFor(server, wire, ws).startThread({ workingDirectory: ws.dir })
    closers.push(() => thread.close())
    const turn = await thread.run('report', { outputSchema: schema })
    expect(JSON.parse(turn.finalResponse)).toEqual({ status: 'ok' })
    // biome-ignore lint/suspicious/noExplicitAny: wire JSON
    const body = server.requests[0]?.body as any
    const sent =
      wire.wire === 'responses'
        ? body.text.format.schema
        : wire.wire === 'chat'
          ? body.response_format.json_schema.schema
          : body.output_config.format.schema
    expect(sent).toEqual(schema)
  })

  it('rejects run with the turn error when the model call fails', async () => {
    const ws = workspace()
    const server = await mock(wire.wire, [{ type: 'error', status: 400, message: 'bad model name' }])
    const thread = clientFor(server, wire, ws).startThread({ workingDirectory: ws.dir })
    closers.push(() => thread.close())
    const failed = await thread.run('hi').catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(TurnFailedError)
    expect((failed as Error).message).toContain('bad model name')
  })
})

describe('client, persistence', () => {
  it('writes session files only to storeDir when given, and resumes from them in a new client', async () => {
    const wire = WIRES[0]
    const ws = workspace()
    const server = await mock(wire.wire, [{ text: 'first' }, { text: 'second' }])
    const storeDir = join(ws.home, '..', 'store')
    const thread = clientFor(server, wire, ws, { storeDir }).startThread({ workingDirectory: ws.dir })
    await thread.run('one')
    await thread.close()
    expect(existsSync(join(ws.home, 'sessions'))).toBe(false)
    const days = readdirSync(join(storeDir, 'sessions'), { recursive: true }).filter((f) =>
      String(f).endsWith('.jsonl'),
    )
    expect(days).toHaveLength(1)
    const resumed = clientFor(server, wire, ws, { storeDir }).resumeThread(thread.id as string, {
      workingDirectory: ws.dir,
    })
    closers.push(() => resumed.close())
    expect((await resumed.run('two')).finalResponse).toBe('second')
    expect(sentText(server, 1)).toContain('first')
  })
})
