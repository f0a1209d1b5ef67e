// Fixture: runs one helper (the shell script given, default `echo helped`), prints its output,
// and then has nothing left to do. A running helper must keep this process alive; the helper
// thread, idle afterwards, must not.
import { runHelper } from '../src/process/run-helper.js'

const script = process.argv[2] ?? 'echo helped'
const result = await runHelper(['sh', '-c', script], { cwd: process.cwd() })
process.stdout.write(result.stdout)
