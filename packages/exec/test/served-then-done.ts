// Fixture: runs two commands with a spawn server (the second through it) and then has nothing
// left to do. The process must exit on its own: the idle server does not keep it alive.
import { runCommand, SpawnServer } from '../src/index.js'

const server = new SpawnServer()
const cwd = process.cwd()
await runCommand({ argv: ['true'], cwd, spawnServer: server })
if (!(await server.started())) throw new Error('the spawn server did not start')
const result = await runCommand({ argv: ['echo', 'served'], cwd, spawnServer: server })
process.stdout.write(result.stdout)
