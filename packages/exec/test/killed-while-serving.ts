// Fixture: starts a long command through a spawn server, then dies by SIGKILL, so no exit hook
// runs. The server sees its stdin close and must take the command's tree down.
import { runCommand, SpawnServer } from '../src/index.js'

const server = new SpawnServer()
if (!(await server.started())) throw new Error('the spawn server did not start')
const cwd = process.cwd()
void runCommand({
  argv: ['bash', '-c', 'sleep 100 & echo started; sleep 100'],
  cwd,
  spawnServer: server,
  // Killed once the command runs (it says so), not after a guessed delay.
  onOutput: () => process.kill(process.pid, 'SIGKILL'),
})
