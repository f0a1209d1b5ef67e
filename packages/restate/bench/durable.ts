// Benchmark of durable sessions against in-process `agent exec`, all in one run on one machine:
//  1. per-step overhead: (time of a turn with N tool steps - time of a turn with none) / N, for
//     `agent exec` and for `agent durable exec` through restate-server and a worker;
//  2. recovery: from a worker's SIGKILL (mid-step) to the next finished step, with a new worker
//     started at once on the same address;
//  3. throughput: sessions per second (one-step turns, submitted at once) with one and two workers.
// Needs the built CLI (`pnpm --filter @agent/cli build`). Run: pnpm --filter @agent/restate bench
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type MockProviderServer, startMockProviderServer } from '@agent/models/testing'
import { DurableSessionClient } from '../src/client.js'
import { freePort, type RestateServer, startRestateServer } from '../src/testing/index.js'

const bin = new URL('../../../apps/cli/dist/agent.cjs', import.meta.url).pathname
const STEPS = Number(process.env.BENCH_STEPS ?? 8)
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3)
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20)
const RETRY_MS = 100

if (!existsSync(bin)) {
  process.stderr.write(`no ${bin}: build the CLI first (pnpm --filter @agent/cli build)\n`)
  process.exit(2)
}

const root = mkdtempSync(join(tmpdir(), 'durable-bench-'))
const home = join(root, 'home')
mkdirSync(join(home, '.agent'), { recursive: true })
let mock: MockProviderServer
const children: ChildProcess[] = []

/** The same environment for every process: nothing from the host but PATH and the CA setting. */
function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AGENT_HOME: join(home, '.agent'),
    NO_COLOR: '1',
    OPENAI_API_KEY: 'x',
    OPENAI_BASE_URL: mock.baseUrl,
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
  }
}

function workspace(): string {
  const dir = mkdtempSync(join(root, 'ws-'))
  return dir
}

function run(args: string[], cwd: string): Promise<{ code: number | null; ms: number; stderr: string }> {
  const started = performance.now()
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: env(),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c
  })
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, stderr })),
  )
}

const portOf = new Map<ChildProcess, number>()

async function serve(port: number, register?: string): Promise<ChildProcess> {
  const args = ['durable', 'serve', '--port', String(port), '--provider', 'openai', '-m', 'bench']
  args.push('-s', 'danger-full-access')
  if (register) args.push('--register', register)
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: env() })
  children.push(child)
  portOf.set(child, port)
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
      if ((register ? /registered/ : /listening on/).test(stderr)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${stderr}`)))
  })
  return child
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  await gone
}

const shell = (script: string) => ({ name: 'shell', arguments: { command: ['bash', '-lc', script] } })
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

/** A turn of `steps` tool calls then a final message, scripted at the mock provider. */
function scriptTurn(steps: number): void {
  for (let i = 0; i < steps; i++) mock.push({ toolCalls: [shell(`echo ${i} >> steps.log`)] })
  mock.push({ text: 'done' })
}

async function timeTurns(argsFor: (cwd: string) => string[], steps: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < REPEAT; i++) {
    scriptTurn(steps)
    const cwd = workspace()
    const result = await run(argsFor(cwd), cwd)
    if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`)
    times.push(result.ms)
  }
  return median(times)
}

