// Where the time of a one-step `agent exec` goes, as timestamps (not a CPU profile): the agent
// runs as in bench/cli.ts (fresh HOME, the same clean environment) with a CommonJS preload that
// records, on the wall clock shared with this process, when Node handed over to the preload, when
// the CLI's bundle was compiled, when each HTTP request was created and answered, every child process
// started and ended (the workspace snapshot's git commands, the tool's command), and the exit;
// the mock server adds when requests arrived and responses ended. CPU time at each mark too.
//   pnpm --filter @agent/cli exec tsx --conditions @agent/source bench/profile.ts   (after a build)
// PROFILE_SANDBOX=workspace-write profiles the sandboxed path; PROFILE_RUNS (3) repeats it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startMockProviderServer } from '@agent/models/testing'

const bin = new URL('../dist/agent.cjs', import.meta.url).pathname
const sandbox = process.env.PROFILE_SANDBOX ?? 'danger-full-access'
const runs = Number(process.env.PROFILE_RUNS ?? 3)
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'agent-profile-')))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))

const preload = join(scratch, 'marks.cjs')
writeFileSync(
  preload,
  `const { performance } = require('node:perf_hooks')
const marks = []
const mark = (what) => marks.push([performance.timeOrigin + performance.now(), process.cpuUsage(), what])
mark('node ready (preload runs)')
const vm = require('node:vm')
const Script = vm.Script
vm.Script = class extends Script {
  constructor(...args) { mark('bundle: compile starts'); super(...args); mark('bundle: compiled (code cache ' + (args[1] && args[1].cachedData ? (this.cachedDataRejected ? 'rejected' : 'accepted') : 'none') + ')') }
}
// undici's diagnostics channels, not a wrapper around globalThis.fetch: touching \`fetch\` loads
// undici, and would move its cost into the launcher's time.
const dc = require('node:diagnostics_channel')
dc.subscribe('undici:request:create', () => mark('HTTP request created (undici)'))
dc.subscribe('undici:request:headers', () => mark('HTTP response headers'))
const cp = require('node:child_process')
const realSpawn = cp.spawn
cp.spawn = function (file, args, ...rest) {
  const name = [file, ...(args || []).filter((a) => !a.startsWith('-') && !a.includes('=')).slice(0, 2)].join(' ')
  mark('spawn ' + name)
  const child = realSpawn.call(this, file, args, ...rest)
  child.on('exit', () => mark('exited ' + name))
  return child
}
process.on('exit', () => { mark('exit'); require('node:fs').writeFileSync(process.env.PROFILE_MARKS, JSON.stringify(marks)) })
`,
)

console.log(
  `agent exec, one shell step, ${sandbox}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
for (let run = 1; run <= runs; run++) {
  const root = join(scratch, `run-${run}`)
  const home = join(root, 'home')
  const repo = join(root, 'repo')
  mkdirSync(home, { recursive: true })
  mkdirSync(repo, { recursive: true })
  spawnSync('git', ['init', '-q', '-b', 'main', repo])
  const marksFile = join(root, 'marks.json')
  const server = await startMockProviderServer({
    wire: 'responses',
    turns: [{ toolCalls: [{ name: 'shell', arguments: { command: ['echo', 'hi'] } }] }, { text: 'done' }],
  })
  const origin = performance.timeOrigin
  const start = performance.now()
  const child = spawn(bin, ['exec', '--ephemeral', '-s', sandbox, 'run echo once'], {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      OPENAI_API_KEY: 'bench',
      NODE_OPTIONS: `--require ${preload}`,
      HOME: home,
      OPENAI_BASE_URL: server.baseUrl,
      PROFILE_MARKS: marksFile,
    },
    stdio: 'ignore',
  })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  const end = performance.now()
  if (code !== 0) throw new Error(`agent exited ${code}`)
  const rows: [number, number | undefined, string][] = [[0, undefined, 'spawned']]
  for (const [at, cpu, what] of JSON.parse(readFileSync(marksFile, 'utf8')) as [
    number,
    { user: number; system: number },
    string,
  ][]) {
    rows.push([at - origin - start, (cpu.user + cpu.system) / 1000, what])
  }
  for (let i = 1; i <= 2; i++) {
    rows.push([(await server.waitForRequests(i)) - start, undefined, `server: request ${i} arrived`])
    rows.push([(await server.waitForResponses(i)) - start, undefined, `server: response ${i} sent`])
  }
  rows.push([end - start, undefined, 'exit seen'])
  await server.close()
  rows.sort((a, b) => a[0] - b[0])
  console.log(`\nrun ${run}: ms since spawn | +ms | CPU ms of the agent | what`)
  let last = 0
  for (const [at, cpu, what] of rows) {
    console.log(
      `${at.toFixed(1).padStart(8)} | ${`+${(at - last).toFixed(1)}`.padStart(7)} | ${cpu === undefined ? '      ' : cpu.toFixed(1).padStart(6)} | ${what}`,
    )
    last = at
  }
}
