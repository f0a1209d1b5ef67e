// `agent exec`: one non-interactive turn. Builds the runtime, submits the prompt, streams the
// events as JSONL (`--json`) or as human-readable progress, and maps the outcome to an exit
// code: 0 done, 1 the turn failed, 2 usage or configuration, 130 interrupted (Ctrl-C).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { findRepoRoot, type SessionStart } from '@agent/core'
import type { ApprovalPolicy, Event, SandboxMode, UserInput } from '@agent/protocol'
import {
  type AgentConfig,
  composeRuntime,
  expandPrompt,
  type LoadedConfig,
  loadConfig,
  type Runtime,
  ThreadEventMapper,
  UsageError,
} from '@agent/sdk'
import { launcherCachePaths } from '../launch/code-cache.js'
import { describeExecDenial } from './approvals.js'
import { HumanRenderer } from './human-output.js'
import {
  collectDiff,
  formatReview,
  parseReview,
  REVIEW_SCHEMA,
  reviewPrompt,
  reviewTarget,
} from './review.js'

export interface ExecFlags {
  json?: boolean
  /** What `@openai/codex-sdk` passes for `--json`. */
  experimentalJson?: boolean
  model?: string
  provider?: string
  baseUrl?: string
  sandbox?: SandboxMode
  approval?: ApprovalPolicy
  fullAuto?: boolean
  cd?: string
  skipGitRepoCheck?: boolean
  /** Extra writable roots for the workspace-write sandbox. */
  addDir?: string[]
  /** Images attached to the prompt. */
  image?: string[]
  /** A JSON Schema file the final answer must follow. */
  outputSchema?: string
  outputLastMessage?: string
  ephemeral?: boolean
  replay?: string
  config?: string[]
  pluginDir?: string[]
  /** Review changes instead of running a task (`agent review`, `exec --review`). */
  review?: boolean
  /** With review: the branch to compare with. */
  base?: string
  /** With review: the commit to review. */
  commit?: string
}

export interface ResumeTarget {
  last?: boolean
  id?: string
}

export interface ExecIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
}

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
export const EXIT_INTERRUPTED = 130
export const EXIT_TERMINATED = 143

async function readPrompt(prompt: string | undefined, io: ExecIo): Promise<string> {
  if (prompt !== undefined && prompt !== '-') return prompt
  if (prompt === undefined && io.stdin.isTTY) {
    throw new UsageError('no prompt: pass it as an argument, or `-` to read it from stdin')
  }
  let text = ''
  for await (const chunk of io.stdin)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!text.trim()) throw new UsageError('the prompt read from stdin is empty')
  return text
}

