import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { packageDir, scratchDir } from '../test/helpers.js'
import { runSandboxCli } from './cli.js'

let scratch: ReturnType<typeof scratchDir>
let ws: string

beforeEach(() => {
  scratch = scratchDir()
  ws = join(scratch.dir, 'ws')
  mkdirSync(ws)
})
afterEach(() => scratch.cleanup())

async function cli(args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runSandboxCli(args, {
    stdout: { write: (c) => (stdout += c.toString()) },
    stderr: { write: (c) => (stderr += c.toString()) },
    stdin: 'ignore',
    cwd: ws,
  })
  return { code, stdout, stderr }
}

describe('runSandboxCli', () => {
  it('runs the command confined, passing output and exit code through', async () => {
    const r = await cli(['--', 'sh', '-c', 'echo out; echo err >&2; echo x > inside.txt; exit 3'])
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' })
    expect(existsSync(join(ws, 'inside.txt'))).toBe(true)
  })

  it('uses -C as the workspace and --writable for extra roots; everything else stays read-only', async () => {
    const other = join(scratch.dir, 'other')
    const extra = join(scratch.dir, 'extra')
    mkdirSync(other)
    mkdirSync(extra)
    const r = await cli([
      '-C',
      other,
      '--writable',
      extra,
      '--',
      'sh',
      '-c',
      `echo a > a; echo b > ${extra}/b; echo c > ${ws}/c`,
    ])
    expect(r.code).not.toBe(0)
    expect(readFileSync(join(other, 'a'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(extra, 'b'), 'utf8')).toBe('b\n')
    expect(existsSync(join(ws, 'c'))).toBe(false)
    expect(r.stderr).toMatch(/Read-only file system/)
  })

  it('passes death by signal through as 128 + N', async () => {
    expect((await cli(['--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143)
  })

  it('keeps the network off unless --network is given', async () => {
    const off = await cli(['--print', '--', 'true'])
    expect(JSON.parse(off.stdout.split('\n')[0] as string)).toContain('--unshare-net')
    expect(off.stdout).toMatch(/fd 3: \d+ bytes \(seccomp filter\)/)
    const on = await cli(['--print', '--network', '--', 'true'])
    expect(JSON.parse(on.stdout.split('\n')[0] as string)).not.toContain('--unshare-net')
  })

  it('runs read-only and danger-full-access modes', async () => {
    const ro = await cli(['--mode', 'read-only', '--', 'sh', '-c', 'echo x > f'])
    expect(ro.code).not.toBe(0)
    expect(existsSync(join(ws, 'f'))).toBe(false)
    const full = await cli(['--mode', 'danger-full-access', '--print', '--', 'echo', 'hi'])
    expect(full.stdout).toBe('["echo","hi"]\n')
  })

  it('lets --allow-domain hosts through a proxy while the network stays off', async () => {
    const server = createServer((_req, res) => res.end('hi'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const script = (host: string) =>
      `const p = new URL(process.env.HTTP_PROXY); require('node:http').get({ host: p.hostname, port: p.port, path: 'http://${host}:${port}/' }, (r) => console.log(r.statusCode))`
    try {
      const ok = await cli(['--allow-domain', '127.0.0.1', '--', process.execPath, '-e', script('127.0.0.1')])
      expect(ok).toMatchObject({ code: 0, stdout: '200\n' })
      const refused = await cli([
        '--allow-domain',
        '127.0.0.1',
        '--',
        process.execPath,
        '-e',
        script('localhost'),
      ])
      expect(refused.stdout).toBe('403\n')
    } finally {
      server.close()
    }
    expect(await cli(['--allow-domain', 'x.com', '--network', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /drop --network/,
    })
    expect(await cli(['--allow-domain', 'http://x', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /invalid allowed domain/,
    })
  })

  it('reports what the machine supports with --detect', async () => {
    const r = await cli(['--detect'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/backend: bwrap\n[\s\S]*seccomp: yes[\s\S]*available: yes\n/)
  })

  it('rejects bad usage with exit 2 and a message saying what is wrong', async () => {
    expect(await cli([])).toMatchObject({ code: 2, stderr: /no command given/ })
    expect(await cli(['--mode', 'sideways', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /unknown --mode "sideways"/,
    })
    expect(await cli(['--mode', 'read-only', '--network', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /--network only applies to --mode workspace-write/,
    })
    expect(await cli(['--bogus', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /Unknown option '--bogus'/,
    })
    expect(await cli(['-C', '/no/such/dir', '--', 'true'])).toMatchObject({
      code: 2,
      stderr: /cwd does not exist/,
    })
    expect(await cli(['--help'])).toMatchObject({ code: 0, stdout: /usage: agent-sandbox/ })
  })

  it('works as the agent-sandbox executable', () => {
    const tsx = join(packageDir, '../../node_modules/.bin/tsx')
    const r = spawnSync(
      tsx,
      [join(packageDir, 'src/bin.ts'), '-C', ws, '--', 'sh', '-c', 'echo from-bin; exit 4'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    expect(r.stdout).toBe('from-bin\n')
    expect(r.status).toBe(4)
  })
})
