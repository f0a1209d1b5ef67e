// Runs the helper programs the tools use themselves (git for snapshots, ripgrep for Grep) —
// never model-requested commands, which go through the orchestrator (`ToolContext.exec`).
// They are spawned from one worker thread (see `helper-thread.ts`): a spawn holds its thread
// until the child has exec'd (~9 ms of a loaded machine), and a turn's workspace snapshot, three
// git runs taken while the first commands run, would otherwise stall the event loop they share.
import { type HelperReply, helperThread } from './helper-thread.js'

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
}

/** Runs `argv` to completion. Rejects with `HelperError('not_found')` when the program is missing. */
export function runHelper(
  argv: string[],
  options: HelperOptions,
): Promise<HelperResult & { truncated: boolean }> {
  const [program, ...args] = argv
  if (!program) return Promise.reject(new HelperError('failed', 'runHelper: empty argv'))
  const { signal } = options
  return new Promise((resolve, reject) => {
    const settle = (reply: HelperReply) => {
      signal?.removeEventListener('abort', onAbort)
      if (reply.type === 'done') {
        const { stdout } = reply
        resolve({
          code: reply.code,
          stdout: Buffer.from(stdout.buffer, stdout.byteOffset, stdout.byteLength),
          stderr: reply.stderr,
          truncated: reply.truncated,
        })
      } else if (reply.type === 'not_found') {
        reject(new HelperError('not_found', `${program} was not found on PATH`))
      } else if (reply.type === 'failed') {
        reject(new HelperError('failed', `${program}: ${reply.message}`))
      } else {
        // spawn threw (bad arguments, e.g. a NUL byte): the error it gave.
        reject(new Error(reply.message))
      }
    }
    const run = helperThread().run(
      {
        program,
        args,
        cwd: options.cwd,
        // The worker's own process.env is a copy taken when it started: send ours as it is now.
        env: { ...(options.env ?? process.env) },
        ...(options.input === undefined ? {} : { input: options.input }),
        maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
        aborted: signal?.aborted ?? false,
      },
      settle,
    )
    // As spawn's own `signal` option: the child gets SIGTERM and the run fails as aborted.
    const onAbort = () => run.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
