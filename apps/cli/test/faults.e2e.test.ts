// The fault matrix: each fault injected into a real run of the built `agent` binary against the
// mock provider server. Every row asserts what the user sees (a line of stderr), that the
// rollout still parses with core's rollout schemas, and that `agent exec resume` continues the
// session. The README's table is rendered from FAULT_MATRIX (the last test keeps them equal;
// FAULT_MATRIX_WRITE=1 rewrites the README's copy).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type LoadedSession, loadRolloutFile } from '@agent/core'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunResult, runAgent, type Workspace, workspace } from './helpers.js'

interface FaultRow {
  fault: string
  /** The line of stderr the test finds (exact text, or the stable part of it). */
  sees: string
  /** What happens next, in words. */
  outcome: string
  lost: string
}

const FAULT_MATRIX = {
  cut: {
    fault: 'model stream cut in the middle of an SSE event',
    sees: 'retrying: the connection to the model server broke',
    outcome: 'the request is sent again; the answer arrives once',
    lost: 'nothing',
  },
  rateLimit: {
    fault: '429 with `Retry-After: 1`',
    sees: 'retrying in 1.0 s (1/2)',
    outcome: 'waits as told, then the answer arrives',
    lost: 'nothing',
  },
  serverErrors: {
    fault: '503 until the retries run out',
    sees: 'error: overloaded (gave up after 2 retries)',
    outcome: 'exit 1; the prompt is in the rollout and `resume` sends it again',
    lost: 'nothing',
  },
  malformed: {
    fault: 'malformed SSE (an event that is not JSON)',
    sees: 'retrying: the server sent an event that is not valid JSON',
    outcome: 'the request is sent again; the answer arrives',
    lost: 'nothing',
  },
  refused: {
    fault: 'connection refused',
    sees: 'could not reach the model server (ECONNREFUSED: nothing is listening at the base_url; is the server running?)',
    outcome: 'retried, then exit 1; `resume` continues once the server is up',
    lost: 'nothing',
  },
  mcpCrash: {
    fault: 'MCP server crashes during a call',
    sees: "warning: MCP server 'fault' stopped: the server process exited. It will be restarted on its next tool call.",
    outcome: 'the call fails for the model, the turn goes on',
    lost: 'nothing',
  },
  mcpExit: {
    fault: 'MCP server exits at start',
    sees: "MCP server 'fault' failed to start: MCP error -32000: Connection closed (stderr: ",
    outcome: "the server's stderr is quoted; the session runs without its tools",
    lost: 'nothing',
  },
  mcpHangStart: {
    fault: 'MCP server hangs at start',
    sees: "MCP server 'fault' did not start within 1s (startup_timeout_sec)",
    outcome: 'the session runs without its tools',
    lost: 'nothing',
  },
  mcpHangCall: {
    fault: 'MCP server hangs in a call',
    sees: "failed: MCP tool 'hang' on server 'fault' failed: no answer within 1s (tool_timeout_sec); the request was cancelled",
    outcome: 'the model gets the same error and the turn goes on',
    lost: 'nothing',
  },
  mcpGarbage: {
    fault: 'MCP server prints garbage on stdout',
    sees: 'mcp fault.garbage',
    outcome: 'lines that are not JSON-RPC are skipped; the call answers',
    lost: 'nothing',
  },
  diskFull: {
    fault: 'disk full while writing the rollout (64 KiB tmpfs `AGENT_HOME`), then space freed',
    sees: 'warning: could not write the rollout: ENOSPC: no space left on the device; ',
    outcome: 'the file is cut back to its last whole line; `the rollout is written again` once there is room',
    lost: 'nothing',
  },
  diskStaysFull: {
    fault: 'disk full until the session ends',
    sees: 'warning: could not write the rollout: ENOSPC: no space left on the device; 1 line(s) held in memory',
    outcome:
      'the answer is printed; the file ends at its last whole line and parses; `resume` continues from there',
    lost: 'the lines held when the session ended, counted on screen: `the last N line(s) of <rollout> could not be written ...; the session resumes from before them`',
  },
  readOnlyHome: {
    fault: '`AGENT_HOME` on a read-only file system',
    sees: '/sessions: EROFS: the file system is read-only. Set AGENT_HOME to a writable directory, or run with --ephemeral to keep no record',
    outcome: 'exit 1 before the model is called; `--ephemeral` runs',
    lost: 'nothing (nothing was sent)',
  },
  sigterm: {
    fault: 'SIGTERM during a running command',
    sees: '\ninterrupted\n',
    outcome: 'the command tree is killed, the rollout flushed, exit 143',
    lost: 'nothing: `resume` tells the model the call was interrupted',
  },
  sigint: {
    fault: 'SIGINT (Ctrl-C) during a running command',
    sees: '\ninterrupted\n',
    outcome: 'the command tree is killed, the rollout flushed, exit 130',
    lost: 'nothing: `resume` tells the model the call was interrupted',
  },
  binary: {
    fault: 'a command prints binary data and invalid UTF-8',
    sees: '  exit 0',
    outcome: 'invalid bytes reach the model as U+FFFD; the rollout stays valid JSON',
    lost: 'nothing',
  },
  badName: {
    fault: 'a file name that is not valid UTF-8',
    sees: '  exit 0',
    outcome: 'the command, the snapshot and the rollout cope',
    lost: 'nothing',
  },
  bigRepo: {
    fault: 'a repository with 100,000 untracked files (turn snapshot)',
    sees: 'warning: could not snapshot the workspace (no turn diff or undo for this turn): the working tree has 100000 untracked files, more than the 20000 a turn snapshot hashes',
    outcome: 'counted by name in about a second, nothing hashed; the turn runs',
    lost: 'nothing (the turn has no diff or undo, and says so)',
  },
  hookHang: {
    fault: 'a hook that hangs',
    sees: 'warning: hook "sleep 600" timed out and was stopped; it had no effect',
    outcome: 'stopped at its `timeout` (here 2 s); the tool call goes on',
    lost: 'nothing',
  },
  hookFlood: {
    fault: 'a hook that prints 100 MB',
    sees: "$ bash -c 'echo hi'\n  exit 0",
    outcome: 'output past 256 KiB is dropped while it streams; the tool call goes on',
    lost: 'nothing',
  },
} satisfies Record<string, FaultRow>

