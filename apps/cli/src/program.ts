// The command tree of `agent`. Each subcommand's implementation is imported lazily from its
// action, so parsing the command line never loads a provider, the MCP SDK or the UI.
import { Command } from 'commander'
import { VERSION } from './version.js'

export function buildProgram(): Command {
  const program = new Command()
  program
    .name('agent')
    .description('A coding agent runtime: talk to a model, run the tools it asks for safely.')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run `agent --help` for usage)')
    .exitOverride((err) => {
      // Usage errors exit 2, like other Unix tools; help and version exit 0.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0)
      process.exit(err.exitCode === 0 ? 0 : 2)
    })
  return program
}
