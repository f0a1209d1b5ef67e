// `agent mcp add|list|remove` editing config.toml (the rest of the file untouched), an MCP tool
// called in an exec session through a real stdio MCP server, and `--plugin-dir` / `agent plugins list`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonLines, runAgent, workspace } from './helpers.js'

const echoServer = new URL('./fixtures/echo-mcp-server.mjs', import.meta.url).pathname
let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('agent mcp', () => {
  it('adds, lists, uses and removes a server, keeping the rest of config.toml intact', async () => {
    const ws = workspace()
    const file = join(ws.home, '.agent', 'config.toml')
    const original =
      '# my settings\nmodel = "gpt-5"   # keep this comment\n\n[sandbox_workspace_write]\nnetwork_access = false\n'
    writeFileSync(file, original)
    const env = ws.env()

    const added = await runAgent(
      ['mcp', 'add', 'echo', '--env', 'GREETING=hi', '--', process.execPath, echoServer],
      {
        cwd: ws.repo,
        env,
      },
    )
    expect(added.code, added.stderr).toBe(0)
    const edited = readFileSync(file, 'utf8')
    expect(edited.startsWith(original)).toBe(true)
    expect(edited).toContain('[mcp_servers.echo]')

    const duplicate = await runAgent(['mcp', 'add', 'echo', '--', 'true'], { cwd: ws.repo, env })
    expect(duplicate.code).toBe(2)
    expect(duplicate.stderr).toContain('already exists')

    const list = await runAgent(['mcp', 'list', '--check'], { cwd: ws.repo, env })
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/echo\s+stdio\s+ready\s+1/)

    server = await startMockProviderServer({
      wire: 'responses',
      turns: [
        { toolCalls: [{ name: 'mcp__echo__echo', arguments: { text: 'hello' } }] },
        { text: 'it echoed' },
      ],
    })
    const run = await runAgent(['exec', '--json', 'use the echo tool'], {
      cwd: ws.repo,
      env: { ...env, OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl },
    })
    expect(run.code, run.stderr).toBe(0)
    const call = jsonLines(run.stdout).find(
      (l) =>
        (l as { type: string; item?: { type: string } }).type === 'item.completed' &&
        (l as { item: { type: string } }).item.type === 'mcp_tool_call',
    )
    expect(call).toMatchObject({
      item: { server: 'echo', tool: 'echo', status: 'completed', arguments: { text: 'hello' } },
    })
    expect(JSON.stringify(server.requests[1]?.body)).toContain('echo: hello')

    const removed = await runAgent(['mcp', 'remove', 'echo'], { cwd: ws.repo, env })
    expect(removed.code).toBe(0)
    expect(readFileSync(file, 'utf8').trimEnd()).toBe(original.trimEnd())
    const again = await runAgent(['mcp', 'remove', 'echo'], { cwd: ws.repo, env })
    expect(again.code).toBe(1)
  })

  it("lists what a session starts: config.toml's servers and the project's .mcp.json ones", async () => {
    const ws = workspace()
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      `[mcp_servers.echo]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(echoServer)}]\n`,
    )
    writeFileSync(
      join(ws.repo, '.mcp.json'),
      JSON.stringify({
        mcpServers: {
          // The same name as in config.toml: the configured one wins.
          echo: { command: 'not-this-one' },
          project: { command: process.execPath, args: [echoServer] },
          broken: { command: 42 },
        },
      }),
    )
    const env = ws.env()
    // The repository is not trusted yet: its .mcp.json servers are neither listed nor started.
    const untrusted = await runAgent(['mcp', 'list', '--check'], { cwd: ws.repo, env })
    expect(untrusted.code, untrusted.stderr).toBe(0)
    expect(untrusted.stdout).not.toMatch(/^project\s/m)
    expect(untrusted.stderr).toContain(
      `MCP servers echo, project, broken (.mcp.json). To apply them: agent trust ${ws.repo}`,
    )
    expect((await runAgent(['trust'], { cwd: ws.repo, env })).code).toBe(0)

    const list = await runAgent(['mcp', 'list'], { cwd: ws.repo, env })
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/echo\s+stdio\s+configured/)
    expect(list.stdout).toMatch(/project\s+stdio\s+configured/)
    expect(list.stdout).not.toContain('not-this-one')
    expect(list.stderr).toMatch(/warning: MCP server broken skipped: .*\.mcp\.json: broken/)

    const checked = await runAgent(['mcp', 'list', '--check'], { cwd: ws.repo, env })
    expect(checked.code, checked.stderr).toBe(0)
    expect(checked.stdout).toMatch(/project\s+stdio\s+ready\s+1/)
  })

  it('stops exec when a required server cannot start', async () => {
    const ws = workspace()
    writeFileSync(
      join(ws.home, '.agent', 'config.toml'),
      '[mcp_servers.broken]\ncommand = "/nonexistent/server"\nrequired = true\n',
    )
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'should not matter' }] })
    const run = await runAgent(['exec', 'hi'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('broken')
  })
})