const faultServer = new URL('../../../packages/mcp/test/fixtures/fault-server.mjs', import.meta.url).pathname

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function mockServer(turns: MockTurn[] = []): Promise<MockProviderServer> {
  const mock = await startMockProviderServer({ wire: 'responses', turns })
  cleanups.push(() => mock.close())
  return mock
}

/** Writes config.toml: the mock server as provider, with two quick retries. */
function configure(home: string, mock: MockProviderServer, extra = ''): void {
  mkdirSync(home, { recursive: true })
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model_provider = "mock"',
      'model = "mock-model"',
      'sandbox_mode = "danger-full-access"',
      '',
      '[model_providers.mock]',
      `base_url = "${mock.baseUrl}"`,
      'wire_api = "responses"',
      'request_max_retries = 2',
      'stream_max_retries = 2',
      'retry_base_delay_ms = 20',
      '',
      extra,
    ].join('\n'),
  )
}

const agentHome = (ws: Workspace) => join(ws.home, '.agent')

/** A tmpfs mounted at a new directory of the workspace (root only), unmounted after the test. */
function mountTmpfs(ws: Workspace, options: string): string | undefined {
  const dir = join(ws.root, `mnt-${cleanups.length}`)
  mkdirSync(dir)
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' })
  if (mounted.status !== 0) return undefined
  cleanups.push(() => spawnSync('umount', [dir]))
  return dir
}
const canMount = (() => {
  if (process.getuid?.() !== 0) return false
  const ws = workspace()
  const dir = join(ws.root, 'probe')
  mkdirSync(dir)
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', dir]).status !== 0) return false
  spawnSync('umount', [dir])
  return true
})()

function rolloutFiles(home: string): string[] {
  const root = join(home, 'sessions')
  let names: string[]
  try {
    names = readdirSync(root, { recursive: true }) as string[]
  } catch {
    return []
  }
  return names.filter((f) => f.endsWith('.jsonl')).map((f) => join(root, f))
}

/** The one rollout under `home`, read back with core's schemas: every line must parse. */
async function readRollout(home: string): Promise<LoadedSession> {
  const files = rolloutFiles(home)
  expect(files).toHaveLength(1)
  const loaded = await loadRolloutFile(files[0] as string)
  expect(loaded.warnings).toEqual([])
  return loaded
}

