// `agent-policy` (and `agent policy`): `check` judges a command or script and prints the decision;
// `hook` answers Claude Code PreToolUse payloads. Returns the exit code instead of exiting.
import { ApprovalPolicy, type SandboxPolicy } from '@agent/protocol'
import { Command, CommanderError, Option } from 'commander'
import { describeError, PolicyError } from '../errors.js'
import { loadRulesFiles, loadSettingsFiles } from '../load.js'
import { type CommandPolicy, createCommandPolicy, type EvaluateContext } from '../policy.js'
import type { PolicyDecision } from '../types.js'
import { answerHook } from './hook.js'
import { type CliIo, readAll } from './io.js'

export type { CliIo } from './io.js'

/** Exit codes of `check --exit-code`, for CI gates; 0 is allow. */
export const EXIT_PROMPT = 3
export const EXIT_FORBIDDEN = 4
/** Bad usage, unreadable rules or settings, bad hook payload. */
export const EXIT_ERROR = 2

const SANDBOXES = ['read-only', 'workspace-write', 'danger-full-access'] as const

interface CommonOptions {
  rules: string[]
  settings: string[]
  approval: ApprovalPolicy
  sandbox: (typeof SANDBOXES)[number]
}

/**
 * Runs the CLI with `argv` (without node and script path) and returns its exit code. `name` is
 * the command name shown in help and errors (`agent policy` when the agent CLI mounts it).
 */
export async function runPolicyCli(
  argv: readonly string[],
  io: CliIo,
  options: { name?: string } = {},
): Promise<number> {
  let exitCode = 0
  const name = options.name ?? 'agent-policy'
  const program = new Command(name)
    .description('Decide whether a shell command may run, and say why.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError()

  const common = (cmd: Command) =>
    cmd
      .option('--rules <file>', 'a Codex .rules file or a directory of them (repeatable)', collect, [])
      .option('--settings <file>', 'a Claude Code settings.json with permissions (repeatable)', collect, [])
      .addOption(
        new Option('--approval <policy>', 'approval policy')
          .choices(ApprovalPolicy.options)
          .default(cmd.name() === 'hook' ? 'untrusted' : 'on-request'),
      )
      .addOption(new Option('--sandbox <mode>', 'sandbox mode').choices(SANDBOXES).default('workspace-write'))

  common(
    program
      .command('check')
      .description('judge a command (after --) or a script (--script) and print the decision')
      .argument('[command...]', 'the command and its arguments, after --')
      .option('--script <text>', 'a whole shell script, e.g. "npm test && git push"')
      .option('--json', 'print the decision as JSON')
      .option(
        '--exit-code',
        `exit ${EXIT_PROMPT} for prompt and ${EXIT_FORBIDDEN} for forbidden (0 for allow)`,
      ),
  ).action(
    async (
      command: string[],
      options: CommonOptions & { script?: string; json?: boolean; exitCode?: boolean },
    ) => {
      if ((options.script === undefined) === (command.length === 0))
        throw new PolicyError(
          'usage',
          `give either a command after -- (${name} check -- git status) or --script "..."`,
        )
      const policy = await policyFrom(options)
      const ctx = contextFrom(options)
      const decision =
        options.script !== undefined
          ? policy.evaluateScript(options.script, ctx)
          : policy.evaluate(command, ctx)
      io.stdout.write(options.json ? `${JSON.stringify(decision)}\n` : formatDecision(decision))
      if (options.exitCode)
        exitCode =
          decision.decision === 'allow' ? 0 : decision.decision === 'prompt' ? EXIT_PROMPT : EXIT_FORBIDDEN
    },
  )

  common(
    program.command('hook').description('answer a Claude Code PreToolUse hook payload read from stdin'),
  ).action(async (options: CommonOptions) => {
    const policy = await policyFrom(options)
    const answer = answerHook(await readAll(io.stdin), policy, contextFrom(options))
    if (answer) io.stdout.write(`${JSON.stringify(answer)}\n`)
  })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_ERROR
    io.stderr.write(`${name}: ${describeError(error)}\n`)
    return EXIT_ERROR
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

async function policyFrom(options: CommonOptions): Promise<CommandPolicy> {
  const rules = options.rules.length > 0 ? await loadRulesFiles(options.rules) : undefined
  const settings = options.settings.length > 0 ? await loadSettingsFiles(options.settings) : undefined
  return createCommandPolicy({ ...(rules ? { rules } : {}), ...(settings ? { settings } : {}) })
}

function contextFrom(options: CommonOptions): EvaluateContext {
  const sandboxPolicy: SandboxPolicy =
    options.sandbox === 'workspace-write'
      ? { type: 'workspace-write', writable_roots: [], network_access: false }
      : { type: options.sandbox }
  return { approvalPolicy: options.approval, sandboxPolicy }
}

function formatDecision(d: PolicyDecision): string {
  const lines = [`${d.decision}: ${d.reason}`]
  if (d.commands.length > 1)
    for (const c of d.commands) lines.push(`  ${c.decision.padEnd(9)} ${c.argv.join(' ')}  (${c.basis})`)
  for (const m of d.matchedRules) lines.push(`  rule ${m.decision}: ${m.rule}  [${m.source}]`)
  return `${lines.join('\n')}\n`
}
