import type { Event, EventMsg } from '@agent/protocol'
import { describe, expect, it } from 'vitest'
import { formatDuration, HumanRenderer } from './human-output.js'

const ev = (msg: EventMsg): Event => ({ id: '', msg })

function render(events: EventMsg[], color = false): string {
  let out = ''
  const renderer = new HumanRenderer({ write: (t: string) => (out += t) }, { color })
  for (const msg of events) renderer.render(ev(msg))
  return out
}

describe('HumanRenderer', () => {
  it('shows commands with status, duration and the tail of failed output, and paths relative to the cwd', () => {
    const out = render([
      {
        type: 'session_configured',
        session_id: 's1',
        model: 'm',
        model_provider: 'openai',
        cwd: '/w',
        approval_policy: 'never',
        sandbox_policy: { type: 'workspace-write', writable_roots: [], network_access: false },
      },
      {
        type: 'exec_command_begin',
        call_id: 'c1',
        command: ['bash', '-lc', 'npm test'],
        cwd: '/w',
        sandbox: 'workspace-write',
      },
      {
        type: 'exec_command_end',
        call_id: 'c1',
        exit_code: 1,
        stdout: '',
        stderr: '',
        aggregated_output: 'ok 1\nnot ok 2\n',
        duration_ms: 1500,
      },
      {
        type: 'patch_apply_begin',
        call_id: 'p1',
        auto_approved: true,
        changes: { '/w/src/a.js': { type: 'update', unified_diff: '' } },
      },
      { type: 'agent_message', message: 'Done.' },
      { type: 'error', message: 'boom' },
    ] as EventMsg[])
    expect(out).toBe(
      [
        'agent · model m (openai) · sandbox workspace-write · approval never · session s1',
        "$ bash -lc 'npm test' [workspace-write]",
        '  exit 1 in 1.5s',
        '  │ ok 1',
        '  │ not ok 2',
        'M src/a.js',
        'agent Done.',
        'error: boom',
        '',
      ].join('\n'),
    )
  })

  it('colours only when asked', () => {
    expect(render([{ type: 'warning', message: 'w' }], true)).toContain('\u001b[33m')
    expect(render([{ type: 'warning', message: 'w' }], false)).toBe('warning: w\n')
  })

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42ms')
    expect(formatDuration(61_000)).toBe('61.0s')
  })
})