const userMessages = (session: LoadedSession) =>
  session.lines.flatMap((l) =>
    l.type === 'event_msg' && l.payload.type === 'user_message' ? [l.payload.message] : [],
  )

type InputItem = { type: string; content?: { text?: string }[]; output?: unknown }
const inputOf = (mock: MockProviderServer, index: number) =>
  (mock.requests[index]?.body as { input?: InputItem[] } | undefined)?.input ?? []

/** The texts of the messages a request carried. */
const sentMessages = (mock: MockProviderServer, index: number) =>
  inputOf(mock, index).flatMap((item) =>
    item.type === 'message'
      ? (item.content ?? []).flatMap((c) => (c.text === undefined ? [] : [c.text]))
      : [],
  )

/** The outputs of the function calls a request carried. */
const callOutputs = (mock: MockProviderServer, index: number) =>
  inputOf(mock, index).flatMap((i) => (i.type === 'function_call_output' ? [String(i.output)] : []))

/** `agent exec resume --last` continues the session: the model sees the first prompt again. */
async function resumes(ws: Workspace, mock: MockProviderServer, prompt: string, env = ws.env()) {
  mock.push({ text: 'resumed fine' })
  const before = mock.requests.length
  const run = await runAgent(['exec', 'resume', '--last', 'go on'], { cwd: ws.repo, env })
  expect({ code: run.code, stdout: run.stdout }, run.stderr).toEqual({ code: 0, stdout: 'resumed fine\n' })
  const sent = sentMessages(mock, before)
  expect(sent).toContain(prompt)
  expect(sent.at(-1)).toBe('go on')
  return mock.requests.length - 1
}

function sees(run: RunResult, row: FaultRow): void {
  expect(run.stderr, run.stderr.slice(-3000)).toContain(row.sees)
}

const shell = (script: string) => ({ name: 'shell', arguments: { command: ['bash', '-c', script] } })

describe('fault matrix: the model server', () => {
  it(FAULT_MATRIX.cut.fault, async () => {
    const ws = workspace()
    const server = await mockServer([
      { text: 'a complete answer', chunkSize: 2, cutInsideEvent: 4 },
      { text: 'a complete answer' },
    ])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'say something'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'a complete answer\n' })
    sees(run, FAULT_MATRIX.cut)
    const rollout = await readRollout(agentHome(ws))
    const answers = rollout.lines.filter((l) => l.type === 'event_msg' && l.payload.type === 'agent_message')
    expect(answers).toHaveLength(1)
    await resumes(ws, server, 'say something')
  })

  it(FAULT_MATRIX.rateLimit.fault, async () => {
    const ws = workspace()
    const server = await mockServer([
      { type: 'error', status: 429, retryAfter: 1 },
      { text: 'after the wait' },
    ])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'say something'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'after the wait\n' })
    sees(run, FAULT_MATRIX.rateLimit)
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'say something')
  })

  it(FAULT_MATRIX.serverErrors.fault, async () => {
    const ws = workspace()
    const error: MockTurn = { type: 'error', status: 503, message: 'overloaded' }
    const server = await mockServer([error, error, error])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'say something'], { cwd: ws.repo, env: ws.env() })
    expect(run.code).toBe(1)
    expect(server.requests).toHaveLength(3)
    sees(run, FAULT_MATRIX.serverErrors)
    expect(userMessages(await readRollout(agentHome(ws)))).toEqual(['say something'])
    await resumes(ws, server, 'say something')
  })

  it(FAULT_MATRIX.malformed.fault, async () => {
    const ws = workspace()
    const server = await mockServer([
      { type: 'raw', events: ['event: response.created\ndata: {"type":"response.created",\n\n'] },
      { text: 'a good answer' },
    ])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'say something'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'a good answer\n' })
    sees(run, FAULT_MATRIX.malformed)
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'say something')
  })

  it(FAULT_MATRIX.refused.fault, async () => {
    const ws = workspace()
    const gone = await startMockProviderServer({ wire: 'responses' })
    await gone.close()
    configure(agentHome(ws), gone)
    const run = await runAgent(['exec', 'say something'], { cwd: ws.repo, env: ws.env() })
    expect(run.code).toBe(1)
    sees(run, FAULT_MATRIX.refused)
    expect(run.stderr.match(/^retrying: could not reach the model server/gm)).toHaveLength(2)
    expect(userMessages(await readRollout(agentHome(ws)))).toEqual(['say something'])
    const server = await mockServer()
    configure(agentHome(ws), server)
    await resumes(ws, server, 'say something')
  })
})

