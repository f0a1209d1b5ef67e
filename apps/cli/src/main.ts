// Entry point of the `agent` binary. Kept tiny: it parses the command line and imports the
// code of the chosen subcommand lazily, so `agent --version` costs almost nothing.
import module from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { VERSION } from './version.js'

// Node 22.1+ can keep the compiled code of the chunks below on disk (in the OS temp directory,
// unless NODE_COMPILE_CACHE says otherwise; NODE_DISABLE_COMPILE_CACHE=1 turns it off): later
// starts skip most of the parsing and compiling. Node 20 has no such cache and skips this.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

// WebAssembly (the bash grammar, undici's HTTP parser) stays on V8's baseline compiler: the
// optimising tier-up costs ~35 MB of peak memory for code that parses a few short commands.
setFlagsFromString('--liftoff-only')

// `agent exec --json | head -1`: a reader that goes away is not an error of ours. The session
// still ends normally (processes killed, rollout flushed); the output just has nowhere to go.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
}

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Scripts ask for the version often; answer before loading the argument parser.
  process.stdout.write(`${VERSION}\n`)
} else {
  const { buildProgram } = await import('./program.js')
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    })
}
