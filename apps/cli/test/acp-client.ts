// The official ACP SDK's client side driving the built `agent acp` as a subprocess: collects
// every session/update per session and answers permission requests with a test's choice.
import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { type MockProviderServer, type MockTurn, startMockProviderServer } from '@agent/models/testing'
import {
  type ClientConnection,
  client,
  ndJsonStream,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionUpdate,
} from '@agentclientprotocol/sdk'
import { bin, workspace } from './helpers.js'

export interface AcpProcess {
  child: ChildProcess
  connection: ClientConnection
  /** Updates received so far, per session id. */
  updates(sessionId: string): SessionUpdate[]
  /** Resolves with the first update (so far or later) that `match` accepts. */
  waitForUpdate(sessionId: string, match: (update: SessionUpdate) => boolean): Promise<SessionUpdate>
  /** Permission requests received, in order. */
  permissions: RequestPermissionRequest[]
  stderr(): string
  /** Ends stdin and waits for the process to exit. */
  close(): Promise<number | null>
}

export interface AcpProcessOptions {
  cwd: string
  env: Record<string, string>
  args?: string[]
  /** Answers a permission request (default: the first option). */
  onPermission?(
    request: RequestPermissionRequest,
    /** Aborted when the agent cancels the request (`$/cancel_request`). */
    signal: AbortSignal,
  ): Promise<RequestPermissionResponse> | RequestPermissionResponse
  /** Offer fs/read_text_file and fs/write_text_file, served by these. */
  fs?: {
    read(path: string): string
    write(path: string, content: string): void
  }
}

export function startAcp(options: AcpProcessOptions): AcpProcess {
  const child = spawn(process.execPath, [bin, 'acp', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const byId = new Map<string, SessionUpdate[]>()
  const waiters: { sessionId: string; match(u: SessionUpdate): boolean; resolve(u: SessionUpdate): void }[] =
    []
  const permissions: RequestPermissionRequest[] = []

  let app = client({ name: 'test-editor' })
    .onNotification('session/update', ({ params }) => {
      const list = byId.get(params.sessionId) ?? []
      list.push(params.update)
      byId.set(params.sessionId, list)
      for (const waiter of [...waiters]) {
        if (waiter.sessionId === params.sessionId && waiter.match(params.update)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(params.update)
        }
      }
    })
    .onRequest('session/request_permission', async ({ params, signal }) => {
      permissions.push(params)
      if (options.onPermission) return options.onPermission(params, signal)
      return { outcome: { outcome: 'selected', optionId: params.options[0]?.optionId ?? '' } }
    })
  const fs = options.fs
  if (fs) {
    app = app
      .onRequest('fs/read_text_file', ({ params }) => ({ content: fs.read(params.path) }))
      .onRequest('fs/write_text_file', ({ params }) => {
        fs.write(params.path, params.content)
        return {}
      })
  }
  const stream = ndJsonStream(
    Writable.toWeb(child.stdin as Writable) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout as Readable) as ReadableStream<Uint8Array>,
  )
  const connection = app.connect(stream)

  return {
    child,
    connection,
    permissions,
    updates: (sessionId) => byId.get(sessionId) ?? [],
    waitForUpdate(sessionId, match) {
      const found = (byId.get(sessionId) ?? []).find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve) => waiters.push({ sessionId, match, resolve }))
    },
    stderr: () => stderr,
    async close() {
      child.stdin?.end()
      return exited
    },
  }
}

/** `initialize` as an editor that offers the file system (when asked) sends it. */
export async function initialize(acp: AcpProcess, options: { fs?: boolean } = {}) {
  return acp.connection.agent.request('initialize', {
    protocolVersion: 1,
    clientCapabilities: {
      fs: { readTextFile: Boolean(options.fs), writeTextFile: Boolean(options.fs) },
      terminal: false,
    },
    clientInfo: { name: 'test-editor', version: '1.0.0' },
  })
}

/**
 * A test file's ACP set-up: a workspace with `files`, the mock provider playing `turns`, and
 * `start()` to run `agent acp` there; `cleanup()` (afterEach) closes them and removes the workspace.
 */
export function acpHarness() {
  let server: MockProviderServer | undefined
  const processes: AcpProcess[] = []
  const roots: string[] = []
  return {
    async setup(turns: MockTurn[], files: Record<string, string> = {}) {
      const ws = workspace(files)
      roots.push(ws.root)
      server = await startMockProviderServer({ wire: 'responses', turns })
      const env = ws.env({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.baseUrl })
      const start = (options: Partial<AcpProcessOptions> = {}) => {
        const acp = startAcp({ cwd: ws.repo, env, args: ['-m', 'test-model'], ...options })
        processes.push(acp)
        return acp
      }
      return { ws, env, start, server }
    },
    /** Closes `acp` (and removes `root`) with the rest at cleanup. */
    track(acp: AcpProcess, root?: string) {
      processes.push(acp)
      if (root) roots.push(root)
      return acp
    },
    async cleanup() {
      await Promise.all(processes.splice(0).map((p) => p.close()))
      await server?.close()
      server = undefined
      for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
    },
  }
}

/** A Codex `shell` call running a bash script. */
export const shell = (script: string, extra: Record<string, unknown> = {}) => ({
  name: 'shell',
  arguments: { command: ['bash', '-c', script], ...extra },
})

/** The text of an update's content block (message and thought chunks). */
export const text = (update: SessionUpdate) =>
  'content' in update && !Array.isArray(update.content) && update.content?.type === 'text'
    ? update.content.text
    : ''

export const kinds = (updates: SessionUpdate[]) => updates.map((u) => u.sessionUpdate)