describe('plugins', () => {
  it('--plugin-dir loads a plugin for one run; agent plugins list shows it and its problems', async () => {
    const ws = workspace()
    const plugin = join(ws.root, 'plugins', 'greeter')
    mkdirSync(join(plugin, '.claude-plugin'), { recursive: true })
    mkdirSync(join(plugin, 'commands'), { recursive: true })
    mkdirSync(join(plugin, 'hooks'), { recursive: true })
    writeFileSync(
      join(plugin, '.claude-plugin', 'plugin.json'),
      JSON.stringify({ name: 'greeter', version: '1.2.3' }),
    )
    writeFileSync(
      join(plugin, 'commands', 'hello.md'),
      '---\ndescription: Say hello\n---\nSay hello to $ARGUMENTS. Files here: !`ls`\n',
    )
    mkdirSync(join(plugin, 'agents'), { recursive: true })
    writeFileSync(join(plugin, 'agents', 'broken.md'), '---\nname: broken\ntools: {\n---\nbody\n')
    const log = join(ws.root, 'prompts.log')
    writeFileSync(
      join(plugin, 'hooks', 'hooks.json'),
      JSON.stringify({
        hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: `cat >> ${log}` }] }] },
      }),
    )
    const env = ws.env()
    const list = await runAgent(['--plugin-dir', plugin, 'plugins', 'list'], { cwd: ws.repo, env })
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain('greeter 1.2.3')
    expect(list.stdout).toContain('/greeter:hello  Say hello')
    expect(list.stdout).toContain('UserPromptSubmit')
    expect(list.stdout).toMatch(/Problems \(1\)[\s\S]*broken\.md/)

    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: 'hi there' }] })
    const run = await runAgent(['exec', '--plugin-dir', plugin, 'greet me'], {
      cwd: ws.repo,
      env: { ...env, OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl },
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('broken.md') // reported, skipped, the run went on
    expect(readFileSync(log, 'utf8')).toContain('"prompt":"greet me"')

    // A slash command in the prompt is expanded (its shell part run under the policy and sandbox).
    writeFileSync(join(ws.repo, 'marker-file.txt'), '')
    server.push({ text: 'hello bob' })
    const slash = await runAgent(['exec', '--plugin-dir', plugin, '/hello bob'], {
      cwd: ws.repo,
      env: { ...env, OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl },
    })
    expect(slash.code, slash.stderr).toBe(0)
    const sent = JSON.stringify(server.requests[1]?.body)
    expect(sent).toContain('Say hello to bob. Files here:')
    expect(sent).toContain('marker-file.txt')
  })
})

describe('mounted tools', () => {
  it('agent apply-patch applies a patch from stdin in the cwd', async () => {
    const ws = workspace({ 'a.txt': 'one\ntwo\n' })
    const patch = '*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+three\n*** End Patch\n'
    const run = await runAgent(['apply-patch'], { cwd: ws.repo, env: ws.env(), input: patch })
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(ws.repo, 'a.txt'), 'utf8')).toBe('one\nthree\n')
  })

  it('agent policy check and agent sandbox pass their arguments through', async () => {
    const ws = workspace()
    const policy = await runAgent(['policy', 'check', '--exit-code', '--', 'rm', '-rf', '/'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    expect(policy.code).toBe(3)
    expect(policy.stdout).toContain('dangerous')
    const sandbox = await runAgent(['sandbox', '--mode', 'read-only', '--', 'sh', '-c', 'echo hi > x.txt'], {
      cwd: ws.repo,
      env: ws.env(),
    })
    expect(sandbox.code).not.toBe(0)
  })
})