export async function runExec(
  promptArg: string | undefined,
  flags: ExecFlags,
  io: ExecIo,
  resume?: ResumeTarget,
): Promise<number> {
  const cwd = resolve(io.cwd, flags.cd ?? '.')
  if (!existsSync(cwd) || !statSync(cwd).isDirectory())
    throw new UsageError(`-C ${flags.cd}: no such directory`)
  if (!flags.skipGitRepoCheck && !findRepoRoot(cwd)) {
    throw new UsageError(
      `${cwd} is not inside a git repository; agent exec refuses to change files it cannot show you a diff of.\n` +
        'Run `git init` there, or pass --skip-git-repo-check.',
    )
  }
  const loaded = withExtraWritableRoots(
    loadConfig({ cwd, env: io.env, overrides: flags.config ?? [] }),
    (flags.addDir ?? []).map((dir) => resolve(io.cwd, dir)),
  )
  const { config } = loaded
  const env = codexCompatibleEnv(io.env, config)
  if (!flags.review && (flags.base !== undefined || flags.commit !== undefined)) {
    throw new UsageError(
      '--base and --commit choose what --review reviews: add --review (or use `agent review`)',
    )
  }
  if (flags.review && flags.outputSchema) {
    throw new UsageError('--output-schema cannot be used with --review, which has its own (findings)')
  }
  const outputSchema = flags.review
    ? REVIEW_SCHEMA
    : flags.outputSchema
      ? readOutputSchema(resolve(io.cwd, flags.outputSchema))
      : undefined
  const images = (flags.image ?? []).map((file) => resolve(io.cwd, file))
  for (const image of images) {
    if (!existsSync(image)) throw new UsageError(`--image ${image}: no such file`)
  }
  let prompt: string
  if (flags.review) {
    // The optional prompt is what to focus on; the diff is collected before anything starts.
    const { diff, description } = collectDiff(cwd, reviewTarget(flags))
    prompt = reviewPrompt(description, diff, promptArg?.trim() || undefined)
  } else prompt = await readPrompt(promptArg, io)

  const sandboxMode: SandboxMode =
    flags.sandbox ?? (flags.fullAuto ? 'workspace-write' : undefined) ?? config.sandbox_mode ?? 'read-only'
  // Nobody is there to answer an approval in exec, so by default nothing asks.
  const approvalPolicy: ApprovalPolicy = flags.approval ?? config.approval_policy ?? 'never'

  let session: SessionStart | undefined
  if (resume) session = { type: 'resume', sessionId: await resolveResumeId(resume, loaded.agentHome, cwd) }

  if ((flags.addDir ?? []).length > 0 && sandboxMode !== 'workspace-write') {
    io.stderr.write(
      `agent: warning: --add-dir has no effect with -s ${sandboxMode}: only workspace-write has writable roots\n`,
    )
  }

  const runtime = await composeRuntime({
    cwd,
    loaded,
    env,
    model: {
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.provider ? { provider: flags.provider } : {}),
      ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
      ...(flags.replay ? { replay: resolve(io.cwd, flags.replay) } : {}),
    },
    sandboxMode,
    approvalPolicy,
    pluginDirs: flags.pluginDir ?? [],
    ephemeral: Boolean(flags.ephemeral),
    reloadHooks: false,
    agentStatePaths: launcherCachePaths(io.env),
    ...(session ? { session } : {}),
    ...(env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE ? { originator: env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE } : {}),
  })
  for (const warning of runtime.warnings) io.stderr.write(`agent: warning: ${warning}\n`)
  let expanded: string
  try {
    // A review prompt carries a diff, whose text must reach the model as it is.
    expanded = flags.review
      ? prompt
      : await expandPrompt(prompt, runtime.commands, {
          cwd,
          runShell: runtime.runShell,
          mcpPrompts: runtime.mcpPrompts,
        })
  } catch (error) {
    await runtime.close()
    throw error
  }
  const input: UserInput[] = [
    { type: 'text', text: expanded },
    ...images.map((path): UserInput => ({ type: 'local_image', path })),
  ]
  return drive(
    runtime,
    input,
    { ...flags, json: Boolean(flags.json || flags.experimentalJson) },
    io,
    outputSchema,
  )
}

/**
 * The environment as the Codex SDK means it: `CODEX_API_KEY` is an OpenAI key, and the
 * `openai_base_url` config key moves the OpenAI endpoint (as OPENAI_BASE_URL does).
 */
export function codexCompatibleEnv(env: NodeJS.ProcessEnv, config: AgentConfig): NodeJS.ProcessEnv {
  const out = { ...env }
  if (env.CODEX_API_KEY && !env.OPENAI_API_KEY) out.OPENAI_API_KEY = env.CODEX_API_KEY
  if (config.openai_base_url) out.OPENAI_BASE_URL = config.openai_base_url
  return out
}

/** `--add-dir`: more writable roots for the workspace-write sandbox, after the configured ones. */
function withExtraWritableRoots(loaded: LoadedConfig, dirs: string[]): LoadedConfig {
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--add-dir ${dir}: no such directory`)
  }
  if (dirs.length === 0) return loaded
  const ws = loaded.config.sandbox_workspace_write
  return {
    ...loaded,
    config: {
      ...loaded.config,
      sandbox_workspace_write: {
        writable_roots: [...(ws?.writable_roots ?? []), ...dirs],
        network_access: ws?.network_access ?? false,
        allowed_domains: ws?.allowed_domains ?? [],
        ...(ws?.exclude_tmp === undefined ? {} : { exclude_tmp: ws.exclude_tmp }),
      },
    },
  }
}

/** `--output-schema FILE`: a JSON Schema object, read and checked before anything starts. */
export function readOutputSchema(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`--output-schema ${file}: cannot read: ${(error as Error).message}`)
  }
  let schema: unknown
  try {
    schema = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--output-schema ${file}: not JSON: ${(error as Error).message}`)
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new UsageError(
      `--output-schema ${file}: expected a JSON Schema object, such as {"type": "object", ...}`,
    )
  }
  return schema as Record<string, unknown>
}

/** Warnings and errors left in the queue once the agent has shut down (it is closed by then). */
async function closingEvents(agent: Runtime['agent']): Promise<Event[]> {
  const out: Event[] = []
  for (;;) {
    let event: Event
    try {
      event = await agent.nextEvent()
    } catch {
      return out
    }
    if (event.msg.type === 'warning' || event.msg.type === 'error') out.push(event)
  }
}