async function main() {
  mock = await startMockProviderServer({ wire: 'responses' })
  const restate: RestateServer = await startRestateServer({
    retryInitialIntervalMs: RETRY_MS,
    retryMaxIntervalMs: 500,
  })
  try {
    const rows: string[][] = []
    const port = await freePort()
    let worker = await serve(port, restate.adminUrl)

    // 1. Per-step overhead.
    const local = (cwd: string) => [
      'exec',
      '--skip-git-repo-check',
      '-s',
      'danger-full-access',
      '--provider',
      'openai',
      '-m',
      'bench',
      '-C',
      cwd,
      'go',
    ]
    const durable = (cwd: string) => ['durable', 'exec', '--ingress', restate.ingressUrl, '-C', cwd, 'go']
    const local0 = await timeTurns(local, 0)
    const localN = await timeTurns(local, STEPS)
    const durable0 = await timeTurns(durable, 0)
    const durableN = await timeTurns(durable, STEPS)
    const localStep = (localN - local0) / STEPS
    const durableStep = (durableN - durable0) / STEPS
    rows.push(['agent exec: turn, 0 steps', ms(local0), ''])
    rows.push([`agent exec: turn, ${STEPS} steps`, ms(localN), ''])
    rows.push(['agent exec: per step', ms(localStep), '1.00x'])
    rows.push(['durable exec: turn, 0 steps', ms(durable0), `${(durable0 / local0).toFixed(2)}x`])
    rows.push([`durable exec: turn, ${STEPS} steps`, ms(durableN), `${(durableN / localN).toFixed(2)}x`])
    rows.push([
      'durable exec: per step',
      ms(durableStep),
      `${(durableStep / localStep).toFixed(2)}x (target <= 2x)`,
    ])

    // 2. Recovery: SIGKILL the worker inside step 2, start a new one at once; time to step 2's end.
    /**
     * A turn whose second step holds until `hold` is removed; resolves once that step runs, with
     * the pid of the worker running it (the step's shell's parent).
     */
    const heldTurn = async (cwd: string) => {
      writeFileSync(join(cwd, 'hold'), '')
      mock.push({ toolCalls: [shell('echo 1 >> steps.log')] })
      mock.push({
        toolCalls: [
          shell('echo $PPID >> started.log; while [ -e hold ]; do sleep 0.02; done; echo 2 >> steps.log'),
        ],
      })
      mock.push({ text: 'done' })
      const turn = run(durable(cwd), cwd)
      await waitFor(() => lines(join(cwd, 'started.log')).length === 1)
      return { turn, pid: Number(lines(join(cwd, 'started.log'))[0]) }
    }
    const recoveries: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      const cwd = workspace()
      const { turn } = await heldTurn(cwd)
      const killedAt = performance.now()
      await kill(worker)
      unlinkSync(join(cwd, 'hold'))
      worker = await serve(port)
      await waitFor(() => lines(join(cwd, 'steps.log')).length === 2)
      recoveries.push(performance.now() - killedAt)
      const done = await turn
      if (done.code !== 0) throw new Error(`recovery turn failed: ${done.stderr}`)
    }
    rows.push([
      'worker SIGKILL -> next finished step (new worker started at once)',
      ms(median(recoveries)),
      `target <= ${2000 + RETRY_MS} ms (2 s + ${RETRY_MS} ms retry delay)`,
    ])

    // 3. Throughput with one worker, then two behind a round-robin proxy (same address).
    const client = new DurableSessionClient(restate.ingressUrl, { pollIntervalMs: 50 })
    const throughput = async (): Promise<number> => {
      for (let i = 0; i < SESSIONS; i++) mock.push({ text: 'ok' })
      const started = performance.now()
      const submitted = await Promise.all(
        Array.from({ length: SESSIONS }, async (_, i) => {
          const id = `bench-${Date.now()}-${i}-${Math.random()}`
          const tag = `${id}-t`
          return client.submit(id, { prompt: 'hi', tag, create: { cwd: workspace() } }, tag)
        }),
      )
      const results = await Promise.all(submitted.map((s) => client.attach(s.invocationId)))
      if (results.some((r) => r.outcome !== 'completed')) throw new Error('a session did not complete')
      return SESSIONS / ((performance.now() - started) / 1000)
    }
    const one = await throughput()
    const secondPort = await freePort()
    const workers = [worker, await serve(secondPort)]
    const { startRoundRobinProxy } = await import('../test/helpers.js')
    const proxyPort = await freePort()
    const proxy = await startRoundRobinProxy(proxyPort, [port, secondPort])
    const { registerWorker } = await import('../src/worker.js')
    await registerWorker(restate.adminUrl, `http://127.0.0.1:${proxyPort}`)
    const two = await throughput()

    // 2b. Recovery with a standby: two workers behind the proxy, the one running the step killed.
    const standby: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      const cwd = workspace()
      const { turn, pid } = await heldTurn(cwd)
      const victim = workers.find((w) => w.pid === pid)
      if (!victim) throw new Error(`the step ran in no known worker (pid ${pid})`)
      const killedAt = performance.now()
      await kill(victim)
      unlinkSync(join(cwd, 'hold'))
      await waitFor(() => lines(join(cwd, 'steps.log')).length === 2)
      standby.push(performance.now() - killedAt)
      const done = await turn
      if (done.code !== 0) throw new Error(`standby recovery turn failed: ${done.stderr}`)
      workers[workers.indexOf(victim)] = await serve(portOf.get(victim) as number)
    }
    await proxy.close()
    rows.push([
      'worker SIGKILL -> next finished step (standby worker behind the same address)',
      ms(median(standby)),
      `target <= ${2000 + RETRY_MS} ms`,
    ])
    rows.push([`sessions/s, 1 worker (${SESSIONS} one-step sessions at once)`, one.toFixed(2), '1.00x'])
    rows.push([`sessions/s, 2 workers behind one address`, two.toFixed(2), `${(two / one).toFixed(2)}x`])

    print(rows)
  } finally {
    await Promise.all(children.map(kill))
    await restate.stop()
    await mock.close()
    rmSync(root, { recursive: true, force: true })
  }
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []
}

async function waitFor(check: () => boolean): Promise<void> {
  const started = performance.now()
  while (!check()) {
    if (performance.now() - started > 120_000) throw new Error('bench: timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`
}

function print(rows: string[][]): void {
  const out = process.stdout
  out.write(
    `environment: node ${process.version}, ${cpus().length} CPUs, NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset'} (same env for every process), ` +
      `restate-server retry ${RETRY_MS} ms, ${REPEAT} runs per timing (median), mock provider on 127.0.0.1, -s danger-full-access\n\n`,
  )
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 8))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i] as number)).join(' | ')} |\n`
  out.write(line(['measure', 'value', 'ratio']))
  out.write(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|\n`)
  for (const row of rows) out.write(line(row))
}

await main()
