// Writes model-script.jsonl: what a model said in the fix-a-test session, in @agent/models'
// replay format (one exchange per line: {"v":1,"provider","events":[ModelEvent...]}). Only the
// model's words live here; every tool call they contain is executed for real when replayed.
// Run `node examples/fix-a-test/make-model-script.mjs` after editing the steps below.
import { writeFileSync } from 'node:fs'

const steps = [
  {
    reasoning: 'Start from the failing test: run the suite to see what breaks.',
    text: "I'll run the tests first to see what fails.",
    call: { name: 'shell', arguments: { command: ['bash', '-lc', 'npm test'], timeout_ms: 60000 } },
  },
  {
    reasoning: 'The discounted total is wrong; read the code that computes it.',
    call: { name: 'shell', arguments: { command: ['cat', 'src/prices.js'] } },
  },
  {
    reasoning: 'discountPercent is a percentage, so it must be divided by 100, not 10.',
    text: 'The discount divides a percentage by 10 instead of 100. Fixing it.',
    call: {
      name: 'apply_patch',
      arguments: {
        input: [
          '*** Begin Patch',
          '*** Update File: src/prices.js',
          '@@ export function cartTotal(items, { discountPercent = 0 } = {}) {',
          '   const subtotal = items.reduce((sum, item) => sum + lineTotal(item), 0)',
          '-  const discount = Math.round((subtotal * discountPercent) / 10)',
          '+  const discount = Math.round((subtotal * discountPercent) / 100)',
          '   return subtotal - discount',
          '*** End Patch',
          '',
        ].join('\n'),
      },
    },
  },
  {
    text: 'Running the tests again.',
    call: { name: 'shell', arguments: { command: ['bash', '-lc', 'npm test'], timeout_ms: 60000 } },
  },
  {
    text:
      'Fixed: `cartTotal` in `src/prices.js` divided the discount percentage by 10, so a 10% ' +
      'discount took the whole subtotal off. It now divides by 100, and all 3 tests pass.',
  },
]

/** Splits text into small deltas, the way a streaming model sends it. */
const deltas = (text) => text.match(/.{1,12}/gs) ?? []

const lines = steps.map((step, index) => {
  const events = [{ type: 'created', response_id: `resp_demo_${index}` }]
  if (step.reasoning) {
    for (const delta of deltas(step.reasoning))
      events.push({ type: 'reasoning_delta', delta, kind: 'summary' })
    events.push({
      type: 'output_item',
      item: { type: 'reasoning', summary: [{ type: 'summary_text', text: step.reasoning }] },
    })
  }
  if (step.text) {
    for (const delta of deltas(step.text)) events.push({ type: 'text_delta', delta })
    events.push({
      type: 'output_item',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: step.text }] },
    })
  }
  if (step.call) {
    const callId = `call_demo_${index}`
    const args = JSON.stringify(step.call.arguments)
    events.push({
      type: 'output_item',
      item: { type: 'function_call', call_id: callId, name: step.call.name, arguments: args },
    })
    events.push({ type: 'tool_call', call_id: callId, name: step.call.name, arguments: args })
  }
  const output = Math.ceil(((step.text ?? '').length + (step.reasoning ?? '').length) / 4) + 20
  events.push({
    type: 'usage',
    usage: {
      input_tokens: 1200 + index * 400,
      cached_input_tokens: index * 300,
      output_tokens: output,
      reasoning_output_tokens: 0,
      total_tokens: 1200 + index * 400 + output,
    },
  })
  events.push({
    type: 'completed',
    stop_reason: step.call ? 'tool_calls' : 'end_turn',
    response_id: `resp_demo_${index}`,
  })
  return JSON.stringify({ v: 1, provider: 'openai', events })
})

writeFileSync(new URL('./model-script.jsonl', import.meta.url), `${lines.join('\n')}\n`)
