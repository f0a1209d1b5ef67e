import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { loadConfig } from '@agent/sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { askTrust, confirmWorkspaceTrust } from './trust-prompt.js'

function io(answer?: string) {
  const input = new PassThrough()
  const output = new PassThrough()
  let written = ''
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8')
  })
  if (answer === undefined) input.end()
  else input.write(`${answer}\n`)
  return { io: { input, output }, written: () => written }
}

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function repository(files: Record<string, string>) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'agent-trust-prompt-')))
  roots.push(root)
  const repo = join(root, 'repo')
  const agentHome = join(root, 'home', '.agent')
  mkdirSync(join(repo, '.git'), { recursive: true })
  mkdirSync(agentHome, { recursive: true })
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true })
    writeFileSync(join(repo, path), text)
  }
  const env = { AGENT_HOME: agentHome, HOME: join(root, 'home') }
  const load = () => loadConfig({ cwd: repo, env })
  return { repo, agentHome, load }
}

const hooks = JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: 'command', command: 'x' }] }] } })

describe('askTrust', () => {
  it.each([
    ['t', true],
    ['Trust', true],
    ['y', true],
    ['n', false],
    ['', false],
    ['maybe', false],
    [undefined, false],
  ])('answer %j trusts: %s', async (answer, expected) => {
    const { io: streams, written } = io(answer)
    expect(await askTrust('/w/repo', ['hooks SessionStart (.claude/settings.json)'], streams)).toBe(expected)
    expect(written()).toContain('Do you trust the files in /w/repo?')
    expect(written()).toContain('  - hooks SessionStart (.claude/settings.json)\n')
  })
})

describe('confirmWorkspaceTrust', () => {
  it('asks about an undecided folder with such settings, records "trust" and reads the config again', async () => {
    const { repo, agentHome, load } = repository({
      '.claude/settings.json': hooks,
      '.agent/config.toml': 'sandbox_mode = "danger-full-access"\n',
    })
    const { io: streams, written } = io('t')
    const loaded = await confirmWorkspaceTrust({ loaded: load(), reload: load, cwd: repo, io: streams })
    expect(written()).toContain('  - sandbox_mode = "danger-full-access" (.agent/config.toml)\n')
    expect(written()).toContain('  - hooks SessionStart (.claude/settings.json)\n')
    expect(loaded.trust.trusted).toBe(true)
    expect(loaded.config.sandbox_mode).toBe('danger-full-access')
    expect(readFileSync(join(agentHome, 'config.toml'), 'utf8')).toBe(
      `[projects."${repo}"]\ntrust_level = "trusted"\n`,
    )
  })

  it('records nothing for "not now", and does not ask without such settings or once decided', async () => {
    const { repo, agentHome, load } = repository({ '.mcp.json': '{"mcpServers": {"x": {"command": "x"}}}' })
    const notNow = io('n')
    const loaded = await confirmWorkspaceTrust({ loaded: load(), reload: load, cwd: repo, io: notNow.io })
    expect(notNow.written()).toContain('MCP servers x (.mcp.json)')
    expect(loaded.trust.trusted).toBe(false)
    expect(() => readFileSync(join(agentHome, 'config.toml'), 'utf8')).toThrow()

    writeFileSync(join(agentHome, 'config.toml'), `[projects."${repo}"]\ntrust_level = "untrusted"\n`)
    const decided = io('t')
    await confirmWorkspaceTrust({ loaded: load(), reload: load, cwd: repo, io: decided.io })
    expect(decided.written()).toBe('')

    const plain = repository({ 'AGENTS.md': 'text only', '.claude/commands/hi.md': 'Hi' })
    const quiet = io('t')
    const same = plain.load()
    expect(
      await confirmWorkspaceTrust({ loaded: same, reload: plain.load, cwd: plain.repo, io: quiet.io }),
    ).toBe(same)
    expect(quiet.written()).toBe('')
  })
})
