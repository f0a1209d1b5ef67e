// The toolsets and the workspace tracker through core's real agent and orchestrator, with the
// real policy (@agent/policy), sandbox (@agent/sandbox, bubblewrap) and runner (@agent/exec).
// A scripted model asks for the tool calls; everything after that is real.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Agent, createAgent } from '@agent/core'
import { collectUntil, reply, ScriptedModel, type ScriptedResponse } from '@agent/core/testing'
import { createCommandRunner, formatForModel, ProcessSessionManager } from '@agent/exec'
import { createCommandPolicy } from '@agent/policy'
import type { ApprovalPolicy, Event, SandboxPolicy } from '@agent/protocol'
import { createSandbox, detectSandbox } from '@agent/sandbox'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claudeToolset } from '../claude/index.js'
import { codexToolset } from '../codex/index.js'
import { createWorkspaceTracker } from '../workspace/tracker.js'

function hasBwrap(): boolean {
  try {
    execFileSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'], {
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}
const bwrap = hasBwrap()

let dir: string
let agent: Agent | undefined
let sessions: ProcessSessionManager | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-agent-'))
})
afterEach(async () => {
  await agent?.shutdown()
  agent = undefined
  await sessions?.closeAll()
  await rm(dir, { recursive: true, force: true })
})

interface Setup {
  toolset: 'codex' | 'claude'
  script: ScriptedResponse[]
  approvalPolicy?: ApprovalPolicy
  sandboxPolicy?: SandboxPolicy
}

async function start(setup: Setup) {
  const model = new ScriptedModel(setup.script, { fallback: [reply.text('done')] })
  sessions = new ProcessSessionManager()
  agent = await createAgent({
    model,
    runner: createCommandRunner(),
    sandbox: createSandbox(),
    policy: await createCommandPolicy(),
    processes: sessions,
    tools: setup.toolset === 'codex' ? codexToolset() : claudeToolset(),
    workspace: createWorkspaceTracker(),
    formatExecOutput: formatForModel,
    cwd: dir,
    modelName: 'scripted',
    approvalPolicy: setup.approvalPolicy ?? 'on-request',
    sandboxPolicy: setup.sandboxPolicy ?? {
      type: 'workspace-write',
      writable_roots: [],
      network_access: false,
    },
  })
  return { agent, model }
}

async function turn(a: Agent, text = 'go'): Promise<Event[]> {
  await a.submit({ type: 'user_input', items: [{ type: 'text', text }] })
  return collectUntil(a, (e) => e.msg.type === 'turn_complete' || e.msg.type === 'turn_aborted', {
    timeoutMs: 60_000,
  })
}

/** The function_call_output the model saw for a call id in its later requests. */
function outputFor(model: ScriptedModel, callId: string): string {
  for (const request of model.requests) {
    for (const item of request.input) {
      if (item.type === 'function_call_output' && item.call_id === callId) {
        return typeof item.output === 'string' ? item.output : JSON.stringify(item.output)
      }
    }
  }
  throw new Error(`no output for ${callId}`)
}

function turnDiff(events: Event[]): string {
  const msg = events.find((e) => e.msg.type === 'turn_diff')?.msg
  if (msg?.type !== 'turn_diff')
    throw new Error(`no turn_diff among ${events.map((e) => e.msg.type).join(', ')}`)
  return msg.unified_diff
}

