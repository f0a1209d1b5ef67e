// The interactive `agent`'s trust question: opening a folder that is not trusted (and never
// decided on) whose own settings would run code or widen permissions, it asks once, like Claude
// Code's trust dialog. "Trust" is recorded in the user's config; "not now" records nothing, so
// the question comes back next time. `agent exec`, `mcp-server` and ACP never ask.
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describeSkipped, type LoadedConfig, recordTrust } from '@agent/sdk'

export interface TrustQuestionIo {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
}

/** Asks the question on `io`; true when the answer is to trust the folder. */
export function askTrust(folder: string, skipped: readonly string[], io: TrustQuestionIo): Promise<boolean> {
  const lines = [
    '',
    `Do you trust the files in ${folder}?`,
    'Its own settings would run commands on this machine or widen what the agent may do:',
    ...skipped.map((item) => `  - ${item}`),
    'Trust only folders whose contents you know. Without trust they are skipped; instructions,',
    'skills and commands still load.',
    '  t  trust this folder (recorded in your config.toml)',
    '  n  not now (open it without them)',
    '',
  ]
  io.output.write(lines.join('\n'))
  const rl = createInterface({ input: io.input, output: io.output, terminal: false })
  return new Promise((resolve) => {
    let answered = false
    rl.question('Trust this folder? [t/N] ', (answer) => {
      answered = true
      rl.close()
      resolve(/^\s*(t|trust|y|yes)\s*$/i.test(answer))
    })
    // End of input (or Ctrl-D) is "not now".
    rl.once('close', () => {
      if (!answered) resolve(false)
    })
  })
}

/**
 * The interactive start: asks about an undecided, untrusted folder that has such settings and,
 * when the user trusts it, records that and returns the config read again. Otherwise returns
 * `loaded` as it is.
 */
export async function confirmWorkspaceTrust(options: {
  loaded: LoadedConfig
  reload: () => LoadedConfig
  cwd: string
  io: TrustQuestionIo
}): Promise<LoadedConfig> {
  const { loaded } = options
  if (loaded.trust.trusted || loaded.trust.decision) return loaded
  const { loadPlugins } = await import('@agent/plugins')
  // Only the project's own files matter here; the user's plugins are trusted anyway.
  const plugins = await loadPlugins({
    cwd: options.cwd,
    agentHome: loaded.agentHome,
    projectTrust: 'untrusted',
  })
  const skipped = [
    ...loaded.untrustedSkipped,
    ...describeSkipped(plugins.untrustedSkipped, loaded.trust.folder),
  ]
  if (skipped.length === 0) return loaded
  if (!(await askTrust(loaded.trust.folder, skipped, options.io))) return loaded
  const file = join(loaded.agentHome, 'config.toml')
  recordTrust(file, loaded.trust.folder, 'trusted')
  options.io.output.write(`Trusted ${loaded.trust.folder} (recorded in ${file}).\n`)
  return options.reload()
}
