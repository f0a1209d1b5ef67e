// `agent review` and `agent exec --review` end to end: the built binary collects the diff, sends
// it in the review prompt with the findings schema to the mock provider, and prints the findings.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { runAgent, workspace } from './helpers.js'

let server: MockProviderServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function repo() {
  const ws = workspace({ 'src/calc.ts': 'export const add = (a: number, b: number) => a + b\n' })
  git(ws.repo, 'add', '.')
  git(ws.repo, 'commit', '-qm', 'first')
  return ws
}

const answer = {
  findings: [
    { file: 'src/calc.ts', line: 2, severity: 'low', title: 'Name is vague', why: 'Call it subtract.' },
    {
      file: 'src/calc.ts',
      line: 1,
      severity: 'high',
      title: 'add subtracts',
      why: 'a - b is not a sum.\nUse a + b.',
    },
  ],
  summary: 'The change breaks add.',
}

interface SentRequest {
  input: Array<{ role?: string; content?: Array<{ text?: string }> }>
  text?: { format?: { type?: string; schema?: { required?: string[] } } }
}

function promptOf(body: unknown): string {
  const user = (body as SentRequest).input.filter((i) => i.role === 'user').at(-1)
  return (user?.content ?? []).map((p) => p.text ?? '').join('')
}

describe('agent review', () => {
  it('reviews the uncommitted changes: the diff and the schema go out, the findings print', async () => {
    const ws = repo()
    writeFileSync(join(ws.repo, 'src/calc.ts'), 'export const add = (a: number, b: number) => a - b\n')
    writeFileSync(join(ws.repo, 'src/new.ts'), 'export const fresh = 1\n')
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: JSON.stringify(answer) }] })
    const run = await runAgent(['review', 'correctness'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    const body = server.requests[0]?.body as SentRequest
    const prompt = promptOf(body)
    expect(prompt).toContain('-export const add = (a: number, b: number) => a + b')
    expect(prompt).toContain('+export const add = (a: number, b: number) => a - b')
    // Untracked files are part of the uncommitted changes.
    expect(prompt).toContain('+export const fresh = 1')
    expect(prompt).toContain('The user asks you to focus on: correctness')
    expect(body.text?.format?.type).toBe('json_schema')
    expect(body.text?.format?.schema?.required).toEqual(['findings', 'summary'])
    // Most severe first, file:line [severity] title, then why, indented.
    expect(run.stdout).toBe(
      [
        'src/calc.ts:1 [high] add subtracts',
        '    a - b is not a sum.',
        '    Use a + b.',
        'src/calc.ts:2 [low] Name is vague',
        '    Call it subtract.',
        '',
        'The change breaks add.',
        '2 findings: 1 high, 1 low',
        '',
      ].join('\n'),
    )
  })

  it('exec --review --commit SHA reviews one commit; --json prints the findings as JSON last', async () => {
    const ws = repo()
    writeFileSync(join(ws.repo, 'src/calc.ts'), 'export const add = (a: number, b: number) => a * b\n')
    git(ws.repo, 'commit', '-qam', 'multiply by mistake')
    const sha = git(ws.repo, 'rev-parse', 'HEAD')
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: JSON.stringify(answer) }] })
    const run = await runAgent(['exec', '--review', '--commit', sha, '--json'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    const prompt = promptOf(server.requests[0]?.body)
    expect(prompt).toContain(`commit ${sha}`)
    expect(prompt).toContain('multiply by mistake')
    expect(prompt).toContain('+export const add = (a: number, b: number) => a * b')
    const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '')
    expect(last.summary).toBe('The change breaks add.')
    expect(last.findings.map((f: { severity: string }) => f.severity)).toEqual(['high', 'low'])
  })

  it('--base BRANCH reviews the branch from the merge base; bad input gets a clear error', async () => {
    const ws = repo()
    git(ws.repo, 'checkout', '-qb', 'feature')
    writeFileSync(join(ws.repo, 'src/more.ts'), 'export const more = 2\n')
    git(ws.repo, 'add', '.')
    git(ws.repo, 'commit', '-qm', 'more')
    server = await startMockProviderServer({
      wire: 'responses',
      turns: [{ text: JSON.stringify({ findings: [], summary: 'Fine.' }) }],
    })
    const env = ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl })
    const run = await runAgent(['review', '--base', 'main'], { cwd: ws.repo, env })
    expect(run.code, run.stderr).toBe(0)
    expect(promptOf(server.requests[0]?.body)).toContain('+export const more = 2')
    expect(run.stdout).toBe('No findings.\n\nFine.\n')

    // Nothing uncommitted: a usage error, and nothing is sent.
    const clean = await runAgent(['review'], { cwd: ws.repo, env })
    expect(clean.code).toBe(2)
    expect(clean.stderr).toContain('nothing to review')
    const bad = await runAgent(['review', '--base', 'no-such-branch'], { cwd: ws.repo, env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--base no-such-branch')
    expect(server.requests).toHaveLength(1)
  })

  it('/review in the interactive session sends the review and shows the findings', async () => {
    const ws = repo()
    writeFileSync(join(ws.repo, 'src/calc.ts'), 'export const add = (a: number, b: number) => a - b\n')
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: JSON.stringify(answer) }] })
    const run = await runAgent(['-s', 'read-only', '-a', 'on-request'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
      input: '/review --base\n/review\n',
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout + run.stderr).toContain('Cannot review: --base needs a value: /review --base BRANCH')
    expect(server.requests).toHaveLength(1)
    const body = server.requests[0]?.body as SentRequest
    expect(promptOf(body)).toContain('+export const add = (a: number, b: number) => a - b')
    expect(body.text?.format?.schema?.required).toEqual(['findings', 'summary'])
    expect(run.stdout).toContain('src/calc.ts:1 [high] add subtracts')
    expect(run.stdout).toContain('2 findings: 1 high, 1 low')
    // Only the formatted findings: the model's JSON answer is not printed as well.
    expect(run.stdout).not.toContain('"findings"')
    expect(run.stdout).not.toContain('"severity"')
  })
})

describe('agent exec --output-schema', () => {
  it('sends the schema with the turn (the review relies on the same path)', async () => {
    const ws = repo()
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    }
    writeFileSync(join(ws.root, 'schema.json'), JSON.stringify(schema))
    server = await startMockProviderServer({ wire: 'responses', turns: [{ text: '{"answer":"4"}' }] })
    const run = await runAgent(['exec', '--output-schema', join(ws.root, 'schema.json'), 'two plus two'], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: server.baseUrl }),
    })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('{"answer":"4"}\n')
    const body = server.requests[0]?.body as { text?: { format?: { type?: string; schema?: unknown } } }
    expect(body.text?.format).toMatchObject({ type: 'json_schema', schema })
  })
})
