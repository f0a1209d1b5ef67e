// `agent apply-patch`: read a patch on stdin, apply it in the cwd, print Codex's summary.
// Exit codes follow the standalone `apply_patch`: 0 applied, 1 failed, 2 usage.
import type { Readable, Writable } from 'node:stream'
import { applyHunksInOrder } from './apply.js'
import { PatchParseError, parsePatch } from './parser.js'

export interface ApplyPatchCliOptions {
  stdin: Readable | string
  stdout: Writable
  stderr: Writable
  cwd: string
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  }
  return Buffer.concat(chunks).toString('utf8')
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (text === '') return resolve()
    stream.write(text, (error) => (error ? reject(error) : resolve()))
  })
}

/** Runs the apply-patch command; resolves to the process exit code. */
export async function runApplyPatchCli(options: ApplyPatchCliOptions): Promise<number> {
  const { stdout, stderr, cwd } = options
  let text: string
  try {
    text = typeof options.stdin === 'string' ? options.stdin : await readAll(options.stdin)
  } catch (error) {
    await write(stderr, `Error: Failed to read PATCH from stdin.\n${String(error)}\n`)
    return 1
  }
  if (text === '') {
    await write(stderr, 'Usage: agent apply-patch < PATCH\n       echo PATCH | agent apply-patch\n')
    return 2
  }
  let parsed: ReturnType<typeof parsePatch>
  try {
    parsed = parsePatch(text)
  } catch (error) {
    if (!(error instanceof PatchParseError)) throw error
    const line =
      error.kind === 'invalid_patch'
        ? `Invalid patch: ${error.detail}\n`
        : `Invalid patch hunk on line ${error.lineNumber}: ${error.detail}\n`
    await write(stderr, line)
    return 1
  }
  const outcome = await applyHunksInOrder(parsed, cwd)
  await write(stdout, outcome.stdout)
  await write(stderr, outcome.stderr)
  return outcome.success ? 0 : 1
}
