// A SessionStore on JSONL files: `<home>/sessions/YYYY/MM/DD/<id>.jsonl`, one rollout line per
// line, appended with a synchronous write per call so a killed process loses at most the line
// being written; a torn last line is skipped with a warning when the file is read back.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { access, mkdir, open, readdir, readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseRolloutLine, type RolloutLine, type SessionMeta } from '@agent/protocol'
import {
  type LoadedSession,
  SessionNotFoundError,
  type SessionStore,
  type SessionSummary,
  type SessionWriter,
  summarise,
} from './session-store.js'

/** `$AGENT_HOME`, else `~/.agent`. */
export function defaultAgentHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.AGENT_HOME && env.AGENT_HOME.length > 0 ? env.AGENT_HOME : join(homedir(), '.agent')
}

const pad = (n: number) => String(n).padStart(2, '0')

export class JsonlSessionStore implements SessionStore {
  readonly root: string
  private readonly paths = new Map<string, string>()

  /** `home` is the agent home; rollouts go to `<home>/sessions`. */
  constructor(options: { home?: string } = {}) {
    this.root = join(options.home ?? defaultAgentHome(), 'sessions')
  }

  async create(meta: SessionMeta): Promise<SessionWriter> {
    if (!/^[A-Za-z0-9._-]+$/.test(meta.id)) {
      throw new Error(`session id ${JSON.stringify(meta.id)} is not usable as a file name`)
    }
    const date = new Date(meta.timestamp)
    const stamp = Number.isNaN(date.getTime()) ? new Date() : date
    const dir = join(
      this.root,
      String(stamp.getUTCFullYear()),
      pad(stamp.getUTCMonth() + 1),
      pad(stamp.getUTCDate()),
    )
    const path = join(dir, `${meta.id}.jsonl`)
    let fd: number
    try {
      await mkdir(dir, { recursive: true })
      // 'ax': never overwrite another session's rollout; append-only, so a write cut back
      // after a full disk continues at the end of the file, not past it.
      fd = openSync(path, 'ax')
    } catch (error) {
      throw await unwritableHome(this.root, error)
    }
    const writer = new FileWriter(path, fd)
    await writer.append([{ timestamp: meta.timestamp, type: 'session_meta', payload: meta }])
    this.paths.set(meta.id, path)
    return writer
  }

  async openForAppend(id: string): Promise<SessionWriter> {
    const path = await this.find(id)
    const fd = openSync(path, 'a')
    // A crash may have left a torn last line; start on a fresh line so the next one parses.
    const { size } = await stat(path)
    if (size > 0) {
      const handle = await open(path, 'r')
      const last = Buffer.alloc(1)
      await handle.read(last, 0, 1, size - 1).finally(() => handle.close())
      if (last[0] !== 0x0a) writeSync(fd, '\n')
    }
    return new FileWriter(path, fd)
  }

  async load(id: string): Promise<LoadedSession> {
    return loadRolloutFile(await this.find(id))
  }

  async list(options: { limit?: number } = {}): Promise<SessionSummary[]> {
    const limit = options.limit ?? 20
    const files: { path: string; mtimeMs: number }[] = []
    for (const path of await this.allFiles()) {
      try {
        files.push({ path, mtimeMs: (await stat(path)).mtimeMs })
      } catch {
        // Removed while listing.
      }
    }
    files.sort((a, b) => b.mtimeMs - a.mtimeMs)
    const out: SessionSummary[] = []
    for (const file of files) {
      if (out.length >= limit) break
      const head = await readHead(file.path, 64 * 1024)
      const loaded = parseRollout(head.text, file.path, !head.complete)
      if (!loaded) continue
      out.push(summarise(loaded, new Date(file.mtimeMs).toISOString()))
    }
    return out
  }

  /** The file of a session id (also accepts a path to a rollout file). */
  async find(id: string): Promise<string> {
    if (id.endsWith('.jsonl')) {
      try {
        await stat(id)
        return id
      } catch {
        throw new SessionNotFoundError(`no rollout file at ${id}`)
      }
    }
    const known = this.paths.get(id)
    if (known) return known
    for (const path of await this.allFiles()) {
      if (path.endsWith(`/${id}.jsonl`)) {
        this.paths.set(id, path)
        return path
      }
    }
    throw new SessionNotFoundError(
      `no session with id ${id} under ${this.root} (run \`agent sessions\` to list recent ones)`,
    )
  }

  /** Every rollout file, newest day first. */
  private async allFiles(): Promise<string[]> {
    const out: string[] = []
    const sortedDirs = async (dir: string) => {
      try {
        return (await readdir(dir)).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))
      } catch {
        return []
      }
    }
    for (const year of await sortedDirs(this.root)) {
      for (const month of await sortedDirs(join(this.root, year))) {
        for (const day of await sortedDirs(join(this.root, year, month))) {
          const dir = join(this.root, year, month, day)
          for (const name of await readdir(dir).catch(() => [] as string[])) {
            if (name.endsWith('.jsonl')) out.push(join(dir, name))
          }
        }
      }
    }
    return out
  }
}

