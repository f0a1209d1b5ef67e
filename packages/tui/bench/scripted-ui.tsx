// Runs the UI over a scripted in-process agent, for the benchmark and for trying the UI by hand:
//   tsx bench/scripted-ui.tsx [--tokens N] [--rate TOKENS_PER_S] [--report FILE] [--messages N]
// Each prompt makes the agent stream text, ask to run a command, run it and show a patch.
import { writeFileSync } from 'node:fs'
import type { Op } from '@agent/protocol'
import { runInteractive } from '../src/index.js'
import { FakeConnection, sessionConfigured } from '../test/fake-connection.js'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const tokens = flag('--tokens', 400)
const rate = flag('--rate', 500)
const messages = flag('--messages', 0)
const reportIndex = args.indexOf('--report')
const report = reportIndex >= 0 ? args[reportIndex + 1] : undefined

const latencyIndex = args.indexOf('--latency')
const latencyReport = latencyIndex >= 0 ? args[latencyIndex + 1] : undefined

// Bytes written to the terminal, and (with --latency) the time from a key's arrival on stdin
// to the first write after it: the UI's keypress-to-echo latency.
let written = 0
let keyAt: number | undefined
const latencies: number[] = []
process.stdin.prependListener('readable', () => {
  keyAt = performance.now()
})
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
  if (keyAt !== undefined) {
    latencies.push(performance.now() - keyAt)
    keyAt = undefined
  }
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
}) as typeof process.stdout.write

const WORDS =
  'the agent reads the code then it applies a small patch and runs the tests again to see that they pass'.split(
    ' ',
  )
const conn = new FakeConnection()
conn.emit(sessionConfigured({ cwd: process.cwd() }))
for (let i = 0; i < messages; i++) {
  conn.emit({ type: 'user_message', message: `question ${i}` })
  conn.emit({ type: 'agent_message', message: `Answer ${i}: ${WORDS.join(' ')}` })
}
let textBytes = 0
let streamStart = 0
let streamEnd = 0
let turn = 0
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function stream(count: number) {
  const perTick = Math.max(1, Math.round(rate / 100))
  streamStart = performance.now()
  let sent = 0
  while (sent < count) {
    let chunk = ''
    for (let i = 0; i < perTick && sent < count; i++, sent++) {
      const word = WORDS[sent % WORDS.length] as string
      chunk += sent % 14 === 13 ? `${word}\n` : `${word} `
    }
    textBytes += Buffer.byteLength(chunk)
    conn.emit({ type: 'agent_message_delta', delta: chunk })
    const due = streamStart + (sent / rate) * 1000
    await sleep(Math.max(0, due - performance.now()))
  }
  streamEnd = performance.now()
}

conn.onOp = (op: Op) => {
  if (op.type === 'user_input') {
    const text = op.items.map((i) => (i.type === 'text' ? i.text : '')).join('')
    void (async () => {
      turn++
      conn.emit({ type: 'turn_started', model_context_window: 200_000 })
      conn.emit({ type: 'user_message', message: text })
      if (text.startsWith('bench')) {
        const cpu0 = process.cpuUsage()
        await stream(tokens)
        await sleep(300)
        const cpu = process.cpuUsage(cpu0)
        conn.emit({ type: 'agent_message', message: '' })
        conn.emit({ type: 'turn_complete', last_agent_message: null })
        await sleep(300)
        if (report) {
          writeFileSync(
            report,
            JSON.stringify({
              cpuMs: (cpu.user + cpu.system) / 1000,
              wallMs: streamEnd - streamStart,
              maxRssKb: process.resourceUsage().maxRSS,
              bytesWritten: written,
              textBytes,
            }),
          )
        }
        return
      }
      conn.emit({ type: 'agent_reasoning_delta', delta: 'Looking at the failing test first.' })
      await stream(40)
      conn.emit({ type: 'agent_message', message: '' })
      conn.emit({
        type: 'plan_update',
        plan: [
          { step: 'Read the test', status: 'completed' },
          { step: 'Fix the bug', status: 'in_progress' },
          { step: 'Run the tests', status: 'pending' },
        ],
      })
      conn.emit({
        type: 'exec_approval_request',
        call_id: `c${turn}`,
        command: ['bash', '-lc', 'npm test'],
        cwd: process.cwd(),
        reason: 'runs the project tests',
        proposed_prefix: ['npm', 'test'],
      })
    })()
  } else if (op.type === 'exec_approval') {
    void (async () => {
      if (op.decision === 'denied' || op.decision === 'abort') {
        conn.emit({
          type: 'agent_message',
          message: op.feedback ? `OK, instead: ${op.feedback}` : 'OK, not running it.',
        })
        conn.emit({ type: 'turn_complete', last_agent_message: null })
        return
      }
      conn.emit({
        type: 'exec_command_begin',
        call_id: op.id,
        command: ['bash', '-lc', 'npm test'],
        cwd: process.cwd(),
        sandbox: 'workspace-write',
      })
      for (let i = 1; i <= 12; i++) {
        conn.emit({
          type: 'exec_command_output_delta',
          call_id: op.id,
          stream: 'stdout',
          chunk: `ok ${i} - test ${i}\n`,
        })
        await sleep(80)
      }
      conn.emit({
        type: 'exec_command_end',
        call_id: op.id,
        exit_code: 0,
        stdout: '',
        stderr: '',
        aggregated_output: Array.from({ length: 12 }, (_, i) => `ok ${i + 1} - test ${i + 1}`).join('\n'),
        duration_ms: 1012,
      })
      const diff =
        '--- a/src/prices.js\n+++ b/src/prices.js\n@@ -1,3 +1,3 @@\n export function percent(x) {\n-  return x / 10\n+  return x / 100\n }\n'
      conn.emit({
        type: 'patch_apply_begin',
        call_id: `p${turn}`,
        auto_approved: true,
        changes: { 'src/prices.js': { type: 'update', unified_diff: diff } },
      })
      conn.emit({ type: 'patch_apply_end', call_id: `p${turn}`, success: true, stdout: '', stderr: '' })
      conn.emit({ type: 'turn_diff', unified_diff: diff })
      conn.emit({
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: 1200,
            cached_input_tokens: 0,
            output_tokens: 300,
            reasoning_output_tokens: 0,
            total_tokens: 1500,
          },
          last_token_usage: {
            input_tokens: 1200,
            cached_input_tokens: 0,
            output_tokens: 300,
            reasoning_output_tokens: 0,
            total_tokens: 1500,
          },
          model_context_window: 200_000,
        },
      })
      conn.emit({ type: 'agent_message', message: 'Fixed: **percent** divided by `10` instead of `100`.' })
      conn.emit({ type: 'turn_complete', last_agent_message: null })
    })()
  } else if (op.type === 'interrupt') {
    conn.emit({ type: 'turn_aborted', reason: 'interrupted' })
  }
}

const result = await runInteractive({
  connection: conn,
  status: { model: 'scripted', cwd: process.cwd(), sandbox: 'workspace-write', approval: 'on-request' },
  historyFile: process.env.AGENT_TUI_HISTORY,
})
process.stderr.write(`exited: ${result.reason}\n`)
if (latencyReport) writeFileSync(latencyReport, JSON.stringify({ latencies }))
process.exit(0)
