// `agent-sandbox`: run one command confined by a policy built from flags, passing its output
// and exit code through. Also mounted by the `agent` CLI as `agent sandbox ...`.
import { constants } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { SandboxPolicy } from '@agent/protocol'
import { detectSandbox, type SandboxSupport } from './detect.js'
import { SandboxError } from './errors.js'
import { createSandbox, type ManagedSandbox } from './sandbox.js'
import { spawnWrapped } from './spawn.js'
import type { WrappedCommand } from './types.js'

export interface SandboxCliIo {
  stdout: { write(chunk: string | Uint8Array): unknown }
  stderr: { write(chunk: string | Uint8Array): unknown }
  /** Give the command this process's stdin (default) or none. */
  stdin?: 'inherit' | 'ignore'
  /** Working directory for a relative -C and the default cwd (default: process.cwd()). */
  cwd?: string
  /** Environment of the command (default: process.env). */
  env?: Record<string, string | undefined>
}

const USAGE = `usage: agent-sandbox [options] -- COMMAND [ARGS...]

Runs COMMAND confined by a sandbox policy and exits with its exit code.

options:
  --mode MODE        read-only | workspace-write (default) | danger-full-access
  --writable DIR     extra writable root (repeatable; workspace-write only)
  --deny-read PATH   path that must not be readable inside (repeatable)
  --network          allow network access (workspace-write only)
  --allow-domain H   with the network off, allow HTTP(S) to host H through a proxy
                     ("example.com", "*.example.com"; repeatable; Linux)
  --exclude-tmp      keep /tmp and $TMPDIR read-only
  -C, --cwd DIR      run in DIR (default: current directory); DIR is the workspace
  --print            print the wrapped command instead of running it
  --detect           report what this machine supports and exit (0 when a sandbox is available)
  -h, --help         show this help

exit codes: the command's own; 128+N if it died of signal N; 2 for bad usage;
125 when the sandbox cannot be set up (the message says how to fix it).
`

export const EXIT_USAGE = 2
export const EXIT_SANDBOX_FAILED = 125