describe('fault matrix: MCP servers', () => {
  async function mcpRun(tool: string, args: string[], settings: string) {
    const ws = workspace()
    const server = await mockServer([
      { toolCalls: [{ name: `mcp__fault__${tool}`, arguments: { text: 'x' } }] },
      { text: 'carried on' },
    ])
    configure(
      agentHome(ws),
      server,
      `[mcp_servers.fault]\ncommand = ${JSON.stringify(process.execPath)}\nargs = ${JSON.stringify([faultServer, ...args])}\n${settings}`,
    )
    const run = await runAgent(['exec', 'use the tool'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }, run.stderr).toEqual({ code: 0, stdout: 'carried on\n' })
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'use the tool')
    return { run, server }
  }

  it(FAULT_MATRIX.mcpCrash.fault, async () => {
    const { run, server } = await mcpRun('crash', [], '')
    sees(run, FAULT_MATRIX.mcpCrash)
    expect(callOutputs(server, 1)[0]).toMatch(/^MCP tool 'crash' on server 'fault' failed: /)
  })

  it(FAULT_MATRIX.mcpExit.fault, async () => {
    const { run } = await mcpRun('echo', ['--exit-on-start'], '')
    sees(run, FAULT_MATRIX.mcpExit)
    expect(run.stderr).toContain('fatal: missing configuration')
  })

  it(FAULT_MATRIX.mcpHangStart.fault, async () => {
    const { run } = await mcpRun('echo', ['--slow-start=600000'], 'startup_timeout_sec = 1\n')
    sees(run, FAULT_MATRIX.mcpHangStart)
  })

  it(FAULT_MATRIX.mcpHangCall.fault, async () => {
    const { run, server } = await mcpRun('hang', [], 'tool_timeout_sec = 1\n')
    sees(run, FAULT_MATRIX.mcpHangCall)
    expect(callOutputs(server, 1)).toEqual([
      "MCP tool 'hang' on server 'fault' failed: no answer within 1s (tool_timeout_sec); the request was cancelled",
    ])
  })

  it(FAULT_MATRIX.mcpGarbage.fault, async () => {
    const { run, server } = await mcpRun('garbage', ['--garbage-first'], '')
    sees(run, FAULT_MATRIX.mcpGarbage)
    expect(run.stderr).not.toMatch(/^\s+failed:/m)
    expect(callOutputs(server, 1)).toEqual(['after garbage'])
  })
})

