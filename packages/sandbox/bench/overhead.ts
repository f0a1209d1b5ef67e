// Overhead of running `true` under each sandbox mode versus unsandboxed: median and p90 wall
// time of spawn-to-exit, measured round-robin in one run so machine load hits every mode alike.
// Run: pnpm --filter @agent/sandbox bench [-- RUNS]
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { SandboxPolicy } from '@agent/protocol'
import { detectSandbox } from '../src/detect.js'
import { createSandbox, wrapCommand } from '../src/sandbox.js'
import { spawnWrapped } from '../src/spawn.js'
import type { WrappedCommand } from '../src/types.js'

const runs = Number(process.argv[2] ?? 100)
const base = join(import.meta.dirname, '..', '.scratch')
mkdirSync(base, { recursive: true })
const cwd = mkdtempSync(join(base, 'bench-'))
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' }

const modes: {
  name: string
  policy: SandboxPolicy | null
  allowlist?: boolean
  /** Run with the static bwrap of @agent/sandbox-linux-x64 instead of the system's. */
  shipped?: boolean
  /** Also time `afterCommand` (the planted-git-hooks check of the workspace and /tmp's top). */
  audit?: boolean
}[] = [
  { name: 'unsandboxed (baseline)', policy: null },
  { name: 'danger-full-access', policy: { type: 'danger-full-access' } },
  { name: 'read-only', policy: { type: 'read-only' } },
  { name: 'workspace-write', policy: { type: 'workspace-write', writable_roots: [], network_access: false } },
  {
    name: 'workspace-write, shipped static bwrap',
    policy: { type: 'workspace-write', writable_roots: [], network_access: false },
    shipped: true,
  },
  {
    name: 'workspace-write + afterCommand',
    policy: { type: 'workspace-write', writable_roots: [], network_access: false },
    audit: true,
  },
  {
    name: 'workspace-write + network',
    policy: { type: 'workspace-write', writable_roots: [], network_access: true },
  },
  {
    name: 'workspace-write + allowlist proxy',
    policy: { type: 'workspace-write', writable_roots: [], network_access: false },
    allowlist: true,
  },
]

function timeOnce(wrapped: WrappedCommand | null, after?: () => Promise<unknown>): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = wrapped
      ? spawnWrapped(wrapped, { cwd, stdio: ['ignore', 'ignore', 'ignore'] })
      : spawn('true', [], { cwd, env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}`))
      else if (after) after().then(() => resolve(Number(process.hrtime.bigint() - start) / 1e6), reject)
      else resolve(Number(process.hrtime.bigint() - start) / 1e6)
    })
  })
}

async function wrapTime(policy: SandboxPolicy): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < 50; i++) await wrapCommand(policy, { argv: ['true'], cwd, env })
  return Number(process.hrtime.bigint() - start) / 1e6 / 50
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

const plain = createSandbox()
try {
  const support = await detectSandbox()
  if (!support.available) throw new Error(`no sandbox on this machine: ${support.message}`)
  const proxied = createSandbox({ allowedDomains: ['example.com'] })
  const shipped = createSandbox({ bwrap: 'bundled' })
  const shippedSupport = await detectSandbox({ bwrap: 'bundled' })
  const active = modes.filter((m) => !m.shipped || shippedSupport.available)
  const wrapped = await Promise.all(
    active.map((m) =>
      m.policy
        ? (m.allowlist ? proxied : m.shipped ? shipped : plain).wrapCommand(m.policy, {
            argv: ['true'],
            cwd,
            env,
          })
        : Promise.resolve(null),
    ),
  )
  const afters = active.map((m) =>
    m.audit && m.policy
      ? () => plain.afterCommand(m.policy as SandboxPolicy, { argv: ['true'], cwd, env }, Date.now())
      : undefined,
  )
  const samples: number[][] = active.map(() => [])
  for (let i = 0; i < 5; i++) for (const [j, w] of wrapped.entries()) await timeOnce(w, afters[j]) // warm up
  for (let i = 0; i < runs; i++) {
    for (const [j, w] of wrapped.entries()) samples[j]?.push(await timeOnce(w, afters[j]))
  }
  const baseline = quantile(samples[0] ?? [], 0.5)
  const rows = await Promise.all(
    active.map(async (m, j) => {
      const median = quantile(samples[j] ?? [], 0.5)
      return {
        mode: m.name,
        'min ms': quantile(samples[j] ?? [], 0).toFixed(2),
        'median ms': median.toFixed(2),
        'p90 ms': quantile(samples[j] ?? [], 0.9).toFixed(2),
        'overhead ms': j === 0 ? '-' : (median - baseline).toFixed(2),
        'x baseline': (median / baseline).toFixed(2),
        'wrapCommand ms':
          m.policy && !m.allowlist && !m.shipped ? (await wrapTime(m.policy)).toFixed(3) : '-',
      }
    }),
  )
  const [load1] = (await import('node:os')).loadavg()
  console.log(
    `\`true\` under each mode, ${runs} runs each (round-robin), ${support.message}; load average ${load1?.toFixed(2)}; environment: PATH only (${env.PATH})`,
  )
  console.table(rows)
  const bwrapOverhead = quantile(samples[3] ?? [], 0.5) - baseline
  console.log(
    `workspace-write overhead ${bwrapOverhead.toFixed(2)} ms (target <= 15 ms): ${bwrapOverhead <= 15 ? 'met' : 'NOT met'}`,
  )
} finally {
  rmSync(cwd, { recursive: true, force: true })
}
