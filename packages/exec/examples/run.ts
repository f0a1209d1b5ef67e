// Runs a command the way an agent would, prints what the model would see, then drives an
// interactive session. `pnpm --filter @agent/exec example`
import { buildChildEnv, formatForModel, ProcessSessionManager, runCommand } from '../src/index.js'

const env = buildChildEnv({ inherit: 'core', set: { GREETING: 'hello' } })

const result = await runCommand({
  argv: [
    'bash',
    '-lc',
    'echo "$GREETING from $(pwd)"; seq 1 5000; printenv OPENAI_API_KEY >&2 || echo "OPENAI_API_KEY not passed" >&2',
  ],
  cwd: process.cwd(),
  env,
  timeoutMs: 10_000,
  onOutput: ({ stream, data }) => process.stdout.write(`[${stream} ${data.length} chars] `),
})
console.log('\n')
console.log(formatForModel(result, { maxBytes: 400 }))

const sessions = new ProcessSessionManager({ env })
const { sessionId } = await sessions.start({ argv: ['bash'], cwd: process.cwd() })
await sessions.write(sessionId, 'echo $((6 * 7))\n')
console.log('\nsession read:', await sessions.read(sessionId, { yieldTimeMs: 500 }))
await sessions.kill(sessionId)
