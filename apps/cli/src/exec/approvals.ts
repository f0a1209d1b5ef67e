// `agent exec` has nobody to ask, so every approval request is denied. The denial must not read
// like a person's "no": the model is told the run is non-interactive (so it stops asking and
// works within its limits), and the user is told on stderr which flag or rule would allow it.
import type { EventMsg, SandboxMode } from '@agent/protocol'

type ApprovalRequest = Extract<EventMsg, { type: 'exec_approval_request' | 'apply_patch_approval_request' }>

export interface ApprovalDenial {
  /** One line (plus a hint line) for the user. */
  stderr: string
  /** Sent as the denial's feedback: what the model reads in the tool result. */
  feedback: string
}

/** Core's reason for an escalation request (the model asked to run outside the sandbox). */
const ESCALATION_REASON = 'the model asks to run this outside the sandbox'

/** What to say when exec denies `request` in a run with sandbox `sandboxMode`. */
export function describeExecDenial(request: ApprovalRequest, sandboxMode: SandboxMode): ApprovalDenial {
  const denial = describeDenial(request, sandboxMode)
  if (!request.subagent) return denial
  // A subagent's request, relayed by the Task tool: say which subagent asked.
  return { ...denial, stderr: denial.stderr.replace(/^agent: /, `agent: subagent ${request.subagent}: `) }
}

function describeDenial(request: ApprovalRequest, sandboxMode: SandboxMode): ApprovalDenial {
  const confined = sandboxMode !== 'danger-full-access'
  if (request.type === 'apply_patch_approval_request') {
    const files = Object.keys(request.changes).join(', ') || 'a patch'
    return {
      stderr:
        `agent: approval needed to change ${files}${request.reason ? ` (${request.reason})` : ''}; denied: ` +
        'agent exec is non-interactive and cannot ask.\n' +
        '  To allow writes there: add the directory to sandbox_workspace_write.writable_roots, or run with ' +
        '-s danger-full-access; with -a never (the default) such changes are refused up front.\n',
      feedback:
        'nobody can approve this: agent exec is a non-interactive run and approval requests are denied ' +
        'automatically. Do not retry this change; work inside the writable roots, or finish and tell the ' +
        'user which files need changing (they can allow it with sandbox_workspace_write.writable_roots or ' +
        '-s danger-full-access).',
    }
  }
  const command = `\`${request.command.join(' ')}\``
  const leavesSandbox =
    confined &&
    (request.retry_without_sandbox === true || request.reason?.startsWith(ESCALATION_REASON) === true)
  const why = request.reason ? ` (${request.reason})` : ''
  if (leavesSandbox) {
    return {
      stderr:
        `agent: approval needed to run ${command} outside the sandbox${why}; denied: agent exec is ` +
        'non-interactive and cannot ask.\n' +
        '  To allow it: run with -s danger-full-access (no sandbox); with -a never (the default) the agent ' +
        'is told up front that it cannot leave the sandbox.\n',
      feedback:
        'nobody can approve this: agent exec is a non-interactive run and approval requests are denied ' +
        'automatically, so the command was not run outside the sandbox. Do not ask for escalation again ' +
        'in this run; work within the sandbox, or finish and tell the user what needs to run outside it ' +
        '(they can allow that with -s danger-full-access).',
    }
  }
  return {
    stderr:
      `agent: approval needed to run ${command}${why}; denied: agent exec is non-interactive and cannot ask.\n` +
      '  To allow it: add a rule that allows the command (a .rules file, or permissions.allow in ' +
      '.claude/settings.json); with -a never (the default) the agent is told up front.\n',
    feedback:
      'nobody can approve this: agent exec is a non-interactive run and approval requests are denied ' +
      'automatically, so the command was not run. Do not retry it; find another way, or finish and tell ' +
      'the user what needs to run (they can allow it with a rule).',
  }
}
