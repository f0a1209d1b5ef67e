// Fixture: starts a long command and a session, then exits this process while they run.
// The exit hook must take their process trees down with it.
import { ProcessSessionManager, runCommand } from '../src/index.js'

const cwd = process.cwd()
void runCommand({ argv: ['bash', '-c', 'sleep 100 & sleep 100'], cwd })
const sessions = new ProcessSessionManager()
await sessions.start({ argv: ['bash', '-c', 'sleep 100 & sleep 100'], cwd })
setTimeout(() => process.exit(0), 300)