describe.skipIf(!canMount)('fault matrix: the agent home (root mounts small tmpfs file systems)', () => {
  it(FAULT_MATRIX.diskFull.fault, async () => {
    const ws = workspace()
    const home = mountTmpfs(ws, 'size=64k') as string
    let freeSpace = () => {}
    const freed = new Promise<void>((resolve) => {
      freeSpace = resolve
    })
    // The first answer carries a 100 KB argument: its lines cannot be written. The second request
    // is held until the test has made room.
    const big = 'x'.repeat(100_000)
    const server = await mockServer([
      { toolCalls: [shell(`echo ${big} | wc -c`)] },
      { text: 'finished', holdUntil: freed },
    ])
    configure(home, server)
    const env = ws.env({ AGENT_HOME: home })
    const running = runAgent(['exec', 'fill the disk'], { cwd: ws.repo, env })
    await server.waitForRequests(2)
    expect(spawnSync('mount', ['-o', 'remount,size=4m', home]).status).toBe(0)
    freeSpace()
    const run = await running
    expect({ code: run.code, stdout: run.stdout }, run.stderr).toEqual({ code: 0, stdout: 'finished\n' })
    sees(run, FAULT_MATRIX.diskFull)
    expect(run.stderr).toMatch(/; \d+ line\(s\) held in memory, written as soon as there is room\n/)
    // One warning for the outage, not one per line.
    expect(run.stderr.match(/could not write the rollout/g)).toHaveLength(1)
    expect(run.stderr).toContain(
      'warning: the rollout is written again; the lines held in memory are on disk',
    )
    const rollout = await readRollout(home)
    // Every line is there, the big call included.
    expect(JSON.stringify(rollout.lines)).toContain(big)
    expect(rollout.lines.some((l) => l.type === 'event_msg' && l.payload.type === 'turn_complete')).toBe(true)
    await resumes(ws, server, 'fill the disk', env)
  })

  it(FAULT_MATRIX.diskStaysFull.fault, async () => {
    const ws = workspace()
    const home = mountTmpfs(ws, 'size=64k') as string
    const big = 'y'.repeat(100_000)
    const server = await mockServer([{ text: big }])
    configure(home, server)
    const env = ws.env({ AGENT_HOME: home })
    const run = await runAgent(['exec', 'fill the disk'], { cwd: ws.repo, env })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: `${big}\n` })
    sees(run, FAULT_MATRIX.diskStaysFull)
    expect(run.stderr).toMatch(
      /the last \d+ line\(s\) of .* could not be written .*; the session resumes from before them/,
    )
    expect(userMessages(await readRollout(home))).toEqual(['fill the disk'])
    expect(spawnSync('mount', ['-o', 'remount,size=4m', home]).status).toBe(0)
    await resumes(ws, server, 'fill the disk', env)
  })

  it(FAULT_MATRIX.readOnlyHome.fault, async () => {
    const ws = workspace()
    const home = mountTmpfs(ws, 'size=64k') as string
    const server = await mockServer([{ text: 'ephemeral answer' }])
    configure(home, server)
    expect(spawnSync('mount', ['-o', 'remount,ro', home]).status).toBe(0)
    const env = ws.env({ AGENT_HOME: home })
    const run = await runAgent(['exec', 'hi'], { cwd: ws.repo, env })
    expect(run.code).toBe(1)
    sees(run, FAULT_MATRIX.readOnlyHome)
    expect(run.stderr).toContain(`cannot record the session under ${home}/sessions: EROFS`)
    expect(server.requests).toHaveLength(0)
    const ephemeral = await runAgent(['exec', '--ephemeral', 'hi'], { cwd: ws.repo, env })
    expect({ code: ephemeral.code, stdout: ephemeral.stdout }).toEqual({
      code: 0,
      stdout: 'ephemeral answer\n',
    })
  })
})

describe('fault matrix: signals', () => {
  for (const [signal, row, code] of [
    ['SIGTERM', FAULT_MATRIX.sigterm, 143],
    ['SIGINT', FAULT_MATRIX.sigint, 130],
  ] as const) {
    it(row.fault, async () => {
      const ws = workspace()
      const marker = `${code}.${process.pid}`
      const server = await mockServer([{ toolCalls: [shell(`echo started; sleep ${marker}`)] }])
      configure(agentHome(ws), server)
      const run = runAgent(['exec', 'wait'], { cwd: ws.repo, env: ws.env() })
      // The command is running once its line is on stderr.
      let stderr = ''
      let sent = false
      run.child.stderr?.on('data', (chunk: Buffer | string) => {
        stderr += String(chunk)
        if (!sent && stderr.includes('$ bash -c')) {
          sent = true
          run.child.kill(signal)
        }
      })
      const result = await run
      expect(sent).toBe(true)
      expect(result.code).toBe(code)
      sees(result, row)
      const rollout = await readRollout(agentHome(ws))
      expect(rollout.lines.some((l) => l.type === 'event_msg' && l.payload.type === 'turn_aborted')).toBe(
        true,
      )
      const index = await resumes(ws, server, 'wait')
      expect(callOutputs(server, index)).toHaveLength(1)
    })
  }
})

