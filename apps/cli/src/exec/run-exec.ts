// `agent exec`: one non-interactive turn. Builds the runtime, submits the prompt, streams the
// events as JSONL (`--json`) or as human-readable progress, and maps the outcome to an exit
// code: 0 done, 1 the turn failed, 2 usage or configuration, 130 interrupted (Ctrl-C).
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { findRepoRoot, type SessionStart } from '@agent/core'
import type { ApprovalPolicy, Event, SandboxMode } from '@agent/protocol'
import { UsageError } from '../config/errors.js'
import { loadConfig } from '../config/load.js'
import { composeRuntime, type Runtime } from '../runtime/compose.js'
import { expandPrompt } from '../runtime/slash.js'
import { describeExecDenial } from './approvals.js'
import { HumanRenderer } from './human-output.js'
import { ThreadEventMapper } from './thread-events.js'

export interface ExecFlags {
  json?: boolean
  model?: string
  provider?: string
  baseUrl?: string
  sandbox?: SandboxMode
  approval?: ApprovalPolicy
  fullAuto?: boolean
  cd?: string
  skipGitRepoCheck?: boolean
  outputLastMessage?: string
  ephemeral?: boolean
  replay?: string
  config?: string[]
  pluginDir?: string[]
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
  const loaded = loadConfig({ cwd, env: io.env, overrides: flags.config ?? [] })
  const { config } = loaded
  const prompt = await readPrompt(promptArg, io)

  const sandboxMode: SandboxMode =
    flags.sandbox ?? (flags.fullAuto ? 'workspace-write' : undefined) ?? config.sandbox_mode ?? 'read-only'
  // Nobody is there to answer an approval in exec, so by default nothing asks.
  const approvalPolicy: ApprovalPolicy = flags.approval ?? config.approval_policy ?? 'never'

  let session: SessionStart | undefined
  if (resume) session = { type: 'resume', sessionId: await resolveResumeId(resume, loaded.agentHome, cwd) }

  const runtime = await composeRuntime({
    cwd,
    loaded,
    env: io.env,
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
    ...(session ? { session } : {}),
  })
  for (const warning of runtime.warnings) io.stderr.write(`agent: warning: ${warning}\n`)
  let expanded: string
  try {
    expanded = await expandPrompt(prompt, runtime.commands, { cwd, runShell: runtime.runShell })
  } catch (error) {
    await runtime.close()
    throw error
  }
  return drive(runtime, expanded, flags, io)
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

async function drive(runtime: Runtime, prompt: string, flags: ExecFlags, io: ExecIo): Promise<number> {
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
    await agent.submit({ type: 'user_input', items: [{ type: 'text', text: prompt }] })
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
  }

  if (flags.outputLastMessage) writeFileSync(resolve(io.cwd, flags.outputLastMessage), lastMessage ?? '')
  if (interrupted) return exitCodeFor(interrupted)
  if (failure !== undefined) {
    if (!flags.json) io.stderr.write(`agent: ${failure}\n`)
    return EXIT_FAILED
  }
  if (!flags.json && lastMessage) io.stdout.write(`${lastMessage}\n`)
  return EXIT_OK
}

/** 130 after Ctrl-C, 143 after SIGTERM. */
function exitCodeFor(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED
}
