// Approval requests of the agent as MCP elicitations, and the client's answer as the op that
// resolves them. A client without elicitation support gets a denial the model can read.
import type { EventMsgOf, Op, ReviewDecision } from '@agent/protocol'

type ApprovalRequest = EventMsgOf<'exec_approval_request'> | EventMsgOf<'apply_patch_approval_request'>

export const DECISIONS: ReviewDecision[] = ['approved', 'approved_for_session', 'denied', 'abort']

export interface ElicitationParams {
  message: string
  requestedSchema: {
    type: 'object'
    properties: Record<string, Record<string, unknown>>
    required?: string[]
  }
  _meta?: Record<string, unknown>
}

export interface ElicitationAnswer {
  action: 'accept' | 'decline' | 'cancel'
  content?: Record<string, unknown>
}

/** The form shown to the user for one approval request. */
export function approvalElicitation(threadId: string, request: ApprovalRequest): ElicitationParams {
  const message =
    request.type === 'exec_approval_request'
      ? [
          `The agent wants to run: ${request.command.join(' ')}`,
          `in ${request.cwd}`,
          request.retry_without_sandbox
            ? 'It failed in the sandbox; this would run it without the sandbox.'
            : '',
          request.reason ? `Reason: ${request.reason}` : '',
        ]
      : [
          `The agent wants to change ${Object.keys(request.changes).length} file(s): ${Object.keys(request.changes).join(', ')}`,
          request.grant_root
            ? `and be allowed to write under ${request.grant_root} for the rest of the session.`
            : '',
          request.reason ? `Reason: ${request.reason}` : '',
        ]
  return {
    message: message.filter(Boolean).join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        decision: {
          type: 'string',
          title: 'Decision',
          description:
            'approved: this once; approved_for_session: also similar requests later; denied: refuse, the agent goes on; abort: refuse and stop the turn',
          enum: DECISIONS,
        },
        feedback: {
          type: 'string',
          title: 'Feedback',
          description: 'What the agent should do instead (with denied)',
        },
      },
      required: ['decision'],
    },
    _meta: {
      'agent/approval': {
        kind: request.type === 'exec_approval_request' ? 'exec' : 'patch',
        threadId,
        call_id: request.call_id,
        ...(request.type === 'exec_approval_request'
          ? { command: request.command, cwd: request.cwd }
          : { changes: request.changes }),
      },
    },
  }
}

/**
 * The op answering `request` given the client's elicitation answer: accept without a decision
 * means approved; decline means denied; cancel means abort (stop the turn).
 */
export function approvalOp(request: ApprovalRequest, answer: ElicitationAnswer): Op {
  let decision: ReviewDecision
  let feedback: string | undefined
  if (answer.action === 'accept') {
    const chosen = answer.content?.decision
    decision = DECISIONS.includes(chosen as ReviewDecision) ? (chosen as ReviewDecision) : 'approved'
    if (typeof answer.content?.feedback === 'string' && answer.content.feedback !== '') {
      feedback = answer.content.feedback
    }
  } else {
    decision = answer.action === 'decline' ? 'denied' : 'abort'
  }
  const type = request.type === 'exec_approval_request' ? 'exec_approval' : 'patch_approval'
  return { type, id: request.call_id, decision, ...(feedback ? { feedback } : {}) }
}

/** The denial sent when the client cannot be asked. */
export function unanswerableOp(request: ApprovalRequest, why: string): Op {
  const type = request.type === 'exec_approval_request' ? 'exec_approval' : 'patch_approval'
  return { type, id: request.call_id, decision: 'denied', feedback: why }
}