const patch = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`

describe.skipIf(!bwrap)('through the real agent, policy and bubblewrap sandbox', () => {
  it('detects the sandbox the tests rely on', async () => {
    expect((await detectSandbox()).available).toBe(true)
  })

  it('apply_patch adds, moves and deletes; the turn diff shows it', async () => {
    await writeFile(join(dir, 'old.txt'), 'alpha\nbeta\n')
    await writeFile(join(dir, 'gone.txt'), 'bye\n')
    const { agent: a } = await start({
      toolset: 'codex',
      script: [
        [
          reply.toolCall(
            'apply_patch',
            {
              input: patch(
                '*** Add File: new.txt\n+fresh\n*** Update File: old.txt\n*** Move to: moved/old.txt\n@@\n-beta\n+BETA\n*** Delete File: gone.txt',
              ),
            },
            'call_patch',
          ),
        ],
      ],
    })
    const events = await turn(a)
    const types = events.map((e) => e.msg.type)
    expect(types).toContain('patch_apply_begin')
    expect(types).toContain('patch_apply_end')
    expect(await readFile(join(dir, 'new.txt'), 'utf8')).toBe('fresh\n')
    expect(await readFile(join(dir, 'moved/old.txt'), 'utf8')).toBe('alpha\nBETA\n')
    expect(existsSync(join(dir, 'gone.txt'))).toBe(false)
    const diff = { unified_diff: turnDiff(events) }
    expect(diff.unified_diff).toContain('diff --git a/new.txt b/new.txt')
    expect(diff.unified_diff).toContain('deleted file mode 100644')
    expect(diff.unified_diff).toContain('b/moved/old.txt')
  })

  it('fuzzy context applies; a conflicting patch leaves files untouched and the model gets the reason', async () => {
    await writeFile(join(dir, 'f.py'), 'def f():\n    return “x”   \n')
    const { agent: a, model } = await start({
      toolset: 'codex',
      script: [
        [
          reply.toolCall(
            'apply_patch',
            { input: patch('*** Update File: f.py\n@@\n-return "x"\n+    return "y"') },
            'fuzzy',
          ),
          reply.toolCall(
            'apply_patch',
            { input: patch('*** Add File: extra.txt\n+x\n*** Update File: f.py\n@@\n-not there\n+z') },
            'conflict',
          ),
        ],
      ],
    })
    await turn(a)
    expect(await readFile(join(dir, 'f.py'), 'utf8')).toBe('def f():\n    return "y"\n')
    expect(existsSync(join(dir, 'extra.txt'))).toBe(false)
    expect(outputFor(model, 'conflict')).toContain(
      'apply_patch verification failed: Failed to find expected lines in f.py:\nnot there',
    )
    expect(outputFor(model, 'fuzzy')).toContain('Success. Updated the following files:\nM f.py')
  })

  it('an apply_patch heredoc in a shell command is routed to the patch path', async () => {
    const script = `apply_patch <<'EOF'\n${patch('*** Add File: via-shell.txt\n+hello')}\nEOF`
    const { agent: a, model } = await start({
      toolset: 'codex',
      script: [[reply.toolCall('shell', { command: ['bash', '-lc', script] }, 'sh')]],
    })
    const events = await turn(a)
    expect(events.map((e) => e.msg.type)).toContain('patch_apply_begin')
    expect(events.map((e) => e.msg.type)).not.toContain('exec_command_begin')
    expect(await readFile(join(dir, 'via-shell.txt'), 'utf8')).toBe('hello\n')
    expect(outputFor(model, 'sh')).toContain('A via-shell.txt')
  })

  it('undo restores a file a sandboxed shell rm deleted; the diff had binaries and renames', async () => {
    await writeFile(join(dir, 'precious.txt'), 'keep me\n')
    await writeFile(join(dir, 'a.txt'), 'a\n')
    const { agent: a, model } = await start({
      toolset: 'codex',
      approvalPolicy: 'never',
      script: [
        [
          reply.toolCall(
            'shell',
            {
              command: ['bash', '-lc', "rm precious.txt && mv a.txt b.txt && printf '\\0\\1' > data.bin"],
              workdir: dir,
            },
            'rm',
          ),
        ],
      ],
    })
    const events = await turn(a)
    expect(outputFor(model, 'rm')).toContain('Exit code: 0')
    expect(events.find((e) => e.msg.type === 'exec_command_begin')?.msg).toMatchObject({
      sandbox: 'workspace-write',
    })
    expect(existsSync(join(dir, 'precious.txt'))).toBe(false)
    const diff = turnDiff(events)
    expect(diff).toContain('diff --git a/precious.txt b/precious.txt\ndeleted file mode 100644')
    expect(diff).toContain('rename from a.txt\nrename to b.txt')
    expect(diff).toContain('Binary files /dev/null and b/data.bin differ')
    await a.submit({ type: 'undo' })
    const undo = await collectUntil(a, (e) => e.msg.type === 'undo_completed')
    expect(undo.at(-1)?.msg).toMatchObject({ type: 'undo_completed', success: true })
    expect(await readFile(join(dir, 'precious.txt'), 'utf8')).toBe('keep me\n')
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a\n')
    expect(existsSync(join(dir, 'b.txt'))).toBe(false)
    expect(existsSync(join(dir, 'data.bin'))).toBe(false)
  })

  it('the sandbox stops a shell write outside the workspace, and the model is told', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'tools-outside-'))
    try {
      const { agent: a, model } = await start({
        toolset: 'codex',
        approvalPolicy: 'never',
        sandboxPolicy: {
          type: 'workspace-write',
          writable_roots: [],
          network_access: false,
          exclude_tmp: true,
        },
        script: [
          [reply.toolCall('shell', { command: ['bash', '-lc', `echo x > ${outside}/x.txt`] }, 'escape')],
        ],
      })
      await turn(a)
      expect(existsSync(join(outside, 'x.txt'))).toBe(false)
      expect(outputFor(model, 'escape')).toMatch(/Read-only file system|Permission denied/)
    } finally {
      await rm(outside, { recursive: true, force: true })
    }
  })

  it('exec_command and write_stdin drive an interactive process through the agent', async () => {
    const { agent: a, model } = await start({
      toolset: 'codex',
      approvalPolicy: 'never',
      script: [
        [reply.toolCall('exec_command', { cmd: 'read x; echo "got $x"', yield_time_ms: 500 }, 'start')],
        (request) => {
          const started = request.input.find(
            (i) => i.type === 'function_call_output' && i.call_id === 'start',
          )
          const text = started && 'output' in started ? String(started.output) : ''
          const id = Number(/session ID (\d+)/.exec(text)?.[1])
          return [
            reply.toolCall('write_stdin', { session_id: id, chars: 'hello\n', yield_time_ms: 5000 }, 'write'),
          ]
        },
      ],
    })
    await turn(a)
    expect(outputFor(model, 'start')).toContain('Process running with session ID')
    expect(outputFor(model, 'write')).toContain('got hello')
  })

  it('Claude tools: Edit is refused before Read, then works; Bash runs sandboxed', async () => {
    const file = join(dir, 'code.ts')
    await writeFile(file, 'const answer = 41\n')
    const edit = { file_path: file, old_string: '41', new_string: '42' }
    const { agent: a, model } = await start({
      toolset: 'claude',
      approvalPolicy: 'never',
      script: [
        [reply.toolCall('Edit', edit, 'early')],
        [reply.toolCall('Read', { file_path: file }, 'read')],
        [reply.toolCall('Edit', edit, 'edit')],
        [reply.toolCall('Bash', { command: 'cat code.ts && touch made-by-bash' }, 'bash')],
        [reply.toolCall('Grep', { pattern: 'answer', output_mode: 'content' }, 'grep')],
      ],
    })
    const events = await turn(a)
    expect(outputFor(model, 'early')).toBe('File has not been read yet. Read it first before writing to it.')
    expect(outputFor(model, 'read')).toBe('     1\tconst answer = 41')
    expect(outputFor(model, 'edit')).toContain('has been updated')
    expect(outputFor(model, 'bash')).toBe('const answer = 42')
    expect(outputFor(model, 'grep')).toContain(':1:const answer = 42')
    expect(existsSync(join(dir, 'made-by-bash'))).toBe(true)
    const diff = turnDiff(events)
    expect(diff).toContain('-const answer = 41\n+const answer = 42')
    expect(diff).toContain('new file mode 100644')
  })

  it('Bash keeps its working directory between calls inside the sandbox, not its variables', async () => {
    const { agent: a, model } = await start({
      toolset: 'claude',
      approvalPolicy: 'never',
      script: [
        [reply.toolCall('Bash', { command: 'mkdir -p sub/deep && cd sub && export FOO=bar' }, 'cd')],
        [reply.toolCall('Bash', { command: 'pwd; echo "foo=$FOO"; touch here' }, 'pwd')],
        [reply.toolCall('Bash', { command: 'cd deep; exec >/dev/null; echo hidden; exit 3' }, 'exit')],
        [reply.toolCall('Bash', { command: 'pwd' }, 'deep')],
        [reply.toolCall('Bash', { command: 'cd / && ls -d /' }, 'out')],
        [reply.toolCall('Bash', { command: 'pwd' }, 'back')],
        [reply.toolCall('Bash', { command: 'cd sub/deep' }, 'again')],
        [reply.toolCall('Bash', { command: 'rmdir "$PWD"' }, 'rm')],
        [reply.toolCall('Bash', { command: 'pwd' }, 'gone')],
      ],
    })
    const events = await turn(a)
    expect(outputFor(model, 'cd')).toBe('(no output)')
    expect(outputFor(model, 'pwd')).toBe(`${dir}/sub\nfoo=`)
    expect(existsSync(join(dir, 'sub', 'here'))).toBe(true)
    // `exit` and a redirected stdout still report the directory, and nothing of the report shows.
    expect(outputFor(model, 'exit')).toBe('Exit code 3')
    expect(outputFor(model, 'deep')).toBe(`${dir}/sub/deep`)
    // Outside the workspace's roots the shell goes back to the session cwd, and says so.
    expect(outputFor(model, 'out')).toBe(
      `/\nShell cwd was reset to ${dir}: / is outside the working directories the shell may stay in (${dir}).`,
    )
    expect(outputFor(model, 'back')).toBe(dir)
    expect(outputFor(model, 'rm')).toBe(`Shell cwd was reset to ${dir}: ${dir}/sub/deep no longer exists.`)
    expect(outputFor(model, 'gone')).toBe(dir)
    // The events show the command as the model wrote it, and never the wrapper or its report.
    const begins = events.flatMap((e) => (e.msg.type === 'exec_command_begin' ? [e.msg.command] : []))
    expect(begins[0]).toEqual(['bash', '-c', 'mkdir -p sub/deep && cd sub && export FOO=bar'])
    for (const e of events) expect(JSON.stringify(e.msg)).not.toContain('agent-cwd-')
    const streamed = events
      .flatMap((e) => (e.msg.type === 'exec_command_output_delta' ? [e.msg.chunk] : []))
      .join('')
    expect(streamed).toContain(`${dir}/sub\nfoo=\n`)
    const sandboxes = events.flatMap((e) => (e.msg.type === 'exec_command_begin' ? [e.msg.sandbox] : []))
    expect(new Set(sandboxes)).toEqual(new Set(['workspace-write']))
    // Nine sandboxed commands, each a bubblewrap start on a shared, busy machine: the work is long.
  }, 180_000)

  it('Bash outside a sandbox keeps any directory, and a writable root counts in the sandbox', async () => {
    const other = await mkdtemp(join(tmpdir(), 'tools-agent-root-'))
    try {
      const { agent: a, model } = await start({
        toolset: 'claude',
        approvalPolicy: 'never',
        sandboxPolicy: { type: 'workspace-write', writable_roots: [other], network_access: false },
        script: [
          [reply.toolCall('Bash', { command: `cd ${other}` }, 'root')],
          [reply.toolCall('Bash', { command: 'pwd && touch in-root' }, 'pwd')],
        ],
      })
      await turn(a)
      expect(outputFor(model, 'root')).toBe('(no output)')
      expect(outputFor(model, 'pwd')).toBe(other)
      expect(existsSync(join(other, 'in-root'))).toBe(true)
      await a.shutdown()
      agent = undefined
      const { agent: b, model: m2 } = await start({
        toolset: 'claude',
        approvalPolicy: 'never',
        sandboxPolicy: { type: 'danger-full-access' },
        script: [
          [reply.toolCall('Bash', { command: 'cd /usr' }, 'usr')],
          [reply.toolCall('Bash', { command: 'pwd' }, 'pwd')],
        ],
      })
      await turn(b)
      expect(outputFor(m2, 'usr')).toBe('(no output)')
      expect(outputFor(m2, 'pwd')).toBe('/usr')
    } finally {
      await rm(other, { recursive: true, force: true })
    }
    // Two agents and four commands, two of them in bubblewrap: longer than the default on a busy machine.
  }, 120_000)

  it('a patch that needs approval waits for the user, and a denial writes nothing', async () => {
    const { agent: a, model } = await start({
      toolset: 'codex',
      approvalPolicy: 'untrusted',
      sandboxPolicy: { type: 'read-only' },
      script: [[reply.toolCall('apply_patch', { input: patch('*** Add File: nope.txt\n+x') }, 'ask')]],
    })
    await a.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] })
    const events = await collectUntil(a, (e) => e.msg.type === 'turn_complete', {
      timeoutMs: 60_000,
      onEvent: async (event) => {
        if (event.msg.type === 'apply_patch_approval_request') {
          await a.submit({ type: 'patch_approval', id: event.msg.call_id, decision: 'denied' })
        }
      },
    })
    expect(events.map((e) => e.msg.type)).toContain('apply_patch_approval_request')
    expect(existsSync(join(dir, 'nope.txt'))).toBe(false)
    expect(outputFor(model, 'ask').length).toBeGreaterThan(0)
  })
})