/**
 * Why a rollout cannot be created under `root`, as an error that says what to do. A recursive
 * mkdir on a read-only file system reports ENOENT, so the nearest existing ancestor is asked.
 */
async function unwritableHome(root: string, error: unknown): Promise<Error> {
  let dir = root
  for (;;) {
    try {
      await access(dir)
      break
    } catch {
      const parent = dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  const reason = await access(dir, constants.W_OK).then(
    () => errorMessage(error),
    (denied: unknown) => errorMessage(denied),
  )
  return new Error(
    `cannot record the session under ${root}: ${reason}. Set AGENT_HOME to a writable directory, or run with --ephemeral to keep no record`,
  )
}

function errorMessage(error: unknown): string {
  const e = error as { code?: string; message?: string }
  if (e.code === 'EROFS') return `${e.code}: the file system is read-only`
  if (e.code === 'EACCES' || e.code === 'EPERM') return `${e.code}: permission denied`
  if (e.code === 'ENOSPC') return `${e.code}: no space left on the device`
  return e.message ?? String(error)
}

/**
 * Appends lines to a rollout. A write that fails (ENOSPC, EIO...) is cut back to the last whole
 * line, so the file always parses, and the lines are held in memory and written with the next
 * append: once the disk has room again, nothing is missing.
 */
class FileWriter implements SessionWriter {
  private fd: number | undefined
  /** Bytes of whole lines on disk: where a failed write is cut back to. */
  private size: number
  /** Lines not yet on disk, in order. */
  private pending: string[] = []

  constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd
    this.size = fstatSync(fd).size
  }

  async append(lines: RolloutLine[]): Promise<void> {
    if (this.fd === undefined) throw new Error(`rollout ${this.path} is closed`)
    for (const line of lines) this.pending.push(`${JSON.stringify(line)}\n`)
    this.drain(this.fd)
  }

  private drain(fd: number): void {
    if (this.pending.length === 0) return
    const bytes = Buffer.from(this.pending.join(''))
    let written = 0
    try {
      // Synchronous on purpose: the line is in the kernel before the next item is produced.
      while (written < bytes.length) written += writeSync(fd, bytes, written)
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(fd, this.size)
        } catch {
          // The next successful write starts a fresh line anyway (see openForAppend).
        }
      }
      throw new Error(
        `${errorMessage(error)}; ${this.pending.length} line(s) held in memory, written as soon as there is room`,
      )
    }
    this.size += bytes.length
    this.pending = []
  }

  async close(): Promise<void> {
    const fd = this.fd
    if (fd === undefined) return
    this.fd = undefined
    try {
      this.drain(fd)
    } catch (error) {
      const count = this.pending.length
      this.pending = []
      throw new Error(
        `the last ${count} line(s) of ${this.path} could not be written (${errorMessage(error).split(';')[0]}); the session resumes from before them`,
      )
    } finally {
      closeSync(fd)
    }
  }
}

/** Reads a rollout file; lines that do not parse are skipped and reported in `warnings`. */
export async function loadRolloutFile(path: string): Promise<LoadedSession> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new SessionNotFoundError(`cannot read rollout file ${path}`)
  }
  const loaded = parseRollout(text, path, false)
  if (!loaded) throw new Error(`rollout ${path} does not start with a session_meta line; it is not a session`)
  return loaded
}

function parseRollout(text: string, path: string, truncatedHead: boolean): LoadedSession | undefined {
  const rows = text.split('\n')
  // With a partial read the last row is cut by us, not by a crash: drop it silently.
  if (truncatedHead) rows.pop()
  const lines: RolloutLine[] = []
  const warnings: string[] = []
  const last = rows.length - 1
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as string
    if (row.trim() === '') continue
    let json: unknown
    try {
      json = JSON.parse(row)
    } catch {
      warnings.push(
        i === last
          ? `${path}:${i + 1}: skipped a torn last line (the session was interrupted while writing it)`
          : `${path}:${i + 1}: skipped a line that is not JSON`,
      )
      continue
    }
    const parsed = parseRolloutLine(json)
    if (parsed.ok) lines.push(parsed.value)
    else warnings.push(`${path}:${i + 1}: skipped: ${parsed.error.message}`)
  }
  const first = lines[0]
  if (first?.type !== 'session_meta') return undefined
  return { meta: first.payload, lines, path, warnings }
}

async function readHead(path: string, bytes: number): Promise<{ text: string; complete: boolean }> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), complete: bytesRead < bytes }
  } finally {
    await handle.close()
  }
}
