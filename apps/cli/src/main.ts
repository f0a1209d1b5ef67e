// Entry point of the `agent` binary. Kept tiny: it parses the command line and imports the
// code of the chosen subcommand lazily, so `agent --version` costs almost nothing.
import { buildProgram } from './program.js'

const program = buildProgram()
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
