// The options every command that builds an agent shares (`agent exec`, the interactive UI,
// `agent durable serve`): which model, how commands are confined and approved, config overrides.
// One definition, so the commands cannot drift apart; each says only what its defaults are.
import { type Command, Option } from 'commander'

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access']
export const APPROVAL_POLICIES = ['untrusted', 'on-failure', 'on-request', 'never']

/** Commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[] = []) => [...previous, value]

/** `-m`, `--provider`, `--base-url`. */
export function addModelOptions(command: Command): Command {
  return command
    .option('-m, --model <MODEL>', 'model name sent to the provider')
    .option(
      '--provider <ID>',
      'provider: openai (Responses), openai-chat (Chat Completions), anthropic, ollama, lmstudio, or an id from config',
    )
    .option('--base-url <URL>', "the provider's API root (http://host:port/v1 for the OpenAI wires)")
}

/** `-s`, `-a`, `--full-auto`, with the help that states this command's defaults. */
export function addPolicyOptions(
  command: Command,
  help: { sandbox: string; approval: string; fullAuto: string },
): Command {
  return command
    .addOption(new Option('-s, --sandbox <MODE>', help.sandbox).choices(SANDBOX_MODES))
    .addOption(new Option('-a, --approval <POLICY>', help.approval).choices(APPROVAL_POLICIES))
    .option('--full-auto', help.fullAuto)
}

/** `-c key=value`, repeatable. */
export function addConfigOption(command: Command): Command {
  return command.option(
    '-c, --config <key=value>',
    'override a config key (value parsed as TOML); repeatable',
    collect,
    [],
  )
}
