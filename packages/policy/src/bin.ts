#!/usr/bin/env node
// The `agent-policy` executable: a thin wrapper over runPolicyCli.
import { runPolicyCli } from './cli/run.js'

process.exitCode = await runPolicyCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
})
