// The mock provider for bench/acp.ts, in a process of its own: a real provider is never in the
// client's process, and here it must not be either. In the bench's own process the server shared
// an event loop with the client under test, so whatever the client did with what it read (the
// ACP SDK parses and validates every `session/update`; exec's reader discards lines) delayed the
// server's answers to the agent, and counted against the agent.
// Protocol: argv[2] is the number of steps; prints `{"baseUrl"}` once listening, then
// `{"request": n, "at": ms}` as request n arrives (ms: this process's clock; differences only);
// closes and exits when its stdin ends.
import { type MockTurn, startMockProviderServer } from '@agent/models/testing'

const steps = Number(process.argv[2])
if (!Number.isInteger(steps) || steps < 1) {
  console.error('provider-process: pass the number of steps (a positive integer) as the argument')
  process.exit(2)
}

/** Each step: a message and one `echo` call; then the answer. */
function stepTurns(count: number): MockTurn[] {
  return [
    ...Array.from({ length: count }, (_, i) => ({
      text: `step ${i}`,
      toolCalls: [{ name: 'shell', arguments: { command: ['echo', `step ${i}`] } }],
    })),
    { text: 'done' },
  ]
}

const server = await startMockProviderServer({ wire: 'responses', turns: stepTurns(steps) })
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)
say({ baseUrl: server.baseUrl })
process.stdin.resume()
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0))
})
for (let n = 1; n <= steps + 1; n++)
  say({ request: n, at: await server.waitForRequests(n, { timeoutMs: 600_000 }) })
