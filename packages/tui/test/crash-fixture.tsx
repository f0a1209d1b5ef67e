// A UI whose process crashes (an uncaught exception) while it runs: the terminal must be
// restored anyway. Used by terminal.e2e.test.ts.
import { runInteractive } from '../src/index.js'
import { FakeConnection, sessionConfigured } from './fake-connection.js'

const connection = new FakeConnection()
connection.emit(sessionConfigured())
setTimeout(
  () => {
    throw new Error('simulated crash')
  },
  Number(process.argv[2] ?? 1500),
)
await runInteractive({
  connection,
  status: { model: 'm', cwd: process.cwd(), sandbox: 'read-only', approval: 'never' },
})
