// Entry point of the `agent` binary. Kept tiny: it parses the command line and imports the
// code of the chosen subcommand lazily, so `agent --version` costs almost nothing.
import { setFlagsFromString } from 'node:v8'
import { buildProgram } from './program.js'

// WebAssembly (the bash grammar, undici's HTTP parser) stays on V8's baseline compiler: the
// optimising tier-up costs ~35 MB of peak memory for code that parses a few short commands.
setFlagsFromString('--liftoff-only')

const program = buildProgram()
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
