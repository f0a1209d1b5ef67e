// Runs the helper programs the tools use themselves (git for snapshots, ripgrep for Grep) —
// never model-requested commands, which go through the orchestrator (`ToolContext.exec`).
import { spawn } from 'node:child_process'
import type { ServedChild, SpawnServer } from '@agent/exec'

export interface HelperResult {
  code: number
  stdout: Buffer
  stderr: string
}

export class HelperError extends Error {
  readonly kind: 'not_found' | 'failed'
  constructor(kind: 'not_found' | 'failed', message: string) {
    super(message)
    this.name = 'HelperError'
    this.kind = kind
  }
}

export interface HelperOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  input?: string | Buffer
  signal?: AbortSignal
  /** Output beyond this many bytes is dropped and `truncated` set (default 64 MiB). */
  maxBytes?: number
  /**
   * Start the program through this spawn server when it is up and there is no `input` (stdin is
   * then /dev/null instead of an empty pipe): a fork of a big process blocks its main thread.
   */
  spawnServer?: SpawnServer
}

/** Runs `argv` to completion. Rejects with `HelperError('not_found')` when the program is missing. */
export function runHelper(
  argv: string[],
  options: HelperOptions,
): Promise<HelperResult & { truncated: boolean }> {
  const [program, ...args] = argv
  if (!program) return Promise.reject(new HelperError('failed', 'runHelper: empty argv'))
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const server = options.spawnServer
    const child: ServedChild | ReturnType<typeof spawn> =
      server?.ready && options.input === undefined
        ? server.spawn({
            file: program,
            args,
            cwd: options.cwd,
            env: options.env ?? process.env,
            detached: false,
            extraFds: [],
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : spawn(program, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            signal: options.signal,
          })
    const out: Buffer[] = []
    let size = 0
    let truncated = false
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) {
        truncated = true
        const room = maxBytes - size
        if (room > 0) out.push(chunk.subarray(0, room))
        size = maxBytes
        return
      }
      out.push(chunk)
      size += chunk.length
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8')
    })
    let failure: HelperError | undefined
    child.on('error', (error: NodeJS.ErrnoException) => {
      const helperError =
        error.code === 'ENOENT'
          ? new HelperError('not_found', `${program} was not found on PATH`)
          : new HelperError('failed', `${program}: ${error.message}`)
      // A start that failed has nothing to wait for. An abort is reported once the program and
      // whatever still holds its pipes (a shell's git) are gone, so that nothing it started
      // is left running when the caller hears of it.
      if (child.pid === undefined) reject(helperError)
      else failure = helperError
    })
    child.on('close', (code, signal) => {
      if (failure) return reject(failure)
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out),
        stderr,
        truncated,
      })
    })
    if (!('stdin' in child) || !child.stdin) return
    child.stdin.on('error', () => {
      // The program may exit before reading its input; its exit status tells what happened.
    })
    child.stdin.end(options.input ?? '')
  })
}