/** Runs the CLI; resolves to the exit code instead of exiting, so hosts can embed it. */
export async function runSandboxCli(argv: string[], io: SandboxCliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    io.stderr.write(`agent-sandbox: ${(error as Error).message}\nTry 'agent-sandbox --help'.\n`)
    return EXIT_USAGE
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(USAGE)
    return 0
  }
  if (values.detect) {
    const support = await detectSandbox()
    io.stdout.write(describeSupport(support))
    return support.available ? 0 : 1
  }
  if (positionals.length === 0) {
    io.stderr.write(`agent-sandbox: no command given\nTry 'agent-sandbox --help'.\n`)
    return EXIT_USAGE
  }
  const baseCwd = io.cwd ?? process.cwd()
  const cwd = resolve(baseCwd, values.cwd ?? '.')
  let policy: SandboxPolicy
  try {
    policy = policyFromFlags(values, baseCwd)
  } catch (error) {
    io.stderr.write(`agent-sandbox: ${(error as Error).message}\n`)
    return EXIT_USAGE
  }

  const env = Object.fromEntries(
    Object.entries(io.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined),
  )
  const allowedDomains = values['allow-domain']
  if (allowedDomains?.length && (policy.type === 'danger-full-access' || values.network)) {
    io.stderr.write(
      'agent-sandbox: --allow-domain restricts a sandbox whose network is off; drop --network or --mode danger-full-access\n',
    )
    return EXIT_USAGE
  }
  let sandbox: ManagedSandbox | undefined
  try {
    sandbox = createSandbox(allowedDomains?.length ? { allowedDomains } : {})
    const wrapped = await sandbox.wrapCommand(policy, { argv: positionals, cwd, env })
    if (values.print) {
      io.stdout.write(`${JSON.stringify(wrapped.argv)}\n`)
      for (const { fd, data } of wrapped.fds)
        io.stdout.write(`fd ${fd}: ${data.byteLength} bytes (seccomp filter)\n`)
      return 0
    }
    return await runWrapped(wrapped, cwd, io)
  } catch (error) {
    const message = error instanceof SandboxError ? error.message : String(error)
    io.stderr.write(`agent-sandbox: ${message}\n`)
    return error instanceof SandboxError && error.kind === 'invalid_request'
      ? EXIT_USAGE
      : EXIT_SANDBOX_FAILED
  } finally {
    await sandbox?.close()
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      mode: { type: 'string' },
      writable: { type: 'string', multiple: true },
      'deny-read': { type: 'string', multiple: true },
      network: { type: 'boolean' },
      'allow-domain': { type: 'string', multiple: true },
      'exclude-tmp': { type: 'boolean' },
      cwd: { type: 'string', short: 'C' },
      print: { type: 'boolean' },
      detect: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

type Flags = ReturnType<typeof parse>['values']

function policyFromFlags(values: Flags, baseCwd: string): SandboxPolicy {
  const mode = values.mode ?? 'workspace-write'
  const abs = (paths: string[] | undefined) => (paths ?? []).map((p) => resolve(baseCwd, p))
  const denyRead = abs(values['deny-read'])
  const onlyForWorkspaceWrite = (flag: string, given: boolean) => {
    if (given) throw new Error(`${flag} only applies to --mode workspace-write (got --mode ${mode})`)
  }
  switch (mode) {
    case 'workspace-write':
      return {
        type: 'workspace-write',
        writable_roots: abs(values.writable),
        network_access: values.network ?? false,
        ...(values['exclude-tmp'] ? { exclude_tmp: true } : {}),
        ...(denyRead.length ? { deny_read: denyRead } : {}),
      }
    case 'read-only':
      onlyForWorkspaceWrite('--writable', Boolean(values.writable?.length))
      onlyForWorkspaceWrite('--network', Boolean(values.network))
      onlyForWorkspaceWrite('--exclude-tmp', Boolean(values['exclude-tmp']))
      return { type: 'read-only', ...(denyRead.length ? { deny_read: denyRead } : {}) }
    case 'danger-full-access':
      onlyForWorkspaceWrite('--writable', Boolean(values.writable?.length))
      onlyForWorkspaceWrite('--network', Boolean(values.network))
      if (denyRead.length) throw new Error('--deny-read needs a sandbox; danger-full-access has none')
      return { type: 'danger-full-access' }
    default:
      throw new Error(`unknown --mode "${mode}": use read-only, workspace-write or danger-full-access`)
  }
}

function runWrapped(wrapped: WrappedCommand, cwd: string, io: SandboxCliIo): Promise<number> {
  return new Promise((done) => {
    // Hand over the real terminal when the host gave us the process's own streams.
    const stdout = io.stdout === process.stdout ? 'inherit' : 'pipe'
    const stderr = io.stderr === process.stderr ? 'inherit' : 'pipe'
    let child: ReturnType<typeof spawnWrapped>
    try {
      child = spawnWrapped(wrapped, { cwd, stdio: [io.stdin ?? 'inherit', stdout, stderr] })
    } catch (error) {
      io.stderr.write(`agent-sandbox: cannot start ${wrapped.argv[0]}: ${(error as Error).message}\n`)
      done(EXIT_SANDBOX_FAILED)
      return
    }
    child.stdout?.on('data', (chunk: Buffer) => io.stdout.write(chunk))
    child.stderr?.on('data', (chunk: Buffer) => io.stderr.write(chunk))
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal)
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const)
    for (const [signal, handler] of handlers) process.on(signal, handler)
    const finish = (code: number) => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
      done(code)
    }
    child.on('error', (error) => {
      io.stderr.write(`agent-sandbox: cannot start ${wrapped.argv[0]}: ${error.message}\n`)
      finish(error.message.includes('ENOENT') ? 127 : EXIT_SANDBOX_FAILED)
    })
    child.on('close', (code, signal) => {
      finish(code ?? 128 + signalNumber(signal))
    })
  })
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (constants.signals[signal] ?? 0) : 0
}

function describeSupport(support: SandboxSupport): string {
  const yesNo = (v: boolean | null) => (v === null ? 'not checked' : v ? 'yes' : 'no')
  const lines = [`platform: ${support.platform}`, `backend: ${support.backend ?? 'none'}`]
  if (support.platform === 'linux') {
    lines.push(
      `bwrap: ${support.bwrapPath ? `${support.bwrapPath} (${support.bwrapVersion ?? 'unknown version'}, ${support.bwrapSource === 'bundled' ? 'shipped static build' : support.bwrapSource === 'system' ? 'system' : 'given'})` : 'not found'}`,
      `user namespaces: ${yesNo(support.userNamespaces)}`,
      `seccomp: ${yesNo(support.seccomp)}${support.seccompArch ? ` (${support.seccompArch})` : ''}`,
    )
  }
  lines.push(`available: ${support.available ? 'yes' : 'no'}`)
  for (const problem of support.problems) lines.push(`problem: ${problem}`)
  return `${lines.join('\n')}\n`
}