describe('fault matrix: what commands and files contain', () => {
  it(FAULT_MATRIX.binary.fault, async () => {
    const ws = workspace()
    const server = await mockServer([
      {
        toolCalls: [shell("printf 'ok \\xff\\xfe\\x00\\x01 \\xc3\\x28 end\\n'; head -c 20000 /dev/urandom")],
      },
      { text: 'saw it' },
    ])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'print binary'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'saw it\n' })
    sees(run, FAULT_MATRIX.binary)
    const [output] = callOutputs(server, 1)
    expect(output).toContain('ok \uFFFD\uFFFD\u0000\u0001 \uFFFD( end')
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'print binary')
  })

  it(FAULT_MATRIX.badName.fault, async () => {
    const ws = workspace()
    const server = await mockServer([
      { toolCalls: [shell("echo x > $'bad-\\xff-name.txt'; ls")] },
      { text: 'made it' },
    ])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'make a file'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'made it\n' })
    sees(run, FAULT_MATRIX.badName)
    expect(run.stderr).not.toContain('could not snapshot')
    expect(callOutputs(server, 1)[0]).toContain('bad-\uFFFD-name.txt')
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'make a file')
  })

  // Long by nature: 100,000 files are written first (several seconds alone, far more under load).
  it(FAULT_MATRIX.bigRepo.fault, { timeout: 600_000 }, async () => {
    const ws = workspace()
    const made = spawnSync(
      'python3',
      [
        '-c',
        'import os\nfor d in range(100):\n  os.mkdir(f"d{d}")\n  for f in range(1000):\n    open(f"d{d}/f{f}","w").close()',
      ],
      { cwd: ws.repo, encoding: 'utf8' },
    )
    expect(made.status, made.stderr).toBe(0)
    // A command that writes: the turn snapshots the workspace before it (one that only reads
    // would take no snapshot at all).
    const server = await mockServer([{ toolCalls: [shell('echo hi > hi.txt')] }, { text: 'done' }])
    configure(agentHome(ws), server)
    const run = await runAgent(['exec', 'run it'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: 'done\n' })
    sees(run, FAULT_MATRIX.bigRepo)
    // Nothing was hashed into the repository's object store.
    expect(spawnSync('git', ['count-objects'], { cwd: ws.repo, encoding: 'utf8' }).stdout).toMatch(
      /^0 objects/,
    )
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'run it')
  })
})

describe('fault matrix: hooks', () => {
  async function hookRun(hook: Record<string, unknown>) {
    const ws = workspace()
    const server = await mockServer([{ toolCalls: [shell('echo hi')] }, { text: 'done' }])
    configure(agentHome(ws), server)
    writeFileSync(
      join(agentHome(ws), 'settings.json'),
      JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', ...hook }] }] } }),
    )
    const run = await runAgent(['exec', 'run it'], { cwd: ws.repo, env: ws.env() })
    expect({ code: run.code, stdout: run.stdout }, run.stderr).toEqual({ code: 0, stdout: 'done\n' })
    expect(callOutputs(server, 1)[0]).toMatch(/\nhi\n?$/)
    await readRollout(agentHome(ws))
    await resumes(ws, server, 'run it')
    return run
  }

  it(FAULT_MATRIX.hookHang.fault, async () => {
    const run = await hookRun({ command: 'sleep 600', timeout: 2 })
    sees(run, FAULT_MATRIX.hookHang)
  })

  it(FAULT_MATRIX.hookFlood.fault, async () => {
    const run = await hookRun({ command: "head -c 100000000 /dev/zero | tr '\\0' a" })
    sees(run, FAULT_MATRIX.hookFlood)
  })
})

describe('the README', () => {
  it("shows this matrix as its fault table (FAULT_MATRIX_WRITE=1 rewrites the README's copy)", () => {
    const readme = new URL('../README.md', import.meta.url)
    const text = readFileSync(readme, 'utf8')
    const begin = '<!-- fault-matrix:begin (generated from test/faults.e2e.test.ts) -->\n'
    const end = '<!-- fault-matrix:end -->'
    const cell = (s: string) => s.replaceAll('|', '\\|')
    const table = [
      '| Fault | What the user sees (stderr) | Then | Lost |',
      '| --- | --- | --- | --- |',
      ...Object.values(FAULT_MATRIX).map(
        (row: FaultRow) =>
          `| ${cell(row.fault)} | \`${cell(row.sees.trim().replaceAll('\n', ' ⏎ '))}\` | ${cell(row.outcome)} | ${cell(row.lost)} |`,
      ),
      '',
    ].join('\n')
    const from = text.indexOf(begin)
    const to = text.indexOf(end)
    expect(from, `README.md has no ${begin.trim()} marker`).toBeGreaterThanOrEqual(0)
    const current = text.slice(from + begin.length, to)
    if (process.env.FAULT_MATRIX_WRITE === '1' && current !== table) {
      writeFileSync(readme, text.slice(0, from + begin.length) + table + text.slice(to))
      return
    }
    expect(current).toBe(table)
  })
})
