// Helpers for the `agent durable` end-to-end tests: workers that are the built binary, a mock
// provider, commands that hold until the test releases them, a client run whose session id is
// known as soon as it prints, and replacing a worker with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import { bin, runAgent, type Workspace, workspace } from './helpers.js'

export async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  await gone
}

export const shell = (script: string) => ({ name: 'shell', arguments: { command: ['bash', '-lc', script] } })

/** A command that logs `name` to effects.log, then waits while the file `hold-<name>` exists. */
export const held = (name: string) =>
  shell(`echo ${name} >> effects.log; while [ -e hold-${name} ]; do sleep 0.05; done`)

export const lines = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []

export async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > 90_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export interface Worker {
  child: ChildProcess
  port: number
  stderr(): string
}

/** What one test sets up; `cleanup()` (afterEach) stops its processes and removes its files. */
export class DurableRig {
  mock: MockProviderServer | undefined
  private readonly workers: ChildProcess[] = []
  private readonly roots: string[] = []

  constructor(private readonly restate: { adminUrl: string; ingressUrl: string }) {}

  workspace(): Workspace {
    const ws = workspace({}, { git: false })
    this.roots.push(ws.root)
    return ws
  }

  async provider(turns: MockTurn[]): Promise<MockProviderServer> {
    this.mock = await startMockProviderServer({ wire: 'responses', turns })
    return this.mock
  }

  /** `agent durable serve` on `port`; resolves once it listens (and registered, unless `register: false`). */
  async serve(
    ws: Workspace,
    port: number,
    options: { register?: boolean; args?: string[] } = {},
  ): Promise<Worker> {
    const register = options.register ?? true
    const args = ['durable', 'serve', '--port', String(port), '--provider', 'openai', '-m', 'test-model']
    args.push('-s', 'danger-full-access', ...(options.args ?? []))
    if (register) args.push('--register', this.restate.adminUrl)
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: ws.repo,
      env: ws.env({ OPENAI_API_KEY: 'x', OPENAI_BASE_URL: this.mock?.baseUrl ?? 'http://127.0.0.1:1/v1' }),
    })
    this.workers.push(child)
    let stderr = ''
    await new Promise<void>((resolve, reject) => {
      const ready = register ? /registered/ : /listening on/
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
        if (ready.test(stderr)) resolve()
      })
      child.once('exit', (code) => reject(new Error(`agent durable serve exited ${code}:\n${stderr}`)))
    })
    return { child, port, stderr: () => stderr }
  }

  /**
   * SIGKILLs `worker` mid-turn, runs `meanwhile` (release a held command, say) while no worker is
   * up, and starts a new worker on the same address (Restate retries the turn there).
   */
  async replaceWorker(
    ws: Workspace,
    worker: Worker,
    meanwhile: () => unknown = () => {},
    args: string[] = [],
  ): Promise<Worker> {
    await killProcess(worker.child)
    await meanwhile()
    return this.serve(ws, worker.port, { register: false, args })
  }

  /** Creates `hold-<name>` for each name: `held(name)` commands wait until `release(ws, name)`. */
  hold(ws: Workspace, ...names: string[]): void {
    for (const name of names) writeFileSync(join(ws.repo, `hold-${name}`), '')
  }

  release(ws: Workspace, name: string): void {
    unlinkSync(join(ws.repo, `hold-${name}`))
  }

  effects(ws: Workspace): string[] {
    return lines(join(ws.repo, 'effects.log'))
  }

  /** `agent durable exec ... --json PROMPT`; `session` resolves with the id `thread.started` names. */
  execJson(ws: Workspace, args: string[]): { run: ReturnType<typeof runAgent>; session: Promise<string> } {
    let known: (id: string) => void = () => {}
    const session = new Promise<string>((resolve) => {
      known = resolve
    })
    const run = runAgent(['durable', 'exec', '--ingress', this.restate.ingressUrl, '--json', ...args], {
      cwd: ws.repo,
      env: ws.env(),
      onStdout: (all) => {
        const first = all.split('\n')[0]
        if (all.includes('\n') && first) known((JSON.parse(first) as { thread_id: string }).thread_id)
      },
    })
    return { run, session }
  }

  /**
   * `agent durable exec ... PROMPT` up to its first approval request: the run, and the call and
   * session ids its stderr names (what `agent durable approve` needs).
   */
  async execUntilApproval(
    ws: Workspace,
    args: string[],
  ): Promise<{ run: ReturnType<typeof runAgent>; callId: string; sessionId: string; stderr(): string }> {
    let stderr = ''
    const run = runAgent(['durable', 'exec', '--ingress', this.restate.ingressUrl, ...args], {
      cwd: ws.repo,
      env: ws.env(),
    })
    run.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const asked = /waiting for approval of (\S+):/
    await until(() => asked.test(stderr), 'the approval request')
    return {
      run,
      callId: asked.exec(stderr)?.[1] as string,
      sessionId: /--session (\S+)/.exec(stderr)?.[1] as string,
      stderr: () => stderr,
    }
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => killProcess(w)))
    await this.mock?.close()
    this.mock = undefined
    for (const root of this.roots.splice(0)) rmSync(root, { recursive: true, force: true })
  }
}
