// Validates a few submissions and prints what the agent would say about each.
import { parseSubmission } from '../src/index.js'

const inputs: unknown[] = [
  { id: '1', op: { type: 'user_input', items: [{ type: 'text', text: 'fix the failing test' }] } },
  { id: '2', op: { type: 'exec_approval', id: 'call_7', decision: 'approved_for_session' } },
  { id: '3', op: { type: 'user_input', items: [{ type: 'text', text: 42 }] } },
  { id: '4', op: { type: 'teleport' } },
]
for (const input of inputs) {
  const parsed = parseSubmission(input)
  console.log(parsed.ok ? `ok     ${parsed.value.op.type}` : `error  ${parsed.error.message}`)
}
