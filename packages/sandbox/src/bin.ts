#!/usr/bin/env node
// The `agent-sandbox` executable; all logic lives in runSandboxCli.
import { runSandboxCli } from './cli.js'

process.exitCode = await runSandboxCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
})