/** `--last`: the most recent session started in this directory (else the most recent at all). */
async function resolveResumeId(target: ResumeTarget, agentHome: string, cwd: string): Promise<string> {
  if (target.id && !target.last) return target.id
  const { JsonlSessionStore } = await import('@agent/core')
  const sessions = await new JsonlSessionStore({ home: agentHome }).list({ limit: 200 })
  const here = sessions.find((s) => s.cwd === cwd) ?? sessions[0]
  if (!here) throw new UsageError('no session to resume: none recorded yet (see `agent sessions`)')
  return here.id
}

async function drive(
  runtime: Runtime,
  input: UserInput[],
  flags: ExecFlags,
  io: ExecIo,
  outputSchema: Record<string, unknown> | undefined,
): Promise<number> {
  const { agent } = runtime
  const mapper = new ThreadEventMapper()
  const human = new HumanRenderer(io.stderr, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR })
  const emit = (event: Event) => {
    if (flags.json) for (const line of mapper.map(event)) io.stdout.write(`${JSON.stringify(line)}\n`)
    else human.render(event)
  }

  // The signal that interrupted the turn: the exit code is 128 + its number, as a shell reports.
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined
  let failure: string | undefined
  let lastMessage: string | null = null
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) {
      // A second signal: the user wants out now. Processes die with us (exec kills trees on exit).
      process.exit(exitCodeFor(interrupted))
    }
    interrupted = signal
    void agent.submit({ type: 'interrupt' })
  }
  const onSigint = () => onSignal('SIGINT')
  const onSigterm = () => onSignal('SIGTERM')
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)

  try {
    // With --output-schema the model answers in that JSON shape (each provider's native mechanism),
    // and the turn's last message, printed and written by -o, is that JSON.
    await agent.submit({
      type: 'user_input',
      items: input,
      ...(outputSchema ? { output_schema: outputSchema } : {}),
    })
    for (;;) {
      const event = await agent.nextEvent()
      emit(event)
      const msg = event.msg
      if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') {
        // Only reachable when -a (or approval_policy) is not `never`: nobody can answer here.
        const denial = describeExecDenial(msg, runtime.sandboxPolicy.type)
        io.stderr.write(denial.stderr)
        await agent.submit({
          type: msg.type === 'exec_approval_request' ? 'exec_approval' : 'patch_approval',
          id: msg.call_id,
          decision: 'denied',
          feedback: denial.feedback,
        })
      } else if (msg.type === 'mcp_startup_complete') {
        const required = msg.failed.filter((f) => runtime.requiredMcpServers.has(f.server))
        if (required.length > 0) {
          failure = required
            .map((f) => `required MCP server ${f.server} failed to start: ${f.error}`)
            .join('\n')
          await agent.submit({ type: 'interrupt' })
        }
      } else if (msg.type === 'error') {
        failure ??= msg.message
      } else if (msg.type === 'turn_complete') {
        lastMessage = msg.last_agent_message
        break
      } else if (msg.type === 'turn_aborted') {
        failure ??= `turn aborted: ${msg.reason}`
        break
      } else if (msg.type === 'shutdown_complete') {
        failure ??= 'the agent shut down before the turn ended'
        break
      }
    }
  } finally {
    // Flushes the rollout and kills what is still running before we report anything.
    await runtime.close()
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigterm)
    // What closing the session reported (lines of the rollout it could not write) still goes out.
    for (const event of await closingEvents(agent)) emit(event)
  }

  if (flags.outputLastMessage) writeFileSync(resolve(io.cwd, flags.outputLastMessage), lastMessage ?? '')
  if (interrupted) return exitCodeFor(interrupted)
  if (failure !== undefined) {
    if (!flags.json) io.stderr.write(`agent: ${failure}\n`)
    return EXIT_FAILED
  }
  if (flags.review) {
    // The findings: readable on stdout, or with --json one JSON object after the event stream.
    const review = parseReview(lastMessage ?? '')
    if ('error' in review) {
      io.stderr.write(`agent: review failed: ${review.error}\n`)
      return EXIT_FAILED
    }
    io.stdout.write(flags.json ? `${JSON.stringify(review)}\n` : formatReview(review))
    return EXIT_OK
  }
  if (!flags.json && lastMessage) io.stdout.write(`${lastMessage}\n`)
  return EXIT_OK
}

/** 130 after Ctrl-C, 143 after SIGTERM. */
function exitCodeFor(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED
}
