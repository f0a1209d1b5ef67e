import { execFile } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { FakeConnection, sessionConfigured } from '../test/fake-connection.js'
import { parseApprovalAnswer } from './plain.js'
import { runInteractive } from './run.js'

function streams() {
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream
  const out = new PassThrough()
  let text = ''
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8')
  })
  return { stdin, stdout: out as unknown as NodeJS.WriteStream, output: () => text }
}

describe('runInteractive without a terminal (plain mode)', () => {
  it('reads prompts and approval answers as lines and prints the transcript', async () => {
    const connection = new FakeConnection()
    connection.onOp = (op) => {
      if (op.type === 'user_input') {
        const text = op.items[0]?.type === 'text' ? op.items[0].text : ''
        connection.emit({ type: 'turn_started' })
        connection.emit({ type: 'user_message', message: text })
        if (text === 'clean up') {
          connection.emit({
            type: 'exec_approval_request',
            call_id: 'c1',
            command: ['rm', '-rf', 'build'],
            cwd: '/w',
            reason: 'deletes files',
          })
        } else {
          connection.emit({ type: 'agent_message', message: `You said: ${text}` })
          connection.emit({ type: 'turn_complete', last_agent_message: null })
        }
      } else if (op.type === 'exec_approval') {
        connection.emit({ type: 'agent_message', message: `Decision: ${op.decision} (${op.feedback ?? ''})` })
        connection.emit({ type: 'turn_complete', last_agent_message: null })
      }
    }
    connection.emit(sessionConfigured())
    const io = streams()
    const input = io.stdin as unknown as PassThrough
    input.write('hello\n')
    input.write('clean up\n')
    input.write('n keep the build directory\n')
    input.write('/status\n')
    input.end('bye\n')
    const result = await runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'untrusted' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
    })
    expect(result).toEqual({ reason: 'user' })
    const out = io.output()
    expect(out).not.toContain('\u001b[')
    expect(out).toContain('› hello\n• You said: hello')
    expect(out).toContain('Run: $ rm -rf build  (in /w)\nWhy: deletes files')
    expect(out).toContain('✗ Denied `rm -rf build` — told the agent: keep the build directory')
    expect(out).toContain('• Decision: denied (keep the build directory)')
    expect(out).toContain('Approvals: on-request')
    expect(out.indexOf('You said: bye')).toBeGreaterThan(out.indexOf('Decision: denied'))
    expect(connection.ops.map((o) => o.type)).toEqual([
      'user_input',
      'user_input',
      'exec_approval',
      'user_input',
    ])
  })

  it('stops the turn when input ends while an approval is pending', async () => {
    const connection = new FakeConnection()
    connection.onOp = (op) => {
      if (op.type === 'user_input')
        connection.emit({ type: 'exec_approval_request', call_id: 'c1', command: ['ls'], cwd: '/w' })
      if (op.type === 'exec_approval') connection.emit({ type: 'turn_aborted', reason: 'interrupted' })
    }
    const io = streams()
    ;(io.stdin as unknown as PassThrough).end('list files\n')
    await runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'untrusted' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
    })
    expect(connection.ops.at(-1)).toEqual({ type: 'exec_approval', id: 'c1', decision: 'abort' })
  })

  it('waits for a plugin command to expand (and for the turn it starts) before the next line', async () => {
    const connection = new FakeConnection()
    connection.onOp = (op) => {
      if (op.type !== 'user_input') return
      const text = op.items[0]?.type === 'text' ? op.items[0].text : ''
      // A real agent answers later, not inside submit().
      setTimeout(() => {
        connection.emit({ type: 'turn_started' })
        connection.emit({ type: 'user_message', message: text })
        connection.emit({ type: 'agent_message', message: `You said: ${text}` })
        connection.emit({ type: 'turn_complete', last_agent_message: null })
      }, 50)
    }
    connection.emit(sessionConfigured())
    const run = promisify(execFile)
    const io = streams()
    ;(io.stdin as unknown as PassThrough).end('/broken\n/stock shelves\nthanks\n')
    const result = await runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'never' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
      commands: [
        {
          name: 'broken',
          expand: async () => {
            throw new Error('the shell part was not run')
          },
        },
        {
          name: 'stock',
          // A real process, like a command's `` !`cmd` `` part, takes a while.
          expand: async (args) =>
            `Count ${args}: ${(await run('sh', ['-c', 'sleep 0.2; echo 42'])).stdout.trim()}`,
        },
      ],
    })
    expect(result).toEqual({ reason: 'user' })
    const out = io.output()
    expect(out).toContain('/broken failed: the shell part was not run')
    expect(out).toContain('You said: Count shelves: 42')
    expect(out.indexOf('You said: thanks')).toBeGreaterThan(out.indexOf('You said: Count shelves'))
    expect(connection.ops.filter((o) => o.type === 'user_input')).toHaveLength(2)
  })

  it('a line read while a turn runs steers it; lines piped in together stay separate turns', async () => {
    const connection = new FakeConnection()
    // The turn for "run the tests" runs until steered; a steer ends it with an answer that saw it.
    connection.onOp = (op, id) => {
      if (op.type !== 'user_input') return
      const text = op.items[0]?.type === 'text' ? op.items[0].text : ''
      setImmediate(() => {
        if (op.steer) {
          connection.emit({ type: 'user_message', message: text }, id)
          connection.emit({ type: 'agent_message', message: `Steered by: ${text}` })
          connection.emit({ type: 'turn_complete', last_agent_message: null })
          return
        }
        connection.emit({ type: 'turn_started' })
        connection.emit({ type: 'user_message', message: text }, id)
        if (text !== 'run the tests') {
          connection.emit({ type: 'agent_message', message: `You said: ${text}` })
          connection.emit({ type: 'turn_complete', last_agent_message: null })
        }
      })
    }
    connection.emit(sessionConfigured())
    const io = streams()
    const input = io.stdin as unknown as PassThrough
    const running = runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'never' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
    })
    // Two lines at once: the second waits for the first's turn instead of steering it.
    input.write('hi\nrun the tests\n')
    await vi.waitFor(() => expect(io.output()).toContain('› run the tests'))
    input.write('only the unit tests\n')
    await vi.waitFor(() => expect(io.output()).toContain('• Steered by: only the unit tests'))
    input.end()
    expect(await running).toEqual({ reason: 'user' })
    const out = io.output()
    expect(out).toContain('↳ only the unit tests · queued: the agent reads it at its next step')
    expect(out.indexOf('› run the tests')).toBeGreaterThan(out.indexOf('You said: hi'))
    expect(connection.ops).toEqual([
      { type: 'user_input', items: [{ type: 'text', text: 'hi' }] },
      { type: 'user_input', items: [{ type: 'text', text: 'run the tests' }] },
      { type: 'user_input', items: [{ type: 'text', text: 'only the unit tests' }], steer: true },
    ])
  })

  it('waits for a steer the turn ended before reading (it becomes the next turn) before leaving', async () => {
    const connection = new FakeConnection()
    connection.onOp = (op, id) => {
      if (op.type !== 'user_input') return
      const text = op.items[0]?.type === 'text' ? op.items[0].text : ''
      if (!op.steer) {
        setImmediate(() => {
          connection.emit({ type: 'turn_started' })
          connection.emit({ type: 'user_message', message: text }, id)
        })
        return
      }
      // The turn ends first; core runs the steering input as the next turn.
      setImmediate(() => {
        connection.emit({ type: 'agent_message', message: 'Done with the first.' })
        connection.emit({ type: 'turn_complete', last_agent_message: null })
        setImmediate(() => {
          connection.emit({ type: 'turn_started' })
          connection.emit({ type: 'user_message', message: text }, id)
          connection.emit({ type: 'agent_message', message: `Then: ${text}` })
          connection.emit({ type: 'turn_complete', last_agent_message: null })
        })
      })
    }
    connection.emit(sessionConfigured())
    const io = streams()
    const input = io.stdin as unknown as PassThrough
    const running = runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'never' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
    })
    input.write('first\n')
    await vi.waitFor(() => expect(io.output()).toContain('› first'))
    input.end('and then this\n')
    expect(await running).toEqual({ reason: 'user' })
    expect(io.output()).toContain('• Then: and then this')
  })

  it('ends when the agent’s event stream ends', async () => {
    const connection = new FakeConnection()
    connection.close()
    const io = streams()
    const result = await runInteractive({
      connection,
      status: { model: 'm', cwd: '/w', sandbox: 'read-only', approval: 'never' },
      stdin: io.stdin,
      stdout: io.stdout,
      env: {},
    })
    expect(result).toEqual({ reason: 'agent_ended' })
  })
})

describe('parseApprovalAnswer', () => {
  const exec = {
    kind: 'exec' as const,
    callId: 'c',
    command: ['git', 'push'],
    cwd: '/',
    proposedPrefix: ['git', 'push'],
  }
  it('understands every choice', () => {
    expect(parseApprovalAnswer('y', exec)).toEqual({ decision: 'approved' })
    expect(parseApprovalAnswer('a', exec)).toEqual({ decision: 'approved_for_session' })
    expect(parseApprovalAnswer('p', exec)).toEqual({
      decision: 'approved_for_session',
      prefix: ['git', 'push'],
    })
    expect(parseApprovalAnswer('d', exec)).toEqual({ decision: 'denied' })
    expect(parseApprovalAnswer('s', exec)).toEqual({ decision: 'abort' })
    expect(parseApprovalAnswer('n: push to a branch', exec)).toEqual({
      decision: 'denied',
      feedback: 'push to a branch',
    })
    expect(parseApprovalAnswer('maybe', exec)).toBeUndefined()
  })
})
