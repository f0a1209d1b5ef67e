// The CLI proper, bundled into dist/cli.cjs and started by the `agent` binary's launcher
// (launch/launcher.ts), which calls `main`. It parses the command line and imports the code of
// the chosen subcommand lazily, so a command only evaluates the modules it uses.
import { config as zodConfig } from 'zod'
import { buildProgram, type ProgramOptions } from './program.js'

export function main(options: ProgramOptions = {}): void {
  // zod compiles a fast parser (`new Function`) for each object schema the first time it parses
  // one. A run parses a few hundred values through dozens of schemas, so those compilations cost
  // more (~2-3 ms before the first model request) than the interpreted parse they would speed up.
  zodConfig({ jitless: true })

  // `agent exec --json | head -1`: a reader that goes away is not an error of ours. The session
  // still ends normally (processes killed, rollout flushed); the output just has nowhere to go.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
  }

  buildProgram(options)
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`agent: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    })
}
