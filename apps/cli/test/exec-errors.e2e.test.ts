// Exit codes of `agent exec`: 2 for usage and configuration (and nothing else happens), 1 for a
// failed turn, 0 for success; plus stdin prompts and -o.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonLines, runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('agent exec: configuration and usage errors exit 2', () => {
  it('names the file, the key path and what was expected for an invalid config', async () => {
    const ws = workspace()
    const file = join(ws.home, '.agent', 'config.toml')
    writeFileSync(file, 'model = "x"\nsandbox_mode = "yolo"\n')
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'never asked' }] })
    const run = await runAgent(['exec', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${file}: sandbox_mode:`)
    expect(run.stderr).toContain('workspace-write')
    expect(server.requests).toHaveLength(0)
  })

  it('names the variable to set when the provider has no key', async () => {
    const ws = workspace()
    const run = await runAgent(['exec', '--provider', 'anthropic', 'hi'], { cwd: ws.repo, env: ws.env() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('set the ANTHROPIC_API_KEY environment variable')
  })

  it('lists the ways to configure a model when nothing is configured', async () => {
    const ws = workspace()
    const run = await runAgent(['exec', 'hi'], { cwd: ws.repo, env: ws.env() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('no model provider is configured')
    for (const way of [
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      '--provider ollama',
      'config.toml',
      '--replay',
    ]) {
      expect(run.stderr).toContain(way)
    }
  })

  it('refuses to run outside a git repository unless told to', async () => {
    const ws = workspace({}, { git: false })
    const refused = await runAgent(['exec', 'hi'], { cwd: ws.repo, env: ws.env({ OPENAI_API_KEY: 'x' }) })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--skip-git-repo-check')

    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'hello' }] })
    const allowed = await runAgent(['exec', '--skip-git-repo-check', '-s', 'read-only', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toBe('hello\n')
  })

  it('rejects a bad flag value and a bad -c override', async () => {
    const ws = workspace()
    const flag = await runAgent(['exec', '-s', 'yolo', 'hi'], { cwd: ws.repo, env: ws.env() })
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain("argument 'yolo' is invalid")
    const override = await runAgent(['exec', '-c', 'approval_policy=sometimes', 'hi'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    expect(override.code).toBe(2)
    expect(override.stderr).toContain('approval_policy:')
  })

  it('reports an unreadable replay file', async () => {
    const ws = workspace()
    writeFileSync(join(ws.repo, 'bad.jsonl'), '{"v":1,"events":[{"type":"nonsense"}]}\n')
    const run = await runAgent(['exec', '--replay', 'bad.jsonl', 'hi'], { cwd: ws.repo, env: ws.env() })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('bad.jsonl')
  })
})

describe('agent exec: outcomes', () => {
  it('exits 1 with turn.failed when the model fails', async () => {
    const ws = workspace()
    server = await startMockProviderServer({
      wire: 'chat',
      turns: [{ type: 'error', status: 400, message: 'this model does not exist' }],
    })
    const run = await runAgent(['exec', '--json', '--provider', 'openai-chat', '-m', 'nope', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code).toBe(1)
    const last = jsonLines(run.stdout).at(-1) as { type: string; error: { message: string } }
    expect(last.type).toBe('turn.failed')
    expect(last.error.message).toContain('this model does not exist')
  })

  it('reads the prompt from stdin, writes the last message with -o, and keeps stdout for the answer', async () => {
    const ws = workspace()
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ reasoning: 'hmm', text: 'the answer' }],
    })
    const run = await runAgent(['exec', '-o', 'last.txt', '--ephemeral', '-'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      input: 'a question from stdin\n',
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('the answer\n')
    expect(run.stderr).toContain('thinking: hmm')
    expect(readFileSync(join(ws.repo, 'last.txt'), 'utf8')).toBe('the answer')
    expect(JSON.stringify(server.requests[0]?.body)).toContain('a question from stdin')
    // --ephemeral: no rollout was written.
    expect(existsSync(join(ws.home, '.agent', 'sessions'))).toBe(false)
  })

  it('uses a provider defined in config.toml (model_providers), with no key', async () => {
    const ws = workspace()
    server = await startMockProviderServer({ wire: 'chat', turns: [{ text: 'local model here' }] })
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      `model_provider = "local"\nmodel = "qwen3-coder"\n\n[model_providers.local]\nbase_url = "${server.baseUrl}"\nwire_api = "chat"\n`,
    )
    const run = await runAgent(['exec', 'hi'], { cwd: ws.repo, env: ws.env() })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('local model here\n')
    expect(server.requests[0]?.body).toMatchObject({ model: 'qwen3-coder' })
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('--base-url points a built-in provider at another server', async () => {
    const ws = workspace()
    server = await startMockProviderServer({ wire: 'anthropic', turns: [{ text: 'from the base url' }] })
    const run = await runAgent(['exec', '--provider', 'anthropic', '--base-url', server.baseUrl, 'hi'], {
      cwd: ws.repo,
      env: ws.env({ ANTHROPIC_API_KEY: 'x', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/unused' }),
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('from the base url\n')
  })
})

describe('agent exec: the sandbox fails closed', () => {
  it('refuses to run when the sandbox is asked for and bubblewrap cannot be found', async () => {
    const ws = workspace()
    // Only the system's bwrap may be used (the shipped static one would otherwise step in).
    const run = await runAgent(['exec', '--full-auto', '--provider', 'openai', 'hi'], {
      cwd: ws.repo,
      env: {
        ...ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
        PATH: '/nonexistent',
        AGENT_SANDBOX_BWRAP: 'system',
      },
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('workspace-write sandbox is not available')
    expect(run.stderr).toContain('-s danger-full-access')
  })
})

describe('agent exec: a reader that goes away', () => {
  it('finishes the session quietly when stdout is closed early (| head -1)', async () => {
    const ws = workspace()
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ toolCalls: [{ name: 'shell', arguments: { command: ['echo', 'hi'] } }] }, { text: 'done' }],
    })
    const run = runAgent(['exec', '--json', '-s', 'danger-full-access', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      onStdout: () => run.child.stdout?.destroy(),
    })
    const result = await run
    expect(result.stderr).not.toContain('EPIPE')
    expect(result.code).toBe(0)
    expect(server.requests).toHaveLength(2) // the turn went on to the end
  })
})
